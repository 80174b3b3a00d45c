// From extracted paragraphs to places on the live page, and from the server's sentence
// offsets to DOM ranges. Paragraphs are located once when extracted (their selectors);
// results are anchored later against a fresh index, so a page that changed in between is
// matched by quote, and a sentence that is no longer there is counted, not guessed.

import { anchor, describe, locate } from "../anchoring/anchor.js";
import { matchQuote } from "../anchoring/match-quote.js";
import { rangeFromOffsets } from "../anchoring/text-index.js";

/** Selectors ({position, quote}) of each paragraph in the index text; null if not found. */
export function locateParagraphs(index, paragraphs) {
  const { text } = index;
  let from = 0;
  return paragraphs.map((para) => {
    let start = text.indexOf(para, from);
    if (start === -1) start = text.indexOf(para);
    if (start === -1) {
      const match = matchQuote(text, para, { hint: from });
      if (!match) return null;
      start = match.start;
      from = match.end;
      return describe(text, match.start, match.end);
    }
    from = start + para.length;
    return describe(text, start, start + para.length);
  });
}

/**
 * Index of the first paragraph that is in the viewport or below it (its box ends under the
 * viewport's top), -1 when every located paragraph is above it or the page has no layout.
 */
export function firstParagraphInView(index, selectors) {
  for (const [i, sel] of selectors.entries()) {
    const range = sel && sel.position ? rangeFromOffsets(index, sel.position.start, sel.position.end) : null;
    if (!range) continue;
    if (typeof range.getBoundingClientRect !== "function") return -1; // no layout (jsdom)
    const rect = range.getBoundingClientRect();
    if ((rect.width || rect.height) && rect.bottom > 0) return i;
  }
  return -1;
}

/**
 * Selector of a sentence (paragraph-relative offsets) from its paragraph's selector: the
 * position inside the paragraph and the quote with context from the paragraph's text.
 */
export function sentenceSelector(paragraphSelector, paragraph, sentence) {
  const base = paragraphSelector ? paragraphSelector.position.start : undefined;
  const sel = describe(paragraph, sentence.start, sentence.end);
  if (sel.quote.exact !== sentence.text) sel.quote.exact = sentence.text;
  // Context that runs off the paragraph's ends is taken from the page text around it.
  if (paragraphSelector) {
    if (sentence.start < 32) sel.quote.prefix = (paragraphSelector.quote.prefix + " " + sel.quote.prefix).slice(-32);
    if (paragraph.length - sentence.end < 32) sel.quote.suffix = (sel.quote.suffix + " " + paragraphSelector.quote.suffix).slice(0, 32);
  }
  sel.position = base === undefined ? null : { start: base + sentence.start, end: base + sentence.end };
  return sel;
}

/**
 * DOM ranges for sentences of one paragraph. `items` are {sentence, ...}; returns
 * {anchored: [{item, range}], missed: [item]}.
 */
export function anchorSentences(index, paragraphSelector, paragraph, items) {
  const anchored = [];
  const missed = [];
  // Where is the paragraph now? Exact position first, then quote.
  const where = paragraphSelector ? locate(index.text, paragraphSelector) : null;
  for (const item of items) {
    const s = item.sentence;
    let range = null;
    if (where && where.method === "position" && paragraph.slice(s.start, s.end) === s.text) {
      range = rangeFromOffsets(index, where.start + s.start, where.start + s.end);
    } else {
      const sel = sentenceSelector(paragraphSelector, paragraph, s);
      if (where) sel.position = { start: where.start + s.start, end: where.start + s.end };
      range = anchor(index, sel);
    }
    if (range) anchored.push({ item, range });
    else missed.push(item);
  }
  return { anchored, missed };
}
