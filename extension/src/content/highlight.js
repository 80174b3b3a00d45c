// Marks on the page. With the CSS Custom Highlight API (CSS.highlights) the page's markup
// is untouched: ranges are registered under the names telltale-1..3 (strength) and styled
// by ::highlight() rules in content.css. Without it, text is wrapped in <telltale-mark>
// elements that unwrap cleanly (the text nodes are rejoined as they were).

export const LEVELS = [1, 2, 3];
const FOCUS = "telltale-focus";

export function highlightApiAvailable(win = globalThis) {
  return Boolean(win.CSS && win.CSS.highlights && typeof win.Highlight === "function");
}

export class Highlighter {
  constructor(doc = document, { useApi = highlightApiAvailable(doc.defaultView) } = {}) {
    this.doc = doc;
    this.win = doc.defaultView;
    this.useApi = useApi;
    this.marks = []; // {id, range, level, info, wrappers}
    this.visible = true;
  }

  add(id, range, level, info) {
    const mark = { id, range, level, info, wrappers: [] };
    if (!this.useApi) mark.wrappers = wrapAndSpan(this.doc, range, id, level);
    this.marks.push(mark);
    this.render();
    return mark;
  }

  clear() {
    this.unwrapAll();
    this.render();
  }

  /** Remove this highlighter's wrappers only, leaving the page's Highlight registry alone. */
  unwrapAll() {
    for (const mark of this.marks) unwrap(mark.wrappers);
    this.marks = [];
  }

  setVisible(visible) {
    this.visible = visible;
    if (!this.useApi) {
      for (const m of this.marks) for (const w of m.wrappers) w.toggleAttribute("data-hidden", !visible);
    }
    this.render();
  }

  render() {
    if (!this.useApi) return;
    try {
      const registry = this.win.CSS.highlights;
      for (const level of LEVELS) {
        const ranges = this.visible ? this.marks.filter((m) => m.level === level).map((m) => m.range) : [];
        if (ranges.length) registry.set(`telltale-${level}`, new this.win.Highlight(...ranges));
        else registry.delete(`telltale-${level}`);
      }
    } catch {
      // The API exists but refuses our ranges (e.g. a browser's content-script sandbox):
      // fall back to wrappers for the marks made so far and from now on.
      this.useApi = false;
      for (const m of this.marks) {
        m.wrappers = wrapAndSpan(this.doc, m.range, m.id, m.level);
        for (const w of m.wrappers) w.toggleAttribute("data-hidden", !this.visible);
      }
    }
  }

  /** Emphasise one mark (keyboard focus, popup click); null clears. */
  focus(mark) {
    if (this.useApi) {
      if (mark && this.visible) this.win.CSS.highlights.set(FOCUS, new this.win.Highlight(mark.range));
      else this.win.CSS.highlights.delete(FOCUS);
    } else {
      for (const m of this.marks) for (const w of m.wrappers) w.toggleAttribute("data-focus", m === mark);
    }
  }

  /** The mark under the viewport point (x, y), or null. */
  markAt(x, y) {
    if (!this.visible) return null;
    for (const mark of this.marks) {
      if (mark.range.collapsed) continue;
      for (const rect of mark.range.getClientRects()) {
        if (x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom) return mark;
      }
    }
    return null;
  }
}

/**
 * Remove marks and UI left on the page by an earlier copy of the content script (the
 * extension was reloaded or updated while the page stayed open).
 */
export function removeLeftovers(doc) {
  unwrap([...doc.querySelectorAll("telltale-mark")]);
  for (const el of doc.querySelectorAll("telltale-ui")) el.remove();
  const win = doc.defaultView;
  if (highlightApiAvailable(win)) {
    try {
      for (const name of [...LEVELS.map((l) => `telltale-${l}`), FOCUS]) win.CSS.highlights.delete(name);
    } catch {
      // a registry that refuses us has none of our marks either
    }
  }
}

/**
 * Wrap the text of `range` in <telltale-mark> elements, one per text node touched. They are
 * not focusable: the keyboard reaches each mark once, through the UI's list of buttons.
 */
export function wrapRange(doc, range, id, level) {
  const nodes = [];
  const root = range.commonAncestorContainer;
  if (root.nodeType === 3) nodes.push(root);
  else {
    const walker = doc.createTreeWalker(root, 0x4);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (range.intersectsNode(n)) nodes.push(n);
  }
  const wrappers = [];
  const { startContainer, startOffset, endContainer, endOffset } = range;
  for (let node of nodes) {
    const from = node === startContainer ? startOffset : 0;
    const to = node === endContainer ? endOffset : node.data.length;
    if (to <= from || !node.data.slice(from, to).trim()) continue;
    if (to < node.data.length) node.splitText(to);
    if (from > 0) node = node.splitText(from);
    const el = doc.createElement("telltale-mark");
    el.dataset.id = String(id);
    el.dataset.level = String(level);
    node.parentNode.insertBefore(el, node);
    el.appendChild(node);
    wrappers.push(el);
  }
  return wrappers;
}

/**
 * wrapRange, then the range set around the wrappers: moving the text into them collapses it,
 * and a collapsed mark reads as one the page took away (every page change would anchor all
 * marks again).
 */
function wrapAndSpan(doc, range, id, level) {
  const wrappers = wrapRange(doc, range, id, level);
  if (wrappers.length) {
    range.setStartBefore(wrappers[0]);
    range.setEndAfter(wrappers[wrappers.length - 1]);
  }
  return wrappers;
}

/** Remove wrappers, rejoining the text nodes that wrapping split. */
export function unwrap(wrappers) {
  for (const el of wrappers) {
    const parent = el.parentNode;
    if (!parent) continue;
    const inner = [...el.childNodes];
    el.replaceWith(...inner);
    for (const node of [inner[0], inner[inner.length - 1]]) {
      if (node && node.nodeType === 3) mergeTextNeighbours(node);
    }
  }
}

function mergeTextNeighbours(node) {
  let n = node;
  while (n.previousSibling && n.previousSibling.nodeType === 3) {
    const prev = n.previousSibling;
    prev.appendData(n.data);
    n.remove();
    n = prev;
  }
  while (n.nextSibling && n.nextSibling.nodeType === 3) {
    n.appendData(n.nextSibling.data);
    n.nextSibling.remove();
  }
}
