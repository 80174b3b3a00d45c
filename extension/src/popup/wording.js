// The popup's lines that explain a result: its numbers (never 0% or 100%: a detector's
// probability is never certain), the whole-article score, the advice under a verdict, and the
// text and number of a listed passage. Plain text, put into the page with textContent.

import { VERDICT, percent, verdictTone } from "../shared/describe.js";

/** The article threshold of the result, when the state carries it (the server's `thresholds.article`). */
function articleThreshold(state) {
  const t = Number(state.thresholds?.article);
  return t > 0 && t < 1 ? t : null;
}

/**
 * The whole-article score, as a secondary line, only where it cannot contradict the verdict:
 * beside the server's article threshold when both are known and agree with the verdict
 * ("likely" exactly when the score reaches it), else only under "likely" (which it explains).
 * An article checked only in part (`totalParts`: some parts failed) has no whole-article
 * score: its line names the parts checked. "" when there is nothing to show.
 */
export function articleScoreLine(state) {
  const p = Number(state.probability);
  if (state.probability == null || !Number.isFinite(p)) return "";
  const likely = state.verdict === VERDICT.likely;
  const t = articleThreshold(state);
  const soFar = state.status === "scoring" ? " so far" : "";
  const score = state.totalParts ? "Score of the parts checked" : `Whole-article score${soFar}`;
  if (t != null) {
    if ((p >= t) !== likely) return ""; // e.g. an article checked in parts: the verdict is the worst part's
    return `${score}: ${percent(p)} (flagged from ${percent(t)})`;
  }
  return likely ? `${score}: ${percent(p)}` : "";
}

/** What to make of a verdict that flags something: one line; "" for a clean one. */
export function verdictAdvice(state) {
  if (verdictTone(state.verdict, state.counts) !== "flagged") return "";
  return state.counts && state.counts.highlighted
    ? "Highlights are hints, not proof: compare with the original source."
    : "This is a hint, not proof: compare with the original source.";
}

/**
 * A listed passage as the popup shows it: the sentence it quotes, that sentence's own
 * probability (the number its tooltip shows) and the mark a click goes to. `item.sentences`
 * ([{text, probability, markId?}]) are the passage's highlighted sentences; without them (an
 * older content script) the passage's snippet is quoted without a number, as the passage's
 * own probability is not that of the sentences it quotes.
 */
export function listedPassage(item) {
  const sentences = Array.isArray(item.sentences) ? item.sentences.filter((s) => s && typeof s.text === "string") : [];
  if (!sentences.length) {
    const snippet = String(item.snippet || "");
    return { percent: "", text: snippet + (snippet.length >= 160 ? "…" : ""), markId: item.markId ?? null };
  }
  const first = sentences.find((s) => s.markId != null) || sentences[0];
  const more = sentences.length - 1;
  const text = (first.text.length > 160 ? `${first.text.slice(0, 159)}…` : first.text)
    + (more ? ` (and ${more} more sentence${more === 1 ? "" : "s"})` : "");
  return { percent: percent(first.probability), text, markId: first.markId ?? item.markId ?? null };
}
