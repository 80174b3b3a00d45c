// The first scan waits until the reader can see the tab. Firefox runs the content script in
// every open tab when Telltale is installed, enabled or updated (Chrome does not), and pages
// also load in background tabs: scanning them all at once would send articles the reader has
// not looked at and hit the server with a burst of requests.

/** Calls `fn` now if `doc` is visible, else once it first becomes visible. */
export function whenVisible(doc, fn) {
  if (doc.visibilityState !== "hidden") {
    fn();
    return;
  }
  const onChange = () => {
    if (doc.visibilityState === "hidden") return;
    doc.removeEventListener("visibilitychange", onChange);
    fn();
  };
  doc.addEventListener("visibilitychange", onChange);
}
