// The tooltip: shown for the mark under the pointer, for a mark focused from the keyboard or
// the popup, and hidden on Escape. Scrolling hides a tooltip the pointer opened; one opened
// from the keyboard or the popup follows its mark, and hides once the mark leaves the screen.

/**
 * Show the tooltip for `mark`, against the whole mark. `pointer` ({x, y}): near it, beside
 * the line it is on; none (keyboard, popup): from the mark's first line, following the mark
 * when the page scrolls.
 */
export function showFor(session, mark, pointer = null) {
  const rects = [...mark.range.getClientRects()];
  const box = mark.range.getBoundingClientRect();
  if (!pointer) {
    session.ui.show(mark, { box, line: rects[0] || box }, { follow: true });
    return;
  }
  const line = rects.find((r) => pointer.y >= r.top && pointer.y <= r.bottom) || rects[0] || box;
  session.ui.show(mark, { box, line, x: pointer.x });
}

export function scrollToMark(mark) {
  const node = mark.range.startContainer;
  const el = node.nodeType === 1 ? node : node.parentElement;
  if (el) el.scrollIntoView({ block: "center", behavior: "instant" });
}

/** Is any of `mark` inside the viewport? */
function onScreen(mark) {
  const box = mark.range.getBoundingClientRect();
  const view = mark.range.startContainer.ownerDocument.defaultView;
  return (box.width > 0 || box.height > 0) && box.bottom > 0 && box.top < view.innerHeight
    && box.right > 0 && box.left < view.innerWidth;
}

/** What is under the pointer: the innermost element (in an open shadow root too). */
function targetOf(e) {
  const node = (e.composedPath && e.composedPath()[0]) || e.target;
  return node && node.nodeType === 3 ? node.parentElement : node;
}

/** Follow the pointer (at most once a frame), Escape and scrolling. */
export function listenForPointer(session) {
  const { highlighter, ui } = session;
  let pointer = null;
  let pointerFrame = 0;
  let scrollFrame = 0;
  function onMouseMove(e) {
    pointer = { x: e.clientX, y: e.clientY, target: targetOf(e) };
    if (pointerFrame || highlighter.marks.length === 0) return;
    pointerFrame = requestAnimationFrame(() => {
      pointerFrame = 0;
      // Only what is really under the pointer: not a mark hidden under the site's sticky
      // header or cookie banner.
      const mark = highlighter.markAt(pointer.x, pointer.y, pointer.target);
      if (mark) showFor(session, mark, pointer);
      else if (ui.current && !ui.root.activeElement) ui.hide();
    });
  }
  function onScroll() {
    if (!ui.current) return;
    if (!ui.follow) {
      ui.hide(); // the pointer opened it: it is no longer over the mark
      return;
    }
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      const mark = ui.current;
      if (!mark || !ui.follow) return;
      if (onScreen(mark)) showFor(session, mark);
      else ui.hide();
    });
  }
  document.addEventListener("mousemove", onMouseMove, { passive: true });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") ui.hide(); });
  // Capture: scrolling boxes inside the page (their scroll events do not bubble) move marks too.
  window.addEventListener("scroll", onScroll, { passive: true, capture: true });
}
