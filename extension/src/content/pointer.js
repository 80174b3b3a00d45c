// The tooltip: shown for the mark under the pointer, for a mark focused from the keyboard or
// the popup, and hidden on Escape or scrolling.

/** Show the tooltip for `mark`, beside its first line. */
export function showFor(session, mark) {
  const rects = mark.range.getClientRects();
  const rect = rects.length ? rects[0] : mark.range.getBoundingClientRect();
  session.ui.show(mark, rect);
}

export function scrollToMark(mark) {
  const node = mark.range.startContainer;
  const el = node.nodeType === 1 ? node : node.parentElement;
  if (el) el.scrollIntoView({ block: "center", behavior: "instant" });
}

/** Follow the pointer (at most once a frame), Escape and scrolling. */
export function listenForPointer(session) {
  const { highlighter, ui } = session;
  let pointer = null;
  let pointerFrame = 0;
  function onMouseMove(e) {
    pointer = { x: e.clientX, y: e.clientY };
    if (pointerFrame || highlighter.marks.length === 0) return;
    pointerFrame = requestAnimationFrame(() => {
      pointerFrame = 0;
      const mark = highlighter.markAt(pointer.x, pointer.y);
      if (mark) {
        const rects = [...mark.range.getClientRects()];
        const rect = rects.find((r) => pointer.y >= r.top && pointer.y <= r.bottom) || rects[0];
        ui.show(mark, rect);
      } else if (ui.current && !ui.root.activeElement) ui.hide();
    });
  }
  document.addEventListener("mousemove", onMouseMove, { passive: true });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") ui.hide(); });
  window.addEventListener("scroll", () => { if (ui.current && !ui.root.activeElement) ui.hide(); }, { passive: true });
}
