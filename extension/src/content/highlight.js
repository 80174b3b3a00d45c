// Marks on the page. With the CSS Custom Highlight API (CSS.highlights) the page's markup
// is untouched: ranges are registered under the names telltale-1..3 (strength; on a dark
// background telltale-dark-1..3) and styled by ::highlight() rules in content.css. Without
// it, text is wrapped in <telltale-mark> elements that unwrap cleanly (the text nodes are
// rejoined as they were).

import { toneAt } from "./page-tone.js";

const LEVELS = [1, 2, 3];
const TONES = ["light", "dark"];
const FOCUS = "telltale-focus";

/** The registry name for marks of `level` on a `tone` ("light" or "dark") background. */
function highlightName(level, tone = "light") {
  return tone === "dark" ? `telltale-dark-${level}` : `telltale-${level}`;
}
const ALL_NAMES = [...TONES.flatMap((tone) => LEVELS.map((level) => highlightName(level, tone))), FOCUS];

export function highlightApiAvailable(win = globalThis) {
  return Boolean(win.CSS && win.CSS.highlights && typeof win.Highlight === "function");
}

export class Highlighter {
  constructor(doc = document, { useApi = highlightApiAvailable(doc.defaultView) } = {}) {
    this.doc = doc;
    this.win = doc.defaultView;
    this.useApi = useApi;
    this.marks = []; // {id, range, level, tone, info, wrappers}
    this.visible = true;
  }

  add(id, range, level, info) {
    // Colours for the background the mark is on, whatever the reader's colour scheme.
    const mark = { id, range, level, tone: toneAt(range.startContainer), info, wrappers: [] };
    if (!this.useApi) mark.wrappers = wrapAndSpan(this.doc, range, mark);
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
      for (const tone of TONES) {
        for (const level of LEVELS) {
          const ranges = this.visible ? this.marks.filter((m) => m.level === level && m.tone === tone).map((m) => m.range) : [];
          if (ranges.length) registry.set(highlightName(level, tone), new this.win.Highlight(...ranges));
          else registry.delete(highlightName(level, tone));
        }
      }
    } catch {
      // The API exists but refuses our ranges (e.g. a browser's content-script sandbox):
      // fall back to wrappers for the marks made so far and from now on.
      this.useApi = false;
      for (const m of this.marks) {
        m.wrappers = wrapAndSpan(this.doc, m.range, m);
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

  /**
   * The mark under the viewport point (x, y), or null. `target` (optional): the element
   * actually under the point (the event's target); a mark counts only when it is that
   * element's own text, not one covered by something else (a sticky header, a banner).
   */
  markAt(x, y, target = null) {
    if (!this.visible) return null;
    for (const mark of this.marks) {
      if (mark.range.collapsed) continue;
      if (target && !holds(mark.range, target)) continue;
      for (const rect of mark.range.getClientRects()) {
        if (x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom) return mark;
      }
    }
    return null;
  }
}

/** Does the element `target` hold text of `range` (or lie inside it)? */
function holds(range, target) {
  try {
    return range.intersectsNode(target);
  } catch {
    return false;
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
      for (const name of ALL_NAMES) win.CSS.highlights.delete(name);
    } catch {
      // a registry that refuses us has none of our marks either
    }
  }
}

/**
 * Wrap the text of `range` in <telltale-mark> elements, one per text node touched. They are
 * not focusable: the keyboard reaches each mark once, through the UI's list of buttons.
 */
export function wrapRange(doc, range, id, level, tone = "light") {
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
    if (tone === "dark") el.dataset.tone = "dark";
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
function wrapAndSpan(doc, range, { id, level, tone }) {
  const wrappers = wrapRange(doc, range, id, level, tone);
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
