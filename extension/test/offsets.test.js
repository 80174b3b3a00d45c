import { test } from "node:test";
import assert from "node:assert/strict";
import { utf16Index } from "../src/shared/offsets.js";
import { toUtf16Offsets } from "../src/content/results.js";
import { reasonText } from "../src/content/explain.js";
import { buildTextIndex } from "../src/anchoring/text-index.js";
import { anchorSentences, locateParagraphs } from "../src/content/mapping.js";
import { fromHtml, rangeText } from "./helpers.js";

/** Code-point offsets of `part` in `text`, as the Python server counts them. */
function pythonSpan(text, part, from = 0) {
  const at = text.indexOf(part, from);
  const start = [...text.slice(0, at)].length;
  return [start, start + [...part].length];
}

test("utf16Index maps code points to UTF-16 units", () => {
  const plain = utf16Index("plain text");
  assert.equal(plain(4), 4);
  const at = utf16Index("a😀b𝔘c");
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(at), [0, 1, 3, 4, 6, 7]);
  assert.equal(at(7), 9, "past the end stays past the end");
  assert.equal(at(-1), -1);
});

const PARA = "Fans cheered 🎉 all night long. Then the the mayor said the 🏆 stays in the town hall.";

function serverResult() {
  const [s0, e0] = pythonSpan(PARA, "Fans cheered 🎉 all night long.");
  const [s1, e1] = pythonSpan(PARA, "Then the the mayor said the 🏆 stays in the town hall.");
  const [ds, de] = pythonSpan(PARA, "the the");
  return {
    article: { probability: 0.7, flagged: false, verdict: "some passages look garbled" },
    passages: [{ index: 0, start: 0, end: [...PARA].length, probability: 0.8, flagged: true, sentences: [
      { start: s0, end: e0, text: "Fans cheered 🎉 all night long.", probability: 0.2, flagged: false, reasons: [] },
      { start: s1, end: e1, text: "Then the the mayor said the 🏆 stays in the town hall.", probability: 0.9, flagged: true,
        reasons: [{ type: "doubled_word", spans: [[ds, de]] }, { type: "classifier", probability: 0.9 }] },
    ] }],
  };
}

test("server offsets after an emoji quote the right words and anchor by position", () => {
  const result = toUtf16Offsets(serverResult(), [PARA]);
  const [, second] = result.passages[0].sentences;
  assert.equal(PARA.slice(second.start, second.end), second.text);
  assert.equal(result.passages[0].end, PARA.length);
  assert.equal(reasonText(second.reasons[0], PARA), "Word written twice: “the the”");
  // Without the conversion the quoted words are off by the emoji's second unit.
  assert.notEqual(reasonText(serverResult().passages[0].sentences[1].reasons[0], PARA), "Word written twice: “the the”");

  const doc = fromHtml(`<body><article><p>${PARA}</p></article></body>`);
  const index = buildTextIndex(doc.body);
  const [selector] = locateParagraphs(index, [PARA]);
  const { anchored, missed } = anchorSentences(index, selector, PARA, [{ sentence: second }]);
  assert.equal(missed.length, 0);
  assert.equal(rangeText(anchored[0].range), second.text);
});
