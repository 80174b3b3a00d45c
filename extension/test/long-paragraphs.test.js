import { test } from "node:test";
import assert from "node:assert/strict";
import { joinLongParagraphs, splitLongParagraphs } from "../src/content/long-paragraphs.js";
import { flaggedItems } from "../src/content/results.js";

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

test("a long paragraph flagged as a whole through one part marks that part's sentences only", () => {
  const origins = [{ paragraph: 0, offset: 0 }, { paragraph: 0, offset: 40 }];
  const s = (start, end, probability) => ({ start, end, text: "x", probability, flagged: false, reasons: [] });
  const result = { article: { verdict: "some passages look garbled" }, passages: [
    { index: 0, start: 0, end: 40, probability: 0.2, flagged: false, sentences: [s(0, 20, 0.2), s(20, 40, 0.3)] },
    { index: 1, start: 0, end: 40, probability: 0.8, flagged: true, sentences: [s(0, 20, 0.4), s(20, 40, 0.45)] },
  ] };
  const joined = joinLongParagraphs(result, origins);
  assert.equal(joined.passages.length, 1);
  const [item] = flaggedItems(joined);
  assert.ok(item.flagged);
  assert.deepEqual(item.sentences.map((x) => x.start), [40, 60], "the flagged part's sentences");
  // With the user's threshold: the parts are judged by it too.
  assert.deepEqual(flaggedItems(joined, 0.7)[0].sentences.map((x) => x.start), [40, 60]);
  assert.deepEqual(flaggedItems(joined, 0.42)[0].sentences.map((x) => x.start), [60], "a flagged sentence: itself only");
  // A passage not split: all its sentences, as before.
  const plain = { passages: [{ index: 0, probability: 0.8, flagged: true, sentences: [s(0, 5, 0.1), s(6, 9, 0.1)] }] };
  assert.equal(flaggedItems(plain)[0].sentences.length, 2);
});
