// Article extraction: Mozilla Readability on a clone of the document (never the live page),
// then the article's paragraphs as plain text, normalised like the page's text index. What
// the user is writing is never part of it (editable.js): editable regions are removed from the
// clone first, and an editor page has no article.

import { Readability, isProbablyReaderable } from "@mozilla/readability";
import { buildTextIndex, normalizeText } from "../anchoring/text-index.js";
import { isEditorPage, removeEditable } from "./editable.js";

const BLOCKS = "p, li, blockquote, pre, h2, h3, h4, h5, h6, dd";
export const MIN_PARAGRAPH_CHARS = 15;

/**
 * The article of `doc` as {title, paragraphs} (paragraphs: strings), or null when
 * Readability finds no article (with quickCheck: or thinks there is none) or the page is an
 * editor. Editable regions (contenteditable, text fields) are left out. `doc` itself is not
 * modified. `editorChecked`: the caller has just found the page is no editor (the check reads
 * all of the page's text: once per scan is enough).
 */
export function extractArticle(doc, { charThreshold = 300, quickCheck = false, editorChecked = false } = {}) {
  if (!editorChecked && isEditorPage(doc)) return null;
  // Automatic checks first ask Readability's cheap test, so pages that are plainly not
  // articles (search results, web apps) cost next to nothing.
  if (quickCheck && !isProbablyReaderable(doc, { minContentLength: 100, minScore: 20 })) return null;
  const clone = doc.cloneNode(true);
  removeEditable(clone);
  const article = new Readability(clone, { charThreshold, keepClasses: false }).parse();
  if (!article || !article.content) return null;
  // Parse Readability's HTML in an inert document: no scripts run, nothing loads.
  const parsed = parserFor(doc).parseFromString(article.content, "text/html");
  const paragraphs = paragraphsOf(parsed.body);
  return paragraphs.length ? { title: normalizeText(article.title || ""), paragraphs } : null;
}

function parserFor(doc) {
  const View = doc.defaultView;
  return View && View.DOMParser ? new View.DOMParser() : new DOMParser();
}

/** Texts of the innermost block elements under `root` (a block inside a block is taken alone). */
export function paragraphsOf(root) {
  const blocks = [...root.querySelectorAll(BLOCKS)].filter((el) => !el.querySelector(BLOCKS));
  const source = blocks.length ? blocks : [root];
  const out = [];
  for (const el of source) {
    const text = buildTextIndex(el).text;
    if (text.length >= MIN_PARAGRAPH_CHARS && /\p{L}/u.test(text)) out.push(text);
  }
  return out;
}
