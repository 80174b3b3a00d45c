// When to look at the page again, and whether anything that matters changed. A page that
// mutates all the time (a live ticker, a clock) still gets checked, at most `maxWaitMs` after
// its first unchecked change; a URL change is looked at sooner. The checks themselves start
// cheap (PageWatch): the same text as last time, or changes only outside the scanned
// article's element, need no Readability run.

import { rangeFromOffsets } from "../anchoring/text-index.js";

export const SETTLE_MS = 1200;
export const MAX_WAIT_MS = 5000;
export const URL_SETTLE_MS = 300;

/** Calls `check` once changes have been quiet for a while, or waited long enough. */
export class SettleTimer {
  constructor(check, { settleMs = SETTLE_MS, maxWaitMs = MAX_WAIT_MS } = {}) {
    this.check = check;
    this.settleMs = settleMs;
    this.maxWaitMs = maxWaitMs;
    this.quiet = 0;
    this.deadline = 0;
  }

  /** A change happened: check after `delay` ms of quiet, and no later than the deadline. */
  poke(delay = this.settleMs) {
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.fire(), delay);
    if (!this.deadline) this.deadline = setTimeout(() => this.fire(), this.maxWaitMs);
  }

  fire() {
    this.cancel();
    this.check();
  }

  cancel() {
    clearTimeout(this.quiet);
    clearTimeout(this.deadline);
    this.quiet = 0;
    this.deadline = 0;
  }
}

/** Two addresses of the same document: equal but for the #fragment. */
export function sameDocument(a, b) {
  return String(a).split("#")[0] === String(b).split("#")[0];
}

/** Whether every paragraph of a scanned article is still in the page's index text. */
export function articleStillThere(text, paragraphs) {
  return paragraphs.length > 0 && paragraphs.every((p) => text.includes(p));
}

/** A short fingerprint of a text (its length and a 32-bit FNV-1a hash): no copy is kept. */
export function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${text.length}:${(h >>> 0).toString(36)}`;
}

/**
 * The element that holds the scanned article: the nearest common ancestor of its first and
 * last located paragraphs (`selectors` from locateParagraphs over `index`), or the parent of
 * a lone paragraph's block, so that paragraphs added beside the last one are inside it. Null
 * when no paragraph was located.
 */
export function articleElement(index, selectors) {
  const located = selectors.filter((s) => s && s.position);
  if (!located.length) return null;
  const range = rangeFromOffsets(index, located[0].position.start, located.at(-1).position.end);
  if (!range) return null;
  const node = range.commonAncestorContainer;
  const el = node.nodeType === 1 ? node : node.parentElement;
  if (!el) return null;
  return located.length === 1 && el.parentElement ? el.parentElement : el;
}

/**
 * Whether the page changed since the last look, and whether the change may concern the
 * scanned article. Keeps fingerprints, not copies of the text.
 */
export class PageWatch {
  constructor(doc) {
    this.doc = doc;
    this.page = null; // fingerprint of the body's text at the last look
    this.article = null; // {element, print}: the article's element and its text's fingerprint
  }

  pageText() {
    return this.doc.body ? this.doc.body.textContent : "";
  }

  /** Forget everything: the next look sees a change. */
  reset() {
    this.page = null;
    this.article = null;
  }

  /** The page as it is now is the one looked at. */
  notePage() {
    this.page = fingerprint(this.pageText());
  }

  /** The scanned article is in `element` (see articleElement), as it is now. */
  noteArticle(element) {
    this.article = element ? { element, print: fingerprint(element.textContent) } : null;
  }

  /** Whether the page's text changed since the last look (and it is now the last look). */
  pageChanged() {
    const print = fingerprint(this.pageText());
    const changed = print !== this.page;
    this.page = print;
    return changed;
  }

  /** Whether the article's element changed, left the page, or was never known. */
  articleChanged() {
    const a = this.article;
    return !a || !a.element.isConnected || fingerprint(a.element.textContent) !== a.print;
  }
}
