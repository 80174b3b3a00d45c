// The server (Python) counts characters in code points; JavaScript strings index UTF-16
// units, in which a character beyond the Basic Multilingual Plane (an emoji, rare CJK)
// takes two. Offsets from the server go through here once, when a result arrives.

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

/**
 * A function from code-point offsets of `text` to UTF-16 indices of it. The identity for text
 * without astral characters (nearly all); past the end, offsets stay past the end.
 */
export function utf16Index(text) {
  if (!ASTRAL.test(text)) return (i) => i;
  const at = [0];
  let u = 0;
  for (const ch of text) at.push((u += ch.length));
  const last = at.length - 1;
  return (i) => (!Number.isInteger(i) || i < 0 ? i : i <= last ? at[i] : at[last] + (i - last));
}
