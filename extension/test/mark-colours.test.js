// Marks visible on light and dark pages alike: their colours follow the page's background
// behind them (content/page-tone.js), not the reader's colour scheme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTextIndex, rangeFromOffsets } from "../src/anchoring/text-index.js";
import { Highlighter, removeLeftovers } from "../src/content/highlight.js";
import { luminance, parseColor, toneAt } from "../src/content/page-tone.js";
import { fromHtml } from "./helpers.js";

const CSS_TEXT = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "src", "content", "content.css"), "utf8");

function rangeOf(doc, text) {
  const index = buildTextIndex(doc.body);
  const start = index.text.indexOf(text);
  return rangeFromOffsets(index, start, start + text.length);
}

function page(css) {
  return fromHtml(`<html><head><style>${css}</style></head><body><div class="box"><article>
    <p>Ministers left Istanbul without a deal. Talks are not expected to resume.</p></article></div></body></html>`);
}

function fakeRegistry(doc) {
  const registry = new Map();
  doc.defaultView.CSS = { highlights: registry };
  doc.defaultView.Highlight = class { constructor(...ranges) { this.ranges = ranges; } };
  return registry;
}

test("the page's background behind a mark picks its colours, whatever the reader's scheme", () => {
  const light = page("body { background: #fff; color: #222; }");
  const dark = page("body { background: #121212; color: #e6e6e6; }");
  const boxed = page("body { background: #fff; } .box { background-color: rgb(20, 24, 32); color: #ddd; }");
  const canvas = page("body { color: rgb(230, 230, 230); }"); // no background: a dark canvas, told by the light text
  const at = (doc) => toneAt(doc.querySelector("p").firstChild);
  assert.deepEqual([light, dark, boxed, canvas].map(at), ["light", "dark", "dark", "dark"]);
  assert.equal(at(page("")), "light");

  for (const [doc, names] of [[light, ["telltale-2"]], [dark, ["telltale-dark-2"]]]) {
    const registry = fakeRegistry(doc);
    const h = new Highlighter(doc);
    h.add(1, rangeOf(doc, "Ministers left Istanbul without a deal."), 2, {});
    assert.deepEqual([...registry.keys()], names);
    removeLeftovers(doc);
    assert.equal(registry.size, 0, "an earlier copy's marks of either tone are removed");
  }
  // Without the Highlight API the wrapper says which colours it needs.
  const h = new Highlighter(dark, { useApi: false });
  const mark = h.add(1, rangeOf(dark, "Talks are not expected to resume."), 1, {});
  assert.ok(mark.wrappers.every((w) => w.dataset.tone === "dark"));
  h.clear();
});

/** The colour of `property` in the rule for `selector` in content.css. */
function ruleColour(selector, property) {
  const at = CSS_TEXT.indexOf(`${selector} {`);
  assert.ok(at >= 0, `content.css has a rule for ${selector}`);
  const body = CSS_TEXT.slice(at, CSS_TEXT.indexOf("}", at));
  const m = new RegExp(`${property}:[^;]*?(rgba?\\([^)]*\\))`).exec(body);
  assert.ok(m, `${selector} sets ${property}`);
  return parseColor(m[1]);
}

/** `colour` (with its alpha) over the opaque `bg`. */
const over = (c, bg) => ({ r: c.r * c.a + bg.r * (1 - c.a), g: c.g * c.a + bg.g * (1 - c.a), b: c.b * c.a + bg.b * (1 - c.a), a: 1 });
const contrast = (x, y) => {
  const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (a + 0.05) / (b + 0.05);
};

test("content.css: marks do not follow prefers-color-scheme, and their underlines show on their background", () => {
  assert.doesNotMatch(CSS_TEXT, /prefers-color-scheme/, "the reader's scheme says nothing about the site's background");
  const white = { r: 255, g: 255, b: 255, a: 1 };
  const black = { r: 18, g: 18, b: 18, a: 1 };
  for (const level of [1, 2, 3]) {
    for (const [selectors, bg] of [[[`::highlight(telltale-${level})`, `telltale-mark[data-level="${level}"]`], white],
      [[`::highlight(telltale-dark-${level})`, `telltale-mark[data-tone="dark"][data-level="${level}"]`], black]]) {
      for (const selector of selectors) {
        const tinted = over(ruleColour(selector, "background-color"), bg);
        const line = over(ruleColour(selector, "text-decoration"), tinted);
        assert.ok(contrast(tinted, bg) > 1.1, `${selector}: its tint shows`);
        assert.ok(contrast(line, tinted) >= 1.9, `${selector}: its underline shows (${contrast(line, tinted).toFixed(2)})`);
      }
    }
  }
});
