import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTextIndex, rangeFromOffsets } from "../src/anchoring/text-index.js";
import { Highlighter, unwrap, wrapRange } from "../src/content/highlight.js";
import { TelltaleUI } from "../src/content/ui.js";
import { fromHtml, loadPage } from "./helpers.js";

function rangeOf(doc, text) {
  const index = buildTextIndex(doc.body);
  const start = index.text.indexOf(text);
  return rangeFromOffsets(index, start, start + text.length);
}

test("fallback wrapper marks text across inline elements and unwraps to the same DOM", () => {
  const doc = fromHtml("<body><p id='p'>Before the <em>quoted part</em> and after it.</p></body>");
  const p = doc.getElementById("p");
  const before = p.innerHTML;
  const wrappers = wrapRange(doc, rangeOf(doc, "the quoted part and"), 1, 2);
  assert.equal(wrappers.length, 3);
  assert.equal(wrappers.map((w) => w.textContent).join(""), "the quoted part and");
  assert.ok(wrappers.every((w) => !w.hasAttribute("tabindex")), "fragments are not tab stops (the UI's buttons are)");
  assert.equal(p.textContent, "Before the quoted part and after it.");
  unwrap(wrappers);
  assert.equal(p.innerHTML, before);
  assert.equal(p.childNodes.length, 3, "split text nodes are joined again");
});

test("Highlighter without the Highlight API: add, hide, clear leave the page as it was", () => {
  const doc = loadPage("garbled-article");
  const before = doc.body.innerHTML;
  const h = new Highlighter(doc, { useApi: false });
  const mark = h.add(1, rangeOf(doc, "The Secretary of State Antony Blinkin has arrived"), 3, { probability: 0.9 });
  assert.ok(mark.wrappers.length >= 1);
  assert.equal(doc.querySelectorAll("telltale-mark").length, mark.wrappers.length);
  assert.ok(!mark.range.collapsed, "the mark's range still holds its text: not taken for one the page removed");
  assert.equal(mark.range.toString(), "The Secretary of State Antony Blinkin has arrived");
  h.setVisible(false);
  assert.ok(mark.wrappers.every((w) => w.hasAttribute("data-hidden")));
  h.clear();
  assert.equal(doc.body.innerHTML, before);
});

test("Highlighter with the Highlight API registers ranges by strength and changes no markup", () => {
  const doc = loadPage("garbled-article");
  const registry = new Map();
  class Highlight { constructor(...ranges) { this.ranges = ranges; } }
  // jsdom has no CSS Custom Highlight API; give its window the two names the code uses.
  doc.defaultView.CSS = { highlights: registry };
  doc.defaultView.Highlight = Highlight;
  const before = doc.body.innerHTML;
  const h = new Highlighter(doc);
  assert.equal(h.useApi, true);
  h.add(1, rangeOf(doc, "Antony Blinkin has arrived"), 3, {});
  h.add(2, rangeOf(doc, "shoulder to the shoulder"), 1, {});
  assert.deepEqual([...registry.keys()].sort(), ["telltale-1", "telltale-3"]);
  assert.equal(doc.body.innerHTML, before);
  h.setVisible(false);
  assert.equal(registry.size, 0);
  h.setVisible(true);
  h.clear();
  assert.equal(registry.size, 0);
});

test("tooltip text is set as text: server strings containing HTML stay inert", () => {
  const doc = fromHtml("<body><p>Hello there, world.</p></body>");
  const ui = new TelltaleUI(doc);
  const evil = "<img src=x onerror=alert(1)>";
  const mark = { id: 1, range: rangeOf(doc, "Hello there"), info: {
    probability: 0.9, title: "Telltale: likely machine-translated or garbled", probabilityText: "90%",
    articleText: "Article verdict: x", reasons: [evil], label: evil } };
  ui.setMarks([mark], { onFocus() {}, onBlur() {} });
  ui.show(mark, { left: 0, top: 0, bottom: 10 });
  assert.equal(ui.root.querySelectorAll("img").length, 0);
  assert.ok(ui.tip.textContent.includes(evil));
  assert.equal(ui.tip.getAttribute("role"), "tooltip");
  const button = ui.list.querySelector("button");
  assert.equal(ui.root.getElementById(button.getAttribute("aria-describedby")).textContent.includes(evil), true,
    "described by its own mark's reasons, as text");
  assert.equal(button.getAttribute("role"), null, "a button keeps its role");
  assert.equal(button.parentElement.nodeName, "LI");
  assert.equal(ui.list.nodeName, "UL");
  ui.detach();
  assert.equal(doc.querySelector("telltale-ui"), null);
});

test("a Highlight API that throws falls back to wrappers", () => {
  const doc = loadPage("garbled-article");
  doc.defaultView.CSS = { highlights: { set() { throw new Error("denied"); }, delete() {} } };
  doc.defaultView.Highlight = class {};
  const h = new Highlighter(doc);
  assert.equal(h.useApi, true);
  h.add(1, rangeOf(doc, "Antony Blinkin has arrived"), 3, {});
  assert.equal(h.useApi, false);
  assert.equal(doc.querySelectorAll("telltale-mark").length, 1);
  h.clear();
  assert.equal(doc.querySelectorAll("telltale-mark").length, 0);
});
