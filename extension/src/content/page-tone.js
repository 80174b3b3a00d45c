// Light or dark: the page's own background behind a mark, so that the mark's colours show
// on it. The reader's colour scheme says nothing about the site's: a dark-mode reader on a
// white news site needs the colours for a white page.

/** "dark" when the background behind `node` is dark, else "light". */
export function toneAt(node) {
  const start = node && node.nodeType === 3 ? node.parentElement : node;
  if (!start || !start.ownerDocument) return "light";
  const win = start.ownerDocument.defaultView;
  try {
    for (let el = start; el; el = el.parentElement) {
      const style = win.getComputedStyle(el);
      const bg = parseColor(style.backgroundColor);
      if (bg && bg.a >= 0.5) return luminance(bg) < 0.18 ? "dark" : "light";
      if (style.backgroundImage && style.backgroundImage !== "none") break; // a picture: no colour to read
    }
    // No background of its own (the browser's canvas) or a picture: the text's colour tells,
    // light text being set on a dark background.
    const text = parseColor(win.getComputedStyle(start).color);
    return text && luminance(text) > 0.3 ? "dark" : "light";
  } catch {
    return "light";
  }
}

/** {r, g, b, a} (0-255, alpha 0-1) of a computed colour "rgb(...)" or "rgba(...)", else null. */
export function parseColor(value) {
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/.exec(String(value || "").trim());
  if (!m) return null;
  const a = m[4] === undefined ? 1 : Number(m[4]) / (m[5] ? 100 : 1);
  return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a };
}

/** WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white). */
export function luminance({ r, g, b }) {
  const lin = (c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
