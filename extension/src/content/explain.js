// The tooltip's words for a marked sentence: its title, its number and one line per reason
// (cue) the server gave. Plain text: callers put it into the page with textContent.

import { percent } from "../shared/describe.js";

// Words too common to tell a reader anything when listed as "odd": function words (the
// detector marks words in damaged sentences, often these) and single letters.
const STOP_WORDS = new Set(`a an the and or but nor so yet if then than as at by for from in into of off on
onto out over to up down with without about after before under between through is am are was were be been
being do does did done has have had not no it its it's this that these those he she they we you i me him
her them us his hers their theirs our ours your yours my mine who whom whose which what when where why how
will would can could shall should may might must there here also very just all any some such each both
only own same too don't didn't doesn't isn't aren't wasn't weren't won't can't`.split(/\s+/));

/** A word worth listing as "odd": not a common function word, nor a single letter. */
export function meaningfulWord(word) {
  const bare = String(word).toLowerCase().replace(/[’‘]/g, "'").replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  return [...bare].length > 1 && !STOP_WORDS.has(bare);
}

function spansText(paragraph, spans, { limit = 4, keep = () => true } = {}) {
  const words = [];
  for (const span of spans || []) {
    if (!Array.isArray(span) || span.length < 2) continue;
    const [s, e] = span;
    if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= paragraph.length)) continue;
    const w = paragraph.slice(s, e).trim();
    if (w && keep(w) && !words.includes(w)) words.push(w);
  }
  const shown = words.slice(0, limit).map((w) => `“${w.length > 40 ? w.slice(0, 39) + "…" : w}”`);
  return shown.join(", ") + (words.length > limit ? ` and ${words.length - limit} more` : "");
}

function humanType(type) {
  return String(type || "cue").replace(/[_-]+/g, " ").slice(0, 60);
}

/** A cue told by the words its spans mark: "label: “w1”, “w2”", else `bare` (null: no line). */
function byWords(label, bare, title, keep = () => true) {
  return {
    line: (r, paragraph) => {
      const words = spansText(paragraph, r.spans, { keep });
      return words ? `${label}: ${words}` : bare;
    },
    title: () => title,
  };
}

/** A cue that is always told the same way. */
const fixed = (line, title) => ({ line: () => line, title: () => title });

const usableNames = (r) => (r.names || []).filter((n) => typeof n === "string").slice(0, 4);
const namesWays = (names) => (names.length === 2 ? "two" : "several");
const isFragment = (r) => /fragment/.test(String(r.message || ""));

// Each cue type once: its line among the tooltip's reasons (null: nothing worth saying) and
// its words in the title ("Flagged: a word is written twice") for a sentence the cue flagged
// although its wording scores under the threshold. A cue gives the title only where it has a
// line. In the order the title picks them: the server's flagging cues first, the detector's
// odd words last (unknown types come just before those).
const CUES = {
  name_variants: {
    line: (r) => {
      const names = usableNames(r);
      return names.length >= 2
        ? `Name spelled ${namesWays(names)} ways: ${names.join(" / ")}`
        : "A name is spelled in different ways in the article";
    },
    title: (r) => {
      const names = usableNames(r);
      return names.length >= 2 ? `a name is spelled ${namesWays(names)} ways` : "a name is spelled in different ways";
    },
  },
  mojibake: fixed("Broken characters (text damaged by a wrong encoding)", "broken characters"),
  doubled_word: byWords("Word written twice", "A word is written twice in a row", "a word is written twice"),
  split_word: byWords("Word broken in two", "A word is broken in two", "a word is broken in two"),
  repeated_sentence: fixed("The same sentence appears more than once in the article", "the same sentence appears more than once"),
  truncated_sentence: {
    line: (r) => (isFragment(r) ? "A stray fragment of a sentence" : "The paragraph stops mid-sentence"),
    title: (r) => (isFragment(r) ? "a stray fragment of a sentence" : "the paragraph stops mid-sentence"),
  },
  lm_surprise: byWords("Unusual wording for news", "Unusual wording for news", "unusual wording for news", meaningfulWord),
  suspicious_words: byWords("Odd word choices", null, "odd word choices", meaningfulWord),
};
const RANK = Object.keys(CUES).filter((type) => type !== "suspicious_words");
const cueRank = (type) => (type === "suspicious_words" ? Infinity : RANK.includes(type) ? RANK.indexOf(type) : RANK.length);

/**
 * One line of text per reason, or null when there is nothing worth saying (odd words that
 * are all function words). `paragraph` is the scored paragraph the spans index.
 */
export function reasonText(reason, paragraph = "") {
  if (!reason || typeof reason !== "object") return null;
  if (reason.type === "classifier") return `The detector rates the wording ${percent(reason.probability)} likely machine-made`;
  if (Object.hasOwn(CUES, reason.type)) return CUES[reason.type].line(reason, paragraph);
  const detail = typeof reason.message === "string" ? `: ${reason.message.slice(0, 120)}` : "";
  return `Other cue: ${humanType(reason.type)}${detail}`;
}

export function reasonsText(reasons, paragraph) {
  return (reasons || []).map((r) => reasonText(r, paragraph)).filter(Boolean);
}

/** The title's words for the strongest cue among `cues` (reasons other than the classifier), or "". */
function cueTitle(cues, paragraph) {
  const ranked = [...cues].sort((a, b) => cueRank(a.type) - cueRank(b.type));
  for (const r of ranked) {
    if (!Object.hasOwn(CUES, r.type)) return humanType(r.type);
    if (CUES[r.type].line(r, paragraph)) return CUES[r.type].title(r);
  }
  return "";
}

/**
 * What the tooltip says about a marked sentence: {title, probabilityText, reasons, label}.
 * A sentence whose wording scores at or over the sentence threshold leads with the score;
 * one under it was marked for a cue (or for its passage) and leads with that, the score
 * second, so "likely" never stands beside a low number. The number is said once.
 * `threshold`: the sentence threshold in use; `passageFlagged`: its passage is flagged as a whole.
 */
export function sentenceExplanation(sentence, paragraph = "", { threshold = 0.5, passageFlagged = false } = {}) {
  const p = Number(sentence.probability) || 0;
  const reasons = (sentence.reasons || []).filter((r) => r && typeof r === "object");
  const cues = reasons.filter((r) => r.type !== "classifier");
  const cueLines = reasonsText(cues, paragraph);
  const text = String(sentence.text || "").slice(0, 80);
  if (p >= threshold && p >= 0.5) {
    const byDetector = reasons.some((r) => r.type === "classifier") ? ["The detector rates the wording as machine-made"] : [];
    return {
      title: `Telltale: ${p >= 0.85 ? "very likely" : "likely"} machine-translated or garbled`,
      probabilityText: `This sentence: ${percent(p)} likely machine-translated or garbled`,
      reasons: [...byDetector, ...cueLines],
      label: `${percent(p)} likely machine-translated, ${text}`,
    };
  }
  const cue = cueTitle(cues, paragraph);
  const title = cue ? `Flagged: ${cue}`
    : p >= threshold ? "Flagged at your sensitivity setting"
      : passageFlagged ? "Flagged: its paragraph as a whole reads like machine translation" : "Flagged by Telltale";
  return {
    title,
    probabilityText: `The wording alone scores ${percent(p)}${p >= threshold ? "" : ", too little to flag it on its own"}`,
    reasons: cueLines,
    label: `${title.startsWith("Flagged: ") ? title.slice("Flagged: ".length) : title}, ${text}`,
  };
}
