// Paragraphs longer than the server accepts (its max_paragraph_chars; a 413 otherwise) are
// sent in parts under the limit, and the results for the parts are put back together over
// their paragraph. Pure functions (unit-tested).

/** The server's default max_paragraph_chars (GET /v1/info, limits): longer ones get a 413. */
export const MAX_PARAGRAPH_CHARS = 20000;

/**
 * Paragraphs as sent: one over `max` characters is cut into parts under it, after a sentence
 * end where there is one in the second half of the part, else after a space. Returns
 * {texts, origins}: origins[i] = {paragraph, offset} of texts[i] in its paragraph.
 */
export function splitLongParagraphs(paragraphs, max = MAX_PARAGRAPH_CHARS) {
  const texts = [];
  const origins = [];
  paragraphs.forEach((text, paragraph) => {
    let offset = 0;
    while (text.length - offset > max) {
      const cut = cutPoint(text, offset, max);
      texts.push(text.slice(offset, cut));
      origins.push({ paragraph, offset });
      offset = cut;
    }
    texts.push(text.slice(offset));
    origins.push({ paragraph, offset });
  });
  return { texts, origins };
}

function cutPoint(text, from, max) {
  const window = text.slice(from, from + max);
  let sentence = -1;
  let space = -1;
  for (const m of window.matchAll(/[.!?\u2026]["'\u201d\u2019)\]]*\s+|\s+/g)) {
    const end = m.index + m[0].length;
    if (end >= window.length) break; // the part must stay under max, spaces included
    if (/\S/.test(m[0])) sentence = end;
    space = end;
  }
  let cut = sentence > max / 2 ? sentence : space > 0 ? space : max;
  // Never between the two halves of a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text[from + cut - 1] || "")) cut -= 1;
  return from + cut;
}

/**
 * A result over split paragraphs (`origins` from splitLongParagraphs, passage index = index
 * of the part) as a result over the paragraphs: passage indices and offsets moved onto the
 * paragraph, the parts of one paragraph joined into one passage (flagged when a part is; the
 * highest probability). Each sentence keeps its part's verdict as `piece` {probability,
 * flagged}, so that a passage flagged as a whole marks the sentences of the flagged part only.
 */
export function joinLongParagraphs(result, origins) {
  if (origins.every((o, i) => o.paragraph === i)) return result;
  const byParagraph = new Map();
  for (const p of result.passages || []) {
    const origin = origins[p.index];
    if (!origin) continue;
    const shift = ([a, b]) => [a + origin.offset, b + origin.offset];
    const moved = {
      ...p,
      index: origin.paragraph,
      start: p.start + origin.offset,
      end: p.end + origin.offset,
      sentences: (p.sentences || []).map((s) => ({
        ...s,
        start: s.start + origin.offset,
        end: s.end + origin.offset,
        piece: { probability: p.probability, flagged: p.flagged },
        reasons: (s.reasons || []).map((r) => (r && Array.isArray(r.spans)
          ? { ...r, spans: r.spans.map((span) => (Array.isArray(span) && span.length >= 2 ? shift(span) : span)) }
          : r)),
      })),
    };
    const seen = byParagraph.get(moved.index);
    if (!seen) {
      byParagraph.set(moved.index, moved);
      continue;
    }
    byParagraph.set(moved.index, {
      ...seen,
      start: Math.min(seen.start, moved.start),
      end: Math.max(seen.end, moved.end),
      probability: Math.max(Number(seen.probability) || 0, Number(moved.probability) || 0),
      flagged: Boolean(seen.flagged || moved.flagged),
      flagged_sentences: (seen.flagged_sentences || 0) + (moved.flagged_sentences || 0),
      sentences: [...seen.sentences, ...moved.sentences],
    });
  }
  const passages = [...byParagraph.values()].sort((a, b) => a.index - b.index);
  return { ...result, passages };
}
