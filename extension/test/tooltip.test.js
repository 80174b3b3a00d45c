// The tooltip on the page (content/pointer.js, ui.js, tip-position.js): where it goes, what
// opens it, what it follows, and what each mark's button says to a screen reader.
// jsdom has no layout: marks' ranges get the client rects a browser would give them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { buildTextIndex, rangeFromOffsets } from "../src/anchoring/text-index.js";
import { Highlighter } from "../src/content/highlight.js";
import { TelltaleUI } from "../src/content/ui.js";
import { listenForPointer, showFor } from "../src/content/pointer.js";
import { tipPosition } from "../src/content/tip-position.js";
import { settle, useWindow } from "./fake-ext.js";

const rect = (left, top, right, bottom) => ({ left, top, right, bottom, width: right - left, height: bottom - top, x: left, y: top });

/** A page with a fixed header over the article, a highlighter, a UI, and the pointer followed. */
function setup() {
  const dom = new JSDOM(`<!doctype html><html lang="en"><body>
    <header id="sticky" style="position:fixed;top:0">Menu · Sign in · Accept cookies</header>
    <article><p id="p">Before it. Firefighters battled the the flames for hours, while residents were evacuated. After it.</p></article>
    </body></html>`, { url: "http://news.test/tip" });
  useWindow(dom);
  const doc = dom.window.document;
  const session = { highlighter: new Highlighter(doc, { useApi: false }), ui: new TelltaleUI(doc) };
  listenForPointer(session);
  return { dom, doc, session };
}

/** Mark `text` and give its range the rects of `lines` (a browser's layout). */
function markText(session, doc, text, lines, info = {}) {
  const index = buildTextIndex(doc.body);
  const start = index.text.indexOf(text);
  const range = rangeFromOffsets(index, start, start + text.length);
  const mark = session.highlighter.add(session.highlighter.marks.length + 1, range, 2, {
    probability: 0.9, title: "Telltale: very likely machine-translated or garbled",
    probabilityText: "This sentence: 90% likely machine-translated or garbled", articleText: "Article verdict: x",
    reasons: ["Word written twice: “the the”"], label: text, ...info });
  layOut(mark, lines);
  return mark;
}

function layOut(mark, lines) {
  mark.range.getClientRects = () => lines;
  mark.range.getBoundingClientRect = () => rect(Math.min(...lines.map((r) => r.left)), lines[0].top,
    Math.max(...lines.map((r) => r.right)), lines.at(-1).bottom);
}

const tipBox = (ui) => ({ left: parseFloat(ui.tip.style.left), top: parseFloat(ui.tip.style.top) });
const mouse = (win, target, x, y) => target.dispatchEvent(new win.MouseEvent("mousemove", { bubbles: true, clientX: x, clientY: y }));

// jsdom's viewport is 1024 × 768; a tooltip without layout counts as 300 × 120.
const LINES = [rect(40, 300, 980, 320), rect(40, 320, 980, 340), rect(40, 340, 420, 360)];

test("hovering a multi-line mark: the tooltip is below its last line, near the pointer", async () => {
  const { dom, doc, session } = setup();
  const mark = markText(session, doc, "Firefighters battled the the flames for hours, while residents were evacuated.", LINES);
  mouse(dom.window, doc.querySelector("telltale-mark"), 700, 310); // on the first line, far right
  await settle(10);
  assert.equal(session.ui.current, mark);
  const { left, top } = tipBox(session.ui);
  assert.ok(top >= 360, `below the whole mark (its last line ends at 360), not on its other lines: top ${top}`);
  assert.ok(Math.abs(left - 700) <= 40, `near the pointer, not at the line's start (40): left ${left}`);
});

test("no room below a multi-line mark: above its first line; a mark taller than the room: beside the pointer's line", () => {
  const view = { width: 1024, height: 768 };
  const size = { width: 300, height: 120 };
  const low = [rect(40, 600, 980, 620), rect(40, 620, 980, 640), rect(40, 640, 300, 660)];
  const box = rect(40, 600, 980, 660);
  const placed = tipPosition({ box, line: low[2], x: 100 }, size, view);
  assert.ok(placed.top + size.height <= 600, `above the first line: ${placed.top}`);
  // A mark from the top of the screen to the bottom: below the line the pointer is on.
  const tall = rect(40, 0, 980, 760);
  const beside = tipPosition({ box: tall, line: rect(40, 200, 980, 220), x: 500 }, size, view);
  assert.equal(beside.top, 228);
  // Always inside the viewport.
  const edge = tipPosition({ box: rect(1000, 10, 1020, 30), line: rect(1000, 10, 1020, 30), x: 1015 }, size, view);
  assert.ok(edge.left >= 8 && edge.left + size.width <= view.width - 8, `inside: ${edge.left}`);
  // From the keyboard (no pointer): it starts at the mark's first line.
  assert.equal(tipPosition({ box, line: low[0] }, size, view).left, 40);
});

test("the pointer over the site's sticky header, above a hidden mark, opens no tooltip", async () => {
  const { dom, doc, session } = setup();
  const mark = markText(session, doc, "Firefighters battled the the flames for hours, while residents were evacuated.", LINES);
  // The header is drawn over the mark's first line: the pointer is on both, the header on top.
  mouse(dom.window, doc.getElementById("sticky"), 300, 310);
  await settle(10);
  assert.equal(session.ui.current, null, "the reader points at the site's menu");
  assert.equal(session.ui.tip.hidden, true);
  mouse(dom.window, doc.querySelector("telltale-mark"), 300, 310);
  await settle(10);
  assert.equal(session.ui.current, mark, "on the mark's own text it opens");
  // The paragraph itself (the Highlight API leaves no wrapper: the text's element is the target).
  session.ui.hide();
  mouse(dom.window, doc.getElementById("p"), 300, 330);
  await settle(10);
  assert.equal(session.ui.current, mark);
});

test("a tooltip opened from the keyboard follows its mark when the page scrolls, and hides once it is off screen", async () => {
  const { dom, doc, session } = setup();
  const { ui, highlighter } = session;
  const mark = markText(session, doc, "Firefighters battled the the flames for hours, while residents were evacuated.", LINES);
  ui.setMarks(highlighter.marks, { onFocus: (m) => showFor(session, m), onBlur: () => ui.hide() });
  ui.attach();
  assert.ok(ui.focusMark(mark.id));
  assert.equal(ui.current, mark);
  const before = tipBox(ui);
  layOut(mark, LINES.map((r) => rect(r.left, r.top - 200, r.right, r.bottom - 200))); // scrolled 200 px
  dom.window.dispatchEvent(new dom.window.Event("scroll"));
  await settle(10);
  assert.equal(ui.tip.hidden, false);
  assert.equal(tipBox(ui).top, before.top - 200, "moved with its mark, not left over other text");
  layOut(mark, LINES.map((r) => rect(r.left, r.top - 900, r.right, r.bottom - 900))); // scrolled out of view
  dom.window.dispatchEvent(new dom.window.Event("scroll"));
  await settle(10);
  assert.equal(ui.tip.hidden, true);
  assert.equal(ui.current, null);
});

test("a tooltip opened by the pointer still hides on scrolling", async () => {
  const { dom, doc, session } = setup();
  markText(session, doc, "Firefighters battled the the flames for hours, while residents were evacuated.", LINES);
  mouse(dom.window, doc.querySelector("telltale-mark"), 300, 310);
  await settle(10);
  assert.equal(session.ui.tip.hidden, false);
  dom.window.dispatchEvent(new dom.window.Event("scroll"));
  await settle(10);
  assert.equal(session.ui.tip.hidden, true);
});

test("each mark's button is described by its own reasons, not by the shared tooltip", () => {
  const { doc, session } = setup();
  const { ui, highlighter } = session;
  markText(session, doc, "Before it.", [rect(40, 100, 200, 120)], {
    title: "Flagged: a name is spelled two ways", probabilityText: "The wording alone scores 29%, too little to flag it on its own",
    reasons: ["Name spelled two ways: Blinken / Blinkin"] });
  markText(session, doc, "After it.", [rect(40, 400, 200, 420)], {
    title: "Telltale: very likely machine-translated or garbled", probabilityText: "This sentence: 82% likely machine-translated or garbled",
    reasons: ["The paragraph stops mid-sentence"] });
  ui.setMarks(highlighter.marks, { onFocus() {}, onBlur() {} });
  const buttons = [...ui.list.querySelectorAll("button")];
  const descriptions = buttons.map((b) => {
    const id = b.getAttribute("aria-describedby");
    assert.notEqual(id, "telltale-tip");
    return ui.root.getElementById(id).textContent;
  });
  assert.equal(new Set(buttons.map((b) => b.getAttribute("aria-describedby"))).size, 2);
  assert.match(descriptions[0], /name is spelled two ways.*29%.*Blinken \/ Blinkin/);
  assert.match(descriptions[1], /82%.*stops mid-sentence/);
  assert.doesNotMatch(descriptions[0], /82%|mid-sentence/);
  // Shown after the other mark's tooltip, a description is still its own.
  ui.show(highlighter.marks[1], rect(40, 400, 200, 420));
  assert.match(ui.root.getElementById(buttons[0].getAttribute("aria-describedby")).textContent, /Blinkin/);
});
