// When to look at the page again, and whether anything that matters changed. A page that
// mutates all the time (a live ticker, a clock) still gets checked, at most `maxWaitMs` after
// its first unchecked change; a URL change is looked at sooner. The checks themselves start
// cheap: the same text as last time, or the scanned paragraphs all still there, need no
// Readability run.

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
