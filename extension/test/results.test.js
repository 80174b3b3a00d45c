import { test } from "node:test";
import assert from "node:assert/strict";
import { chunkParagraphs, countResult, flaggedItems, mergeResults, orderChunks, verdictFor } from "../src/content/results.js";
import { strength, verdictHeadline, verdictNote, verdictText, verdictTone } from "../src/shared/describe.js";
import { reasonText, reasonsText } from "../src/content/explain.js";
import { isSkipped, normalizeHost, normalizeServerUrl, withDefaults } from "../src/shared/settings.js";

const sentence = (probability, flagged, extra = {}) => ({ start: 0, end: 5, text: "Hello", probability, flagged, reasons: [], ...extra });

const RESULT = {
  model: { name: "m", version: "1" }, threshold: 0.6,
  article: { probability: 0.7, flagged: true, verdict: "some passages look garbled" },
  passages: [
    { index: 0, probability: 0.2, flagged: false, sentences: [sentence(0.2, false)] },
    { index: 1, probability: 0.9, flagged: true, sentences: [sentence(0.95, true), sentence(0.3, false)] },
    { index: 2, probability: 0.65, flagged: true, sentences: [sentence(0.55, false), sentence(0.5, false)] },
    { index: 3, probability: 0.5, flagged: false, sentences: [sentence(0.62, true)] },
  ],
};

test("flaggedItems follows the server's flags by default", () => {
  const items = flaggedItems(RESULT);
  assert.deepEqual(items.map((p) => p.index), [1, 2, 3]);
  assert.equal(items[0].sentences.length, 1);
  assert.equal(items[1].sentences.length, 2, "a flagged passage without flagged sentences shows all of them");
  assert.deepEqual(countResult(RESULT, items), { paragraphs: 4, flaggedPassages: 2, markedPassages: 3, flaggedSentences: 4 });
});

test("a flagged sentence in an unflagged passage counts as a marked passage (the badge)", () => {
  const result = { ...RESULT, article: { probability: 0.3, flagged: false, verdict: "no signs" }, passages: [RESULT.passages[0], RESULT.passages[3]] };
  const counts = countResult(result, flaggedItems(result));
  assert.equal(counts.markedPassages, 1);
  assert.equal(counts.flaggedPassages, 0);
  assert.equal(verdictTone("no signs", counts), "flagged");
  assert.equal(verdictHeadline("no signs", counts), "No signs in the article as a whole");
  assert.match(verdictNote("no signs", counts), /^One sentence looks garbled on its own/);
  assert.equal(verdictHeadline("no signs", { markedPassages: 0 }), "No signs of machine translation or garbling");
  assert.equal(verdictTone("no signs", { markedPassages: 0 }), "clean");
  const likely = "likely machine-translated or garbled";
  assert.doesNotMatch(verdictNote(likely, counts), /No single passage/);
  assert.match(verdictNote(likely, counts), /article as a whole.*one sentence looks garbled/);
});

test("verdictFor: the server's verdict at its threshold, the same rule at the user's", () => {
  assert.equal(verdictFor(RESULT, flaggedItems(RESULT)), "some passages look garbled");
  const quiet = { ...RESULT, article: { probability: 0.3, flagged: false, verdict: "no signs" }, passages: [RESULT.passages[0]] };
  assert.equal(verdictFor(quiet, flaggedItems(quiet, 0.15), 0.15), "some passages look garbled");
  assert.equal(verdictFor(RESULT, flaggedItems(RESULT, 0.99), 0.99), "no signs");
  const likely = { ...RESULT, article: { ...RESULT.article, verdict: "likely machine-translated or garbled" } };
  assert.equal(verdictFor(likely, flaggedItems(likely, 0.99), 0.99), "likely machine-translated or garbled");
});

test("flaggedItems with the user's own threshold", () => {
  assert.deepEqual(flaggedItems(RESULT, 0.9).map((p) => p.index), [1]);
  assert.deepEqual(flaggedItems(RESULT, 0.1).map((p) => p.index), [0, 1, 2, 3]);
});

test("chunking keeps order and limits, and merging shifts passage indices", () => {
  const paragraphs = Array.from({ length: 45 }, (_, i) => `Paragraph ${i} `.repeat(10));
  const chunks = chunkParagraphs(paragraphs, 20, 100000);
  assert.deepEqual(chunks.map((c) => [c.offset, c.paragraphs.length]), [[0, 20], [20, 20], [40, 5]]);
  assert.deepEqual(chunks.flatMap((c) => c.paragraphs), paragraphs);
  assert.equal(chunkParagraphs(["a".repeat(50), "b".repeat(60), "c d e"], 20, 100).length, 2);
  // a last part of a word or two (the server refuses it as too short) goes with the one before
  const tail = chunkParagraphs([...paragraphs.slice(0, 20), "Sponsored content:"], 20, 100000);
  assert.deepEqual(tail.map((c) => [c.offset, c.paragraphs.length]), [[0, 21]]);
  assert.equal(chunkParagraphs([...paragraphs.slice(0, 20), "Read more about it"], 20, 100000).length, 2);
  const part = (verdict, p) => ({ ...RESULT, article: { probability: p, flagged: p > 0.5, verdict } });
  const merged = mergeResults([{ offset: 0, result: part("no signs", 0.1), chars: 300 }, { offset: 4, result: part("some passages look garbled", 0.7), chars: 100 }]);
  assert.deepEqual(merged.passages.map((p) => p.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(merged.article.verdict, "some passages look garbled");
  assert.ok(Math.abs(merged.article.probability - 0.25) < 1e-9);
  assert.equal(mergeResults([{ offset: 0, result: RESULT }]), RESULT);
  const reversed = mergeResults([{ offset: 4, result: part("some passages look garbled", 0.7), chars: 100 }, { offset: 0, result: part("no signs", 0.1), chars: 300 }]);
  assert.deepEqual(reversed, merged); // the order chunks come back in does not matter
});

test("chunks on screen go first", () => {
  const chunks = chunkParagraphs(Array.from({ length: 65 }, (_, i) => `Paragraph ${i}.`), 20, 100000);
  const offsets = (first) => orderChunks(chunks, first).map((c) => c.offset);
  assert.deepEqual(offsets(-1), [0, 20, 40, 60]); // nothing in view, or no layout: document order
  assert.deepEqual(offsets(5), [0, 20, 40, 60]);
  assert.deepEqual(offsets(20), [20, 40, 60, 0]);
  assert.deepEqual(offsets(47), [40, 60, 20, 0]); // then the ones above, nearest first
  assert.deepEqual(offsets(64), [60, 40, 20, 0]);
  assert.deepEqual(orderChunks(chunks, 47).flatMap((c) => c.paragraphs).sort(), chunks.flatMap((c) => c.paragraphs).sort());
});

test("reasons in words", () => {
  const para = "Antony Blinkin met Mr. Blinken, said the press-service.";
  assert.equal(reasonText({ type: "name_variants", names: ["Blinken", "Blinkin"], spans: [[7, 14]] }, para),
    "Name spelled two ways: Blinken / Blinkin");
  assert.equal(reasonText({ type: "classifier", probability: 0.914 }), "The detector rates the wording 91% likely machine-made");
  const at = para.indexOf("press-service");
  assert.equal(reasonText({ type: "suspicious_words", spans: [[at, at + 13], [999, 1002]] }, para), "Odd word choices: “press-service”");
  assert.match(reasonText({ type: "mojibake" }), /encoding/);
  assert.match(reasonText({ type: "repeated_sentence" }), /more than once/);
  const doubled = "Firefighters battled the the flames.";
  const twice = doubled.indexOf("the the");
  assert.equal(reasonText({ type: "split_word", spans: [[0, 8]] }, "coun try roads"), "Word broken in two: “coun try”");
  assert.equal(reasonText({ type: "doubled_word", spans: [[twice, twice + 7]] }, doubled), "Word written twice: “the the”");
  assert.equal(reasonText({ type: "truncated_sentence", message: "paragraph ends mid-sentence on a dangling word" }),
    "The paragraph stops mid-sentence");
  assert.equal(reasonText({ type: "truncated_sentence", message: "dangling sentence fragment" }),
    "A stray fragment of a sentence");
  assert.equal(reasonText({ type: "brand_new_cue" }), "Other cue: brand new cue");
  assert.deepEqual(reasonsText([null, { type: "mojibake" }]).length, 1);
  assert.equal(verdictText("no signs"), "No signs of machine translation or garbling");
  assert.deepEqual([0.55, 0.75, 0.95].map((p) => strength(p, 0.5)), [1, 2, 3]);
});

test("settings: server URL, skip list, defaults", () => {
  assert.equal(normalizeServerUrl(" http://127.0.0.1:8765/ "), "http://127.0.0.1:8765");
  assert.equal(normalizeServerUrl("https://telltale.example.org/team/"), "https://telltale.example.org/team");
  assert.throws(() => normalizeServerUrl("ftp://x"), /http/);
  assert.throws(() => normalizeServerUrl("not a url"), /valid/);
  assert.equal(normalizeHost("https://WWW.Example.com/a/b"), "www.example.com");
  assert.ok(isSkipped("news.example.com", ["example.com"]));
  assert.ok(!isSkipped("notexample.com", ["example.com"]));
  const d = withDefaults({ threshold: "0.8", mode: "weird", serverUrl: "nonsense", skipSites: ["A.com", ""] });
  assert.deepEqual(d, { serverUrl: "http://127.0.0.1:8765", threshold: 0.8, mode: "auto", skipSites: ["a.com"] });
  assert.equal(withDefaults({ threshold: null }).threshold, null);
});

test("verdictNote explains a 'likely' verdict that no marked passage carries", () => {
  const likely = "likely machine-translated or garbled";
  assert.match(verdictNote(likely, 0), /article as a whole/);
  assert.match(verdictNote(likely, undefined), /article as a whole/);
  assert.equal(verdictNote(likely, 2), "");
  assert.equal(verdictNote("some passages look garbled", 0), "");
  assert.equal(verdictNote("no signs", 0), "");
});
