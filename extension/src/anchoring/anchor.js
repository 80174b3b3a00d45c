// Selectors for a passage of text and anchoring them back onto a page, after
// hypothesis/client's anchoring/html.ts: try the text position, check it against the
// quote, fall back to a fuzzy quote match with prefix/suffix context. Anchoring returns
// null instead of throwing; callers count what could not be anchored.

import { matchQuote } from "./match-quote.js";
import { rangeFromOffsets } from "./text-index.js";

export const CONTEXT_CHARS = 32;

/** Selectors for text[start:end] of an index text: a position and a quote with context. */
export function describe(text, start, end) {
  return {
    position: { start, end },
    quote: {
      exact: text.slice(start, end),
      prefix: text.slice(Math.max(0, start - CONTEXT_CHARS), start),
      suffix: text.slice(end, end + CONTEXT_CHARS),
    },
  };
}

/**
 * Offsets {start, end, method} of a selector in `text`, or null.
 * method is "position" when the stored position still holds the quote, "quote" otherwise.
 */
export function locate(text, selector, options) {
  const { position, quote } = selector;
  if (position && text.slice(position.start, position.end) === quote.exact) {
    return { start: position.start, end: position.end, method: "position" };
  }
  const match = matchQuote(text, quote.exact, {
    prefix: quote.prefix, suffix: quote.suffix, hint: position ? position.start : undefined,
  }, options);
  return match ? { start: match.start, end: match.end, method: "quote" } : null;
}

/** A DOM Range for a selector in a text index, or null. */
export function anchor(index, selector, options) {
  try {
    const found = locate(index.text, selector, options);
    return found ? rangeFromOffsets(index, found.start, found.end) : null;
  } catch {
    return null;
  }
}
