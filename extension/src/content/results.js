// Server results in the extension: chunking the request, merging chunk results, applying
// the user's sensitivity, and listing what to highlight. Pure functions (unit-tested).

import { SEVERITY, VERDICT } from "../shared/describe.js";
import { utf16Index } from "../shared/offsets.js";

export const CHUNK_PARAGRAPHS = 20;
export const CHUNK_CHARS = 12000;

/** The server refuses a text of fewer words (a word or two says nothing): a last chunk
 * that short rides with the one before it. */
export const MIN_WORDS = 3;
const TINY_TAIL_CHARS = 200;

/** Split paragraphs into request chunks: [{offset, paragraphs}]. */
export function chunkParagraphs(paragraphs, maxParagraphs = CHUNK_PARAGRAPHS, maxChars = CHUNK_CHARS) {
  const chunks = [];
  let current = null;
  paragraphs.forEach((p, i) => {
    if (!current || current.paragraphs.length >= maxParagraphs || (current.chars + p.length > maxChars && current.paragraphs.length)) {
      current = { offset: i, paragraphs: [], chars: 0 };
      chunks.push(current);
    }
    current.paragraphs.push(p);
    current.chars += p.length;
  });
  const tail = chunks[chunks.length - 1];
  if (chunks.length > 1 && tail.chars <= TINY_TAIL_CHARS && wordCount(tail.paragraphs) < MIN_WORDS) {
    chunks.pop();
    chunks[chunks.length - 1].paragraphs.push(...tail.paragraphs);
  }
  return chunks.map(({ offset, paragraphs: ps }) => ({ offset, paragraphs: ps }));
}

function wordCount(paragraphs) {
  return paragraphs.reduce((n, p) => n + (p.match(/[\p{L}\p{N}]+/gu) || []).length, 0);
}

/**
 * The order to send chunks in: the one holding paragraph `first` (the first paragraph in or
 * below the viewport) and those after it, then those before it, nearest first, so the part
 * of the article the reader is looking at gets its marks first. `first` < 0 (unknown, or the
 * reader is past the article): document order.
 */
export function orderChunks(chunks, first) {
  if (!(first >= 0)) return chunks;
  let at = -1;
  chunks.forEach((c, i) => { if (c.offset <= first) at = i; });
  if (at <= 0) return chunks;
  return [...chunks.slice(at), ...chunks.slice(0, at).reverse()];
}

/**
 * Merge chunk results [{offset, result}] into one result over all paragraphs. One chunk:
 * the server's result as is. Several (long articles): passage indices are shifted by the
 * chunk's offset; the article probability is the mean of the chunks' article
 * probabilities weighted by their characters, and the verdict is the most severe one.
 */
export function mergeResults(parts) {
  if (parts.length === 1 && parts[0].offset === 0) return parts[0].result;
  parts = [...parts].sort((a, b) => a.offset - b.offset); // chunks may arrive out of order (orderChunks)
  const passages = [];
  let weighted = 0;
  let chars = 0;
  let verdict = VERDICT.clean;
  let flagged = false;
  for (const { offset, result, chars: n = 1 } of parts) {
    for (const p of result.passages || []) passages.push({ ...p, index: p.index + offset });
    weighted += (result.article?.probability ?? 0) * n;
    chars += n;
    const v = result.article?.verdict;
    if (SEVERITY.indexOf(v) > SEVERITY.indexOf(verdict)) verdict = v;
    flagged = flagged || Boolean(result.article?.flagged);
  }
  const first = parts[0]?.result || {};
  return {
    model: first.model,
    threshold: first.threshold,
    article: { probability: chars ? weighted / chars : 0, flagged, verdict, parts: parts.length },
    passages,
  };
}

/**
 * The server's result for `paragraphs` (what was sent) with every offset (passage and
 * sentence start/end, reason spans) turned from code points into UTF-16 indices of its
 * paragraph, so that JavaScript's slice() finds the same text.
 */
export function toUtf16Offsets(result, paragraphs) {
  const passages = (result.passages || []).map((p) => {
    const at = utf16Index(paragraphs[p.index] ?? "");
    return {
      ...p,
      start: at(p.start),
      end: at(p.end),
      sentences: (p.sentences || []).map((s) => ({
        ...s,
        start: at(s.start),
        end: at(s.end),
        reasons: (s.reasons || []).map((r) => (r && Array.isArray(r.spans)
          ? { ...r, spans: r.spans.map((span) => (Array.isArray(span) ? span.map(at) : span)) }
          : r)),
      })),
    };
  });
  return { ...result, passages };
}

/**
 * What to show for a result: flagged passages, each with the sentences to highlight.
 * threshold null: the server's own `flagged`; a number: probability >= threshold.
 * A flagged passage with no flagged sentence has all its sentences marked, so every
 * counted passage is visible; for a paragraph sent in parts (joinLongParagraphs), those of
 * the parts that are flagged themselves.
 */
export function flaggedItems(result, threshold = null) {
  const isFlagged = (x) => (threshold == null ? Boolean(x.flagged) : Number(x.probability) >= threshold);
  const passages = [];
  for (const p of result.passages || []) {
    const sentences = p.sentences || [];
    const marked = sentences.filter(isFlagged);
    if (!isFlagged(p) && marked.length === 0) continue;
    const ofFlaggedParts = sentences.filter((s) => !s.piece || isFlagged(s.piece));
    passages.push({
      index: p.index,
      probability: p.probability,
      flagged: isFlagged(p),
      sentences: (marked.length ? marked : ofFlaggedParts.length ? ofFlaggedParts : sentences).map((s) => ({ ...s, paragraph: p.index })),
    });
  }
  return passages;
}

/**
 * Counts for the badge and the popup. `markedPassages` (the badge) counts every passage with
 * a highlight: flagged as a whole, or holding a flagged sentence (the server flags a single
 * sentence in a passage it does not flag). `flaggedPassages` counts those flagged as a whole.
 */
export function countResult(result, items) {
  return {
    paragraphs: (result.passages || []).length,
    flaggedPassages: items.filter((p) => p.flagged).length,
    markedPassages: items.length,
    flaggedSentences: items.reduce((n, p) => n + p.sentences.length, 0),
  };
}

/**
 * The article's verdict for what is marked. With the server's threshold (null): the server's
 * verdict. With the user's own: the server's rule over the passages judged by it: "likely"
 * stays (it rests on the article's pooled probability and the server's article threshold),
 * else "some passages look garbled" when a passage is flagged, else "no signs".
 */
export function verdictFor(result, items, threshold = null) {
  const server = result.article?.verdict;
  if (threshold == null || server === VERDICT.likely) return server;
  return items.some((p) => p.flagged) ? VERDICT.passages : VERDICT.clean;
}
