// The tooltip and its keyboard access, in a shadow root on a zero-size fixed host element
// (so the page's layout and styles do not touch it, nor it theirs), and a polite live
// region that tells screen-reader users the marks are there. All text is set with
// textContent; nothing from the server is ever parsed as HTML.

import { tipPosition } from "./tip-position.js";

// Before a live region's text changes it must be in the accessibility tree a moment, or
// screen readers miss the change.
const ANNOUNCE_DELAY_MS = 300;

const STYLE = `
:host { all: initial; }
.tip {
  position: fixed; z-index: 2147483647; max-width: min(26rem, calc(100vw - 16px));
  box-sizing: border-box; padding: 10px 12px; border-radius: 8px;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  background: #fffdf7; color: #1d1d1f; border: 1px solid #d9c58a;
  box-shadow: 0 6px 24px rgba(0, 0, 0, .18); pointer-events: none;
}
.tip[hidden] { display: none; }
.title { font-weight: 650; margin: 0 0 2px; }
.prob, .article { margin: 0 0 6px; color: #4a4a4f; }
ul { margin: 0; padding-left: 1.1em; }
li { margin: 2px 0; }
.bar { height: 4px; border-radius: 2px; background: #eee3c0; margin: 0 0 8px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #d9480f; }
.sr { position: fixed; left: 0; top: 0; width: 1px; height: 1px; overflow: hidden;
      clip-path: inset(50%); white-space: nowrap; }
.sr:focus-within { outline: none; }
button { all: unset; }
@media (prefers-color-scheme: dark) {
  .tip { background: #26231c; color: #f2efe6; border-color: #7a6631; box-shadow: 0 6px 24px rgba(0, 0, 0, .6); }
  .prob, .article { color: #c9c4b6; }
  .bar { background: #4a4330; }
  .bar > span { background: #ff8a4c; }
}
@media (forced-colors: active) {
  .tip { border: 2px solid CanvasText; }
}
`;

export class TelltaleUI {
  constructor(doc = document) {
    this.doc = doc;
    this.host = doc.createElement("telltale-ui");
    this.host.style.cssText = "position:fixed!important;top:0!important;left:0!important;width:0!important;"
      + "height:0!important;margin:0!important;padding:0!important;border:0!important;overflow:visible!important;"
      + "z-index:2147483647!important;display:var(--telltale-ui-display,none)!important;";
    this.root = this.host.attachShadow({ mode: "open" });
    const style = doc.createElement("style");
    style.textContent = STYLE;
    this.tip = el(doc, "div", { class: "tip", role: "tooltip", id: "telltale-tip", hidden: "" });
    this.list = el(doc, "ul", { class: "sr", "aria-label": "Telltale: flagged sentences" });
    this.status = el(doc, "div", { class: "sr", role: "status", "aria-live": "polite" });
    this.root.append(style, this.tip, this.list, this.status);
    this.current = null;
    this.follow = false; // the tooltip follows its mark when the page scrolls (keyboard, popup)
    this.announceTimer = 0;
  }

  attach() {
    if (!this.host.isConnected) this.doc.documentElement.appendChild(this.host);
  }

  detach() {
    this.hide();
    this.doc.defaultView.clearTimeout(this.announceTimer);
    this.status.textContent = "";
    this.host.remove();
  }

  /** Say `message` politely (after what the screen reader is reading; the focus stays put). */
  announce(message) {
    this.attach();
    const win = this.doc.defaultView;
    win.clearTimeout(this.announceTimer);
    this.status.textContent = "";
    this.announceTimer = win.setTimeout(() => { this.status.textContent = message; }, ANNOUNCE_DELAY_MS);
  }

  /**
   * Keyboard access: one focusable button (in a list item) per mark, in page order, read by
   * screen readers; each described by its own mark's explanation (a hidden element beside it),
   * not by the shared tooltip, which holds whatever was shown last.
   */
  setMarks(marks, { onFocus, onBlur }) {
    this.list.replaceChildren();
    marks.forEach((mark, i) => {
      const item = el(this.doc, "li", {});
      const descId = `telltale-desc-${mark.id}`;
      const b = el(this.doc, "button", { type: "button", "aria-describedby": descId });
      b.textContent = `Flagged sentence ${i + 1} of ${marks.length}: ${mark.info.label}`;
      b.dataset.id = String(mark.id);
      b.addEventListener("focus", () => onFocus(mark));
      b.addEventListener("blur", () => onBlur(mark));
      b.addEventListener("keydown", (e) => { if (e.key === "Escape") this.hide(); });
      const desc = el(this.doc, "span", { id: descId, hidden: "" });
      desc.textContent = description(mark.info);
      item.append(b, desc);
      this.list.append(item);
    });
  }

  focusMark(id) {
    const b = this.list.querySelector(`button[data-id="${CSS.escape(String(id))}"]`);
    if (b) b.focus();
    return Boolean(b);
  }

  /**
   * Show the tooltip for `mark` against `anchor` (see tipPosition: {box, line, x} in viewport
   * coordinates, or a rect). `follow`: it moves with its mark when the page scrolls.
   */
  show(mark, anchor, { follow = false } = {}) {
    const { info } = mark;
    if (this.current !== mark) {
      const bar = el(this.doc, "div", { class: "bar", "aria-hidden": "true" });
      const fill = el(this.doc, "span", {});
      fill.style.width = `${Math.round(info.probability * 100)}%`;
      bar.append(fill);
      const reasons = el(this.doc, "ul", {});
      for (const line of info.reasons) {
        const li = el(this.doc, "li", {});
        li.textContent = line;
        reasons.append(li);
      }
      this.tip.replaceChildren(
        text(this.doc, "p", "title", info.title),
        text(this.doc, "p", "prob", info.probabilityText),
        bar,
        text(this.doc, "p", "article", info.articleText),
        reasons,
      );
      this.current = mark;
    }
    this.follow = follow;
    this.tip.hidden = false;
    this.attach();
    const view = this.doc.defaultView;
    const tipRect = this.tip.getBoundingClientRect();
    const size = { width: tipRect.width || 300, height: tipRect.height || 120 };
    const { left, top } = tipPosition(anchor, size, { width: view.innerWidth, height: view.innerHeight });
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${top}px`;
  }

  hide() {
    this.tip.hidden = true;
    this.current = null;
    this.follow = false;
  }
}

/** A mark's explanation in one line, for its button's description. */
function description(info) {
  return [info.title, info.probabilityText, ...info.reasons].filter(Boolean).join(". ") + ".";
}

function el(doc, tag, attrs) {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function text(doc, tag, cls, value) {
  const node = el(doc, tag, { class: cls });
  node.textContent = value;
  return node;
}
