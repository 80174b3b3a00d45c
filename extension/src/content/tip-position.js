// Where the tooltip goes: against the whole mark, so that it hides none of the flagged
// sentence (below its last line, else above its first), near the pointer's x, inside the
// viewport. Pure (unit-tested).

const MARGIN = 8;

/**
 * The tooltip's {left, top} in viewport pixels. `anchor`: {box, line, x}: the mark's bounding
 * rect, the line the pointer is on (else its first line) and the pointer's x (none: the
 * tooltip starts at the line's left); a plain rect stands for box and line. `size`: the
 * tooltip's {width, height}; `view`: the viewport's.
 */
export function tipPosition(anchor, size, view) {
  const box = anchor.box || anchor;
  const line = anchor.line || box;
  const { width: w, height: h } = size;
  const fits = (top) => top >= MARGIN && top + h <= view.height - MARGIN;
  const clampTop = (top) => Math.max(MARGIN, Math.min(top, view.height - h - MARGIN));
  let top;
  if (fits(box.bottom + MARGIN)) top = box.bottom + MARGIN;
  else if (fits(box.top - h - MARGIN)) top = box.top - h - MARGIN;
  // A mark taller than the room around it: beside the line the pointer is on.
  else if (fits(line.bottom + MARGIN)) top = line.bottom + MARGIN;
  else if (fits(line.top - h - MARGIN)) top = line.top - h - MARGIN;
  else top = clampTop(line.bottom + MARGIN);
  // Its left edge a little left of the pointer (where the reader looks), or at the line's start.
  const start = Number.isFinite(anchor.x) ? anchor.x - 24 : line.left;
  const left = Math.max(MARGIN, Math.min(start, view.width - w - MARGIN));
  return { left, top };
}
