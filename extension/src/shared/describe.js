// Verdicts and numbers in words, for the tooltip and the popup (the tooltip's reasons are in
// content/explain.js). Everything here is plain text: callers put it into the page with
// textContent, never as HTML.

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
