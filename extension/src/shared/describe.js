// Results in words, for the tooltip and the popup. Everything here is plain text: callers
// put it into the page with textContent, never as HTML.

/** The server's verdict strings (scorer/results.py), from least to most severe. */
export const VERDICT = {
  clean: "no signs",
  passages: "some passages look garbled",
  likely: "likely machine-translated or garbled",
};
export const SEVERITY = [VERDICT.clean, VERDICT.passages, VERDICT.likely];

export const VERDICTS = {
  [VERDICT.likely]: "Likely machine-translated or garbled",
  [VERDICT.passages]: "Some passages look garbled",
  [VERDICT.clean]: "No signs of machine translation or garbling",
};

/**
 * A probability as a whole percentage, from 1% to 99%: a model's estimate is never certain,
 * and "100%" (or "0%") beside a verdict would read as proof.
 */
export function percent(p) {
  return `${Math.min(99, Math.max(1, Math.round((Number(p) || 0) * 100)))}%`;
}

export function verdictText(verdict) {
  return VERDICTS[verdict] || (typeof verdict === "string" ? verdict : "No verdict");
}

/** Counts as verdictNote reads them; a number stands for all three (older callers). */
function marks(counts) {
  if (typeof counts === "object" && counts) {
    return {
      marked: Number(counts.markedPassages ?? counts.flaggedPassages) || 0,
      flagged: Number(counts.flaggedPassages) || 0,
      sentences: Number(counts.flaggedSentences) || 0,
    };
  }
  const n = Number(counts) || 0;
  return { marked: n, flagged: n, sentences: n };
}

/**
 * The headline for a verdict, agreeing with the page: "no signs" over highlighted sentences
 * (the server flags a single sentence without changing the verdict) says it is the article
 * as a whole that shows none.
 */
export function verdictHeadline(verdict, counts) {
  if (verdict === VERDICT.clean && marks(counts).marked > 0) return "No signs in the article as a whole";
  return verdictText(verdict);
}

/** "clean" only when the verdict is and nothing is marked; "flagged" otherwise (the popup's colour). */
export function verdictTone(verdict, counts) {
  return verdict === VERDICT.clean && marks(counts).marked === 0 ? "clean" : "flagged";
}

/**
 * A line under the verdict when it and the highlights could seem to disagree: "likely
 * machine-translated" with no passage flagged as a whole (it rests on the article as a whole,
 * so the reader is not left looking for highlights that are not there), or "no signs" with
 * highlighted sentences. `counts`: {markedPassages, flaggedPassages, flaggedSentences}.
 */
export function verdictNote(verdict, counts) {
  const { marked, flagged, sentences } = marks(counts);
  if (verdict === VERDICT.likely && flagged === 0) {
    if (marked === 0) {
      return "No single passage stands out: the wording of the article as a whole reads like machine translation. "
        + "On its own this is the weakest sign (some clean articles get it too).";
    }
    return "No passage stands out as a whole: the wording of the article as a whole reads like machine translation "
      + "(on its own the weakest sign), "
      + `and ${sentencesText(sentences)} ${sentences === 1 ? "looks" : "look"} garbled on ${sentences === 1 ? "its" : "their"} own (highlighted).`;
  }
  if (verdict === VERDICT.clean && marked > 0) {
    return `${capitalize(sentencesText(sentences))} ${sentences === 1 ? "looks" : "look"} garbled on ${sentences === 1 ? "its" : "their"} own `
      + "(highlighted), too little to call the article machine-translated or garbled.";
  }
  return "";
}

function sentencesText(n) {
  return n === 1 ? "one sentence" : `${n} sentences`;
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 1 (weak) to 3 (strong): how strongly a sentence is marked. */
export function strength(probability, threshold = 0.5) {
  const p = Number(probability) || 0;
  const span = Math.max(0.01, 1 - threshold);
  if (p >= threshold + span * 0.6) return 3;
  if (p >= threshold + span * 0.3) return 2;
  return 1;
}

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

// Reasons told by the words their spans mark: [label before the words, line without them
// (null: no line), which words to list].
const WORD_REASONS = {
  suspicious_words: ["Odd word choices", null, meaningfulWord],
  lm_surprise: ["Unusual wording for news", "Unusual wording for news", meaningfulWord],
  doubled_word: ["Word written twice", "A word is written twice in a row"],
  split_word: ["Word broken in two", "A word is broken in two"],
};

/**
 * One line of text per reason, or null when there is nothing worth saying (odd words that
 * are all function words). `paragraph` is the scored paragraph the spans index.
 */
export function reasonText(reason, paragraph = "") {
  if (!reason || typeof reason !== "object") return null;
  if (Object.hasOwn(WORD_REASONS, reason.type)) {
    const [label, bare, keep] = WORD_REASONS[reason.type];
    const words = spansText(paragraph, reason.spans, { keep });
    return words ? `${label}: ${words}` : bare;
  }
  switch (reason.type) {
    case "classifier":
      return `The detector rates the wording ${percent(reason.probability)} likely machine-made`;
    case "name_variants": {
      const names = (reason.names || []).filter((n) => typeof n === "string").slice(0, 4);
      return names.length >= 2
        ? `Name spelled ${names.length === 2 ? "two" : "several"} ways: ${names.join(" / ")}`
        : "A name is spelled in different ways in the article";
    }
    case "mojibake":
      return "Broken characters (text damaged by a wrong encoding)";
    case "repeated_sentence":
      return "The same sentence appears more than once in the article";
    case "truncated_sentence":
      return /fragment/.test(String(reason.message || ""))
        ? "A stray fragment of a sentence"
        : "The paragraph stops mid-sentence";
    default: {
      const detail = typeof reason.message === "string" ? `: ${reason.message.slice(0, 120)}` : "";
      return `Other cue: ${humanType(reason.type)}${detail}`;
    }
  }
}

export function reasonsText(reasons, paragraph) {
  return (reasons || []).map((r) => reasonText(r, paragraph)).filter(Boolean);
}

// A cue as the tooltip's title names it ("Flagged: a word is written twice"), for a sentence
// the cue flagged although its wording scores under the threshold. In the order the title
// picks them: the server's flagging cues first, the detector's odd words last.
const CUE_TITLES = {
  name_variants: (r) => `a name is spelled ${(r.names || []).length > 2 ? "several" : "two"} ways`,
  mojibake: () => "broken characters",
  doubled_word: () => "a word is written twice",
  split_word: () => "a word is broken in two",
  repeated_sentence: () => "the same sentence appears more than once",
  truncated_sentence: (r) => (/fragment/.test(String(r.message || "")) ? "a stray fragment of a sentence" : "the paragraph stops mid-sentence"),
  lm_surprise: () => "unusual wording for news",
};
const cueRank = (type) => (Object.hasOwn(CUE_TITLES, type) ? Object.keys(CUE_TITLES).indexOf(type)
  : type === "suspicious_words" ? Infinity : Object.keys(CUE_TITLES).length);

/** The title's words for the strongest cue among `cues` (reasons other than the classifier), or "". */
function cueTitle(cues, paragraph) {
  const ranked = [...cues].sort((a, b) => cueRank(a.type) - cueRank(b.type));
  for (const r of ranked) {
    if (Object.hasOwn(CUE_TITLES, r.type)) return CUE_TITLES[r.type](r);
    if (r.type === "suspicious_words") return reasonText(r, paragraph) ? "odd word choices" : "";
    return humanType(r.type);
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
