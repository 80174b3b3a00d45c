// A whitespace-normalised view of the text under a root node, with a map back to DOM
// positions (the job of hypothesis/client's anchoring/text-range.ts).
//
// Runs of whitespace become one space, and a boundary between block elements counts as
// whitespace, so "<p>One</p><p>Two</p>" reads "One Two" however the page's source is
// indented. The extracted paragraphs are normalised with the same rule (normalizeText),
// so offsets into a paragraph map onto offsets into this text.

const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA", "SELECT", "OPTION",
  "IFRAME", "OBJECT", "SVG", "CANVAS", "HEAD", "TITLE", "TELLTALE-UI"]);
const BLOCK = new Set(["ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "BODY", "BR", "DD", "DETAILS",
  "DIALOG", "DIV", "DL", "DT", "FIELDSET", "FIGCAPTION", "FIGURE", "FOOTER", "FORM", "H1", "H2",
  "H3", "H4", "H5", "H6", "HEADER", "HR", "HTML", "LI", "MAIN", "NAV", "OL", "P", "PRE", "SECTION",
  "SUMMARY", "TABLE", "TBODY", "TD", "TFOOT", "TH", "THEAD", "TR", "UL"]);
const WS = /[\s\u00a0\u200b]/;

/** Collapse whitespace the way the text index does; used on extracted paragraphs. */
export function normalizeText(text) {
  return text.replace(/[\s\u00a0\u200b]+/g, " ").trim();
}

function isSkipped(el) {
  return SKIP.has(el.nodeName.toUpperCase()) || el.hidden === true;
}

/** The nearest block-level ancestor (or the root): text in different blocks is separated. */
function blockOf(node, root) {
  let el = node.parentNode;
  while (el && el !== root && !BLOCK.has(el.nodeName.toUpperCase())) el = el.parentNode;
  return el || root;
}

/**
 * Build the index of `root`'s visible text.
 * Returns {text, chunks}: chunks[i] = {node, start, offsets}, where text[start + k] comes from
 * node.data[offsets[k]].
 */
export function buildTextIndex(root) {
  const doc = root.ownerDocument || root;
  const walker = doc.createTreeWalker(root, 0x1 | 0x4 /* elements and text */, {
    acceptNode(node) {
      if (node.nodeType === 1) {
        if (node.nodeName.toUpperCase() === "BR") return 1; // a line break separates words
        return isSkipped(node) ? 2 /* reject subtree */ : 3 /* skip */;
      }
      return 1;
    },
  });
  const parts = [];
  const chunks = [];
  let length = 0;
  let pendingSpace = false;
  let lastBlock = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === 1) {
      pendingSpace = true;
      continue;
    }
    const data = node.data;
    if (!data) continue;
    const block = blockOf(node, root);
    if (lastBlock !== null && block !== lastBlock) pendingSpace = true;
    lastBlock = block;
    const offsets = [];
    let out = "";
    for (let i = 0; i < data.length; i++) {
      if (WS.test(data[i])) {
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && length + out.length > 0) {
        out += " ";
        offsets.push(i); // the space maps onto the character after it
      }
      pendingSpace = false;
      out += data[i];
      offsets.push(i);
    }
    if (out) {
      chunks.push({ node, start: length, offsets: Int32Array.from(offsets) });
      parts.push(out);
      length += out.length;
    }
  }
  return { text: parts.join(""), chunks };
}

function chunkAt(index, offset) {
  const { chunks } = index;
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return chunks[lo];
}

/** A DOM Range over text[start:end] of the index, or null when it is empty or out of bounds. */
export function rangeFromOffsets(index, start, end) {
  if (!(start >= 0 && end > start && end <= index.text.length)) return null;
  // Leading or trailing spaces of the match map onto block gaps: keep them out of the range.
  while (start < end && index.text[start] === " ") start++;
  while (end > start && index.text[end - 1] === " ") end--;
  if (start === end) return null;
  const first = chunkAt(index, start);
  const last = chunkAt(index, end - 1);
  const doc = first.node.ownerDocument;
  const range = doc.createRange();
  range.setStart(first.node, first.offsets[start - first.start]);
  range.setEnd(last.node, last.offsets[end - 1 - last.start] + 1);
  return range;
}
