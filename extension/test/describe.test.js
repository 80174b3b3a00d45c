// The tooltip's words for a marked sentence (content/explain.js): a verdict and its number
// that agree, the number said once, and no function words listed as "odd"; percentages
// (shared/describe.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { percent } from "../src/shared/describe.js";
import { reasonText, sentenceExplanation } from "../src/content/explain.js";

const THRESHOLD = 0.856; // the server's sentence threshold in the audit

function spanOf(paragraph, word, from = 0) {
  const at = paragraph.indexOf(word, from);
  assert.ok(at >= 0, word);
  return [at, at + word.length];
}

/** Everything the tooltip says, as one text. */
const shown = (e) => [e.title, e.probabilityText, ...e.reasons].join("\n");

test("a sentence flagged for a cue leads with the cue, not with 'likely' beside a low number", () => {
  const para = "Firefighters battled the the flames for hours.";
  const sentence = { text: para, probability: 0.13, flagged: true,
    reasons: [{ type: "classifier", probability: 0.13 }, { type: "doubled_word", spans: [spanOf(para, "the the")] }] };
  const e = sentenceExplanation(sentence, para, { threshold: THRESHOLD });
  assert.equal(e.title, "Flagged: a word is written twice");
  assert.doesNotMatch(shown(e), /likely/, "no 'likely' next to 13%");
  assert.equal(e.probabilityText, "The wording alone scores 13%, too little to flag it on its own");
  assert.deepEqual(e.reasons, ["Word written twice: “the the”"]);
  assert.equal(shown(e).match(/13%/g).length, 1);

  const names = "US Secretary of State Antony Blinkin arrived in Cairo.";
  const named = sentenceExplanation({ text: names, probability: 0.29, reasons: [{ type: "classifier", probability: 0.29 },
    { type: "name_variants", names: ["Blinken", "Blinkin"], spans: [spanOf(names, "Blinkin")] }] }, names, { threshold: THRESHOLD });
  assert.equal(named.title, "Flagged: a name is spelled two ways");
  assert.ok(named.label.startsWith("a name is spelled two ways, US Secretary"), named.label);

  const broken = sentenceExplanation({ text: "x", probability: 0.48, reasons: [{ type: "mojibake" }] }, "x", { threshold: THRESHOLD });
  assert.equal(broken.title, "Flagged: broken characters");
  // A sentence marked because its passage is flagged as a whole says so.
  const inPassage = sentenceExplanation({ text: "x", probability: 0.3, reasons: [{ type: "classifier", probability: 0.3 }] }, "x",
    { threshold: THRESHOLD, passageFlagged: true });
  assert.equal(inPassage.title, "Flagged: its paragraph as a whole reads like machine translation");
  assert.doesNotMatch(shown(inPassage), /likely/);
});

test("a sentence flagged for its wording gives its number once (not again as the detector's)", () => {
  const para = "Officials said talks would resume.";
  const e = sentenceExplanation({ text: para, probability: 0.75, reasons: [{ type: "classifier", probability: 0.75 }] }, para,
    { threshold: 0.5 });
  assert.equal(e.title, "Telltale: likely machine-translated or garbled");
  assert.equal(e.probabilityText, "This sentence: 75% likely machine-translated or garbled");
  assert.deepEqual(e.reasons, ["The detector rates the wording as machine-made"]);
  assert.equal(shown(e).match(/75%/g).length, 1, shown(e));
  const strong = sentenceExplanation({ text: para, probability: 0.9, reasons: [{ type: "classifier", probability: 0.9 }] }, para,
    { threshold: THRESHOLD });
  assert.equal(strong.title, "Telltale: very likely machine-translated or garbled");
});

test("percentages stay between 1% and 99%", () => {
  assert.equal(percent(1), "99%");
  assert.equal(percent(0.998), "99%");
  assert.equal(percent(0.99), "99%");
  assert.equal(percent(0.5), "50%");
  assert.equal(percent(0.004), "1%");
  assert.equal(percent(0), "1%");
  const e = sentenceExplanation({ text: "x", probability: 1, reasons: [{ type: "classifier", probability: 1 }] }, "x", { threshold: THRESHOLD });
  assert.match(e.probabilityText, /This sentence: 99% /);
});

test("odd word choices leave out function words and single letters; only those: no line", () => {
  const para = "The talks are not in the capital, he said, and a deal is fragile beyond doubt.";
  const spans = (...words) => words.map((w) => spanOf(para, w));
  assert.equal(reasonText({ type: "suspicious_words", spans: spans("The", "are", "not", "in") }, para), null);
  const letter = para.indexOf(" a ") + 1;
  assert.equal(reasonText({ type: "suspicious_words", spans: [[letter, letter + 1]] }, para), null, "a single letter");
  assert.equal(reasonText({ type: "suspicious_words", spans: spans("he", "capital", "are", "fragile") }, para),
    "Odd word choices: “capital”, “fragile”");
  // In the tooltip the line is left out when nothing meaningful remains.
  const sentence = { text: para, probability: 0.2,
    reasons: [{ type: "suspicious_words", spans: spans("The", "not") }, { type: "doubled_word", spans: [] }] };
  const e = sentenceExplanation(sentence, para, { threshold: THRESHOLD });
  assert.deepEqual(e.reasons, ["A word is written twice in a row"]);
  assert.equal(e.title, "Flagged: a word is written twice");
  // Odd words alone, all function words: no line, and the title does not name them.
  const only = sentenceExplanation({ ...sentence, reasons: [{ type: "suspicious_words", spans: spans("The", "not") }] }, para,
    { threshold: THRESHOLD });
  assert.deepEqual(only.reasons, []);
  assert.doesNotMatch(only.title, /odd word/i);
});

test("a cue's title and its line agree: one table for both", () => {
  const said = (reason, paragraph = "x") => {
    const e = sentenceExplanation({ text: paragraph, probability: 0.2, reasons: [reason] }, paragraph, { threshold: THRESHOLD });
    return { title: e.title, line: e.reasons[0] };
  };
  // Fewer than two usable names: neither says "two ways".
  for (const names of [[], ["Blinkin"], ["Blinkin", 7], undefined]) {
    assert.deepEqual(said({ type: "name_variants", names }), {
      title: "Flagged: a name is spelled in different ways", line: "A name is spelled in different ways in the article" },
    JSON.stringify(names));
  }
  assert.deepEqual(said({ type: "name_variants", names: ["Blinken", "Blinkin"] }), {
    title: "Flagged: a name is spelled two ways", line: "Name spelled two ways: Blinken / Blinkin" });
  assert.deepEqual(said({ type: "name_variants", names: ["Blinken", "Blinkin", "Blinkn"] }), {
    title: "Flagged: a name is spelled several ways", line: "Name spelled several ways: Blinken / Blinkin / Blinkn" });
  assert.deepEqual(said({ type: "truncated_sentence", message: "dangling sentence fragment" }), {
    title: "Flagged: a stray fragment of a sentence", line: "A stray fragment of a sentence" });
  assert.deepEqual(said({ type: "truncated_sentence", message: "ends mid-sentence" }), {
    title: "Flagged: the paragraph stops mid-sentence", line: "The paragraph stops mid-sentence" });
  assert.deepEqual(said({ type: "brand_new_cue" }), { title: "Flagged: brand new cue", line: "Other cue: brand new cue" });
  // The server's cues before the detector's odd words, whatever their order.
  const para = "Firefighters battled the the flames with determination.";
  const e = sentenceExplanation({ text: para, probability: 0.2, reasons: [
    { type: "suspicious_words", spans: [spanOf(para, "determination")] }, { type: "doubled_word", spans: [spanOf(para, "the the")] }] },
  para, { threshold: THRESHOLD });
  assert.equal(e.title, "Flagged: a word is written twice");
});
