// The content script's shared state: one object, made by the entry (index.js) and passed to
// every part of the script. Also the state the popup reads and the badge shows.

import { ext } from "../shared/ext.js";
import { PageWatch } from "./changes.js";
import { Highlighter } from "./highlight.js";
import { TelltaleUI } from "./ui.js";

/** A fresh state for this copy of the content script, on `doc`. */
export function createSession(doc = document) {
  return {
    highlighter: new Highlighter(doc),
    ui: new TelltaleUI(doc),
    watch: new PageWatch(doc), // did the page, or the article's part of it, change?
    settings: null,
    scan: null, // the current article: {url, paragraphs, selectors, result, items}
    generation: 0, // bumped by each new scan (and on stopping): older ones step aside
    state: { status: "idle" }, // what the popup reads (get-state) and the badge shows
    lastUrl: location.href,
    lastArticleKey: "",
    announced: "", // the last "Telltale flagged N sentences" said to screen readers, with its page
    stopped: false, // orphaned after an extension reload (see orphan.js)
    observer: null, // the page's MutationObserver (follow-page.js)
    changes: null, // the SettleTimer that runs the page-change checks (follow-page.js)
    waitingForTyping: false, // a page-change check waits for the user to leave an editable element
  };
}

export function setState(session, next) {
  session.state = { ...next, url: location.href, highlightsVisible: session.highlighter.visible };
  sendBadge(session);
}

export function sendBadge(session) {
  const { state } = session;
  const badge = {
    status: state.status,
    markedPassages: state.counts ? state.counts.markedPassages : 0,
    errorKind: state.error ? state.error.kind : null,
    serverUrl: state.error && state.error.serverUrl ? state.error.serverUrl : "", // named in the badge's title
    partial: Boolean(state.totalParts),
  };
  try {
    ext.runtime.sendMessage({ type: "tab-state", ...badge }).catch(() => {});
  } catch {
    // the extension was reloaded: this copy of the script is an orphan (see stopIfOrphaned)
  }
}

export function errorOf(err) {
  const message = String((err && err.message) || err);
  if (/context invalidated|Receiving end does not exist/i.test(message)) {
    return { kind: "reloaded", message: "Telltale was updated or reloaded; reload the page." };
  }
  return { kind: "extension", message: message.slice(0, 300) };
}

/** Forget the mutations our own marks just made (fallback wrappers), so they start no rescan. */
export function dropOwnMutations(session) {
  session.observer.takeRecords();
}
