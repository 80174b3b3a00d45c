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

export function percent(p) {
  return `${Math.round(Math.max(0, Math.min(1, Number(p) || 0)) * 100)}%`;
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

function spansText(paragraph, spans, limit = 4) {
  const words = [];
  for (const span of spans || []) {
    if (!Array.isArray(span) || span.length < 2) continue;
    const [s, e] = span;
    if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= paragraph.length)) continue;
    const w = paragraph.slice(s, e).trim();
    if (w && !words.includes(w)) words.push(w);
  }
  const shown = words.slice(0, limit).map((w) => `“${w.length > 40 ? w.slice(0, 39) + "…" : w}”`);
  return shown.join(", ") + (words.length > limit ? ` and ${words.length - limit} more` : "");
}

function humanType(type) {
  return String(type || "cue").replace(/[_-]+/g, " ").slice(0, 60);
}

// Reasons told by the words their spans mark: [label before the words, line without them].
const WORD_REASONS = {
  suspicious_words: ["Odd word choices", "Odd word choices"],
  doubled_word: ["Word written twice", "A word is written twice in a row"],
  split_word: ["Word broken in two", "A word is broken in two"],
};

/** One line of text per reason. `paragraph` is the scored paragraph the spans index. */
export function reasonText(reason, paragraph = "") {
  if (!reason || typeof reason !== "object") return null;
  if (Object.hasOwn(WORD_REASONS, reason.type)) {
    const [label, bare] = WORD_REASONS[reason.type];
    const words = spansText(paragraph, reason.spans);
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
