import { test } from "node:test";
import assert from "node:assert/strict";
import { joinLongParagraphs, splitLongParagraphs } from "../src/content/long-paragraphs.js";

test("a paragraph over the limit is cut into parts under it, after a sentence where it can be", () => {
  const long = "Alpha beta gamma delta. ".repeat(10).trim();
  const { texts, origins } = splitLongParagraphs(["Short one.", long], 100);
  assert.equal(texts[0], "Short one.");
  assert.ok(texts.slice(1).every((t) => t.length <= 100));
  assert.equal(texts.slice(1).join(""), long);
  assert.ok(texts.slice(1, -1).every((t) => t.endsWith(". ")), "cut after a sentence end");
  assert.deepEqual(origins.map((o) => o.paragraph), [0, 1, 1, 1]);
  origins.slice(1).forEach((o, i) => assert.equal(long.slice(o.offset, o.offset + texts[i + 1].length), texts[i + 1]));
  // No sentence end, no space: a hard cut, never inside a surrogate pair.
  const emoji = splitLongParagraphs(["😀".repeat(30)], 11).texts;
  assert.ok(emoji.every((t) => t.length <= 11 && !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(t)));
  assert.equal(emoji.join(""), "😀".repeat(30));
  const unsplit = splitLongParagraphs(["a", "b"], 100);
  assert.deepEqual(unsplit.origins, [{ paragraph: 0, offset: 0 }, { paragraph: 1, offset: 0 }]);
});

test("results for the parts are joined over their paragraph", () => {
  const origins = [{ paragraph: 0, offset: 0 }, { paragraph: 1, offset: 0 }, { paragraph: 1, offset: 50 }];
  const s = (start, end, flagged, spans) => ({ start, end, text: "x", probability: flagged ? 0.9 : 0.1, flagged,
    reasons: spans ? [{ type: "doubled_word", spans }] : [] });
  const result = { article: { verdict: "no signs" }, passages: [
    { index: 0, start: 0, end: 10, probability: 0.1, flagged: false, sentences: [s(0, 10, false)] },
    { index: 1, start: 0, end: 50, probability: 0.2, flagged: false, sentences: [s(0, 50, false)] },
    { index: 2, start: 0, end: 30, probability: 0.8, flagged: true, sentences: [s(0, 30, true, [[3, 10]])] },
  ] };
  const joined = joinLongParagraphs(result, origins);
  assert.deepEqual(joined.passages.map((p) => p.index), [0, 1]);
  const p1 = joined.passages[1];
  assert.deepEqual([p1.start, p1.end, p1.probability, p1.flagged], [0, 80, 0.8, true]);
  assert.deepEqual(p1.sentences.map((x) => [x.start, x.end]), [[0, 50], [50, 80]]);
  assert.deepEqual(p1.sentences[1].reasons[0].spans, [[53, 60]]);
  const plain = { passages: [{ index: 0 }] };
  assert.equal(joinLongParagraphs(plain, [{ paragraph: 0, offset: 0 }]), plain);
});
