// Fuzzy quote matching with context, after hypothesis/client's anchoring/match-quote.ts.
// approx-string-match finds the quote allowing a number of edits; each candidate is then
// scored on how well the quote, its prefix, its suffix and its expected position fit.

import approxSearch from "approx-string-match";

function search(text, str, maxErrors) {
  const exact = [];
  for (let pos = text.indexOf(str); pos !== -1; pos = text.indexOf(str, pos + 1)) {
    exact.push({ start: pos, end: pos + str.length, errors: 0 });
  }
  if (exact.length > 0) return exact;
  return approxSearch(text, str, maxErrors);
}

/** Similarity in [0, 1] of `str` with its best match in `text`. */
function textMatchScore(text, str) {
  if (str.length === 0 || text.length === 0) return 0;
  const matches = search(text, str, str.length);
  return matches.length ? 1 - matches[0].errors / str.length : 0;
}

/**
 * Find the best match of `quote` in `text`.
 *
 * context: {prefix, suffix, hint (expected start offset)}; maxErrorRate: the share of the
 * quote's characters that may differ (insertions, deletions, substitutions) for a match to
 * count. Returns {start, end, errors, score} or null: a quote that is not on the page is
 * not guessed at.
 */
export function matchQuote(text, quote, context = {}, { maxErrorRate = 0.1 } = {}) {
  if (!quote || !text) return null;
  const maxErrors = Math.min(256, Math.floor(quote.length * maxErrorRate));
  const matches = search(text, quote, maxErrors);
  if (matches.length === 0) return null;

  const weights = { quote: 50, prefix: 20, suffix: 20, position: 2 };
  const total = weights.quote + weights.prefix + weights.suffix + weights.position;
  let best = null;
  for (const match of matches) {
    const quoteScore = 1 - match.errors / quote.length;
    const prefixScore = context.prefix
      ? textMatchScore(text.slice(Math.max(0, match.start - context.prefix.length), match.start), context.prefix)
      : 1;
    const suffixScore = context.suffix
      ? textMatchScore(text.slice(match.end, match.end + context.suffix.length), context.suffix)
      : 1;
    const positionScore = typeof context.hint === "number"
      ? 1 - Math.abs(match.start - context.hint) / text.length
      : 1;
    const score = (weights.quote * quoteScore + weights.prefix * prefixScore
      + weights.suffix * suffixScore + weights.position * positionScore) / total;
    if (!best || score > best.score) best = { start: match.start, end: match.end, errors: match.errors, score };
  }
  return best;
}
