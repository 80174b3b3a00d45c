// Single-page sites: watch the page for mutations and address changes, and once they settle,
// look again cheaply: a new page starts a new scan, a changed article is sent again (in auto
// mode), and marks lost to re-rendered markup are anchored again without asking the server.
// What the user writes is left alone: changes inside editable regions are not looked at, and
// while the user is typing in one, an automatic look waits until they leave it.

import { buildTextIndex } from "../anchoring/text-index.js";
import { extractArticle } from "./extract.js";
import { locateParagraphs } from "./mapping.js";
import { articleElement, articleStillThere, sameDocument, SettleTimer, URL_SETTLE_MS } from "./changes.js";
import { isEditable, isTyping } from "./editable.js";
import { sendBadge } from "./session.js";
import { stopIfOrphaned } from "./orphan.js";
import { renderAgain } from "./render.js";
import { leavePage, run } from "./scan.js";

function ownNode(node) {
  const el = node.nodeType === 1 ? node : node.parentElement;
  return Boolean(el && el.closest && el.closest("telltale-ui, telltale-mark"));
}

const isOwn = (m) => ownNode(m.target)
  || (m.type === "childList" && [...m.addedNodes, ...m.removedNodes].every((n) => n.nodeName === "TELLTALE-UI"));

// Our own marks, or the user's writing in an editor: neither is a change of the article.
const ignored = (m) => isOwn(m) || isEditable(m.target);

/** The settle timer (session.changes) and the MutationObserver (session.observer) that pokes it. */
export function createPageFollower(session) {
  session.changes = new SettleTimer(() => checkForChanges(session));
  session.observer = new MutationObserver((mutations) => {
    if (mutations.every(ignored)) return;
    // A history.pushState shows only as a new address: look sooner than for a mere change.
    session.changes.poke(location.href !== session.lastUrl ? URL_SETTLE_MS : undefined);
  });
}

/** Start watching: mutations, history navigation, and returns from the back/forward cache. */
export function followPage(session) {
  session.observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  const onNavigate = () => session.changes.poke(URL_SETTLE_MS);
  window.addEventListener("popstate", onNavigate);
  window.addEventListener("hashchange", onNavigate);
  // Back from the back/forward cache: the browser reset the tab's badge; tell it again.
  window.addEventListener("pageshow", (e) => { if (e.persisted && !stopIfOrphaned(session)) sendBadge(session); });
}

/**
 * The user is typing in an editable element and this look could send the page (auto mode):
 * look again once the focus leaves it. True when the look waits.
 */
function waitWhileTyping(session) {
  const { settings } = session;
  if ((settings && settings.mode === "click") || !isTyping(document)) return false;
  if (!session.waitingForTyping) {
    session.waitingForTyping = true;
    document.addEventListener("focusout", () => {
      session.waitingForTyping = false;
      session.changes.poke();
    }, { once: true });
  }
  return true;
}

function checkForChanges(session) {
  if (stopIfOrphaned(session)) return;
  const { watch } = session;
  if (!sameDocument(location.href, session.lastUrl)) {
    // Another page of a single-page site: a new scan (in click mode: back to waiting), which
    // replaces one of the old page still running. While the user types (a search box that
    // keeps the focus), only the scan waits: the old page's state, marks and badge go now.
    session.lastUrl = location.href;
    watch.reset();
    if (waitWhileTyping(session)) leavePage(session);
    else run(session);
    return;
  }
  session.lastUrl = location.href; // the same document: at most its #fragment changed
  if (waitWhileTyping(session)) return;
  const { state, settings, scan, highlighter } = session;
  if (state.status === "scoring" || state.status === "extracting") return session.changes.poke();
  // Cheap checks first: the same text as at the last look, or changes only outside the
  // article's element (a ticker, comments), need no Readability run.
  const pageChanged = watch.pageChanged();
  if (!scan) {
    // "idle": a new page whose scan waited for the user to stop typing.
    const moved = state.status === "idle" && settings && settings.mode === "auto";
    if (moved || (pageChanged && settings && settings.mode === "auto" && state.status === "no-article")) run(session);
    return;
  }
  let index = null; // the page's text index, built at most once per look
  const pageIndex = () => (index ??= buildTextIndex(document.body));
  if (pageChanged && watch.articleChanged()) {
    const article = extractArticle(document, { quickCheck: true });
    const key = article ? article.paragraphs.join("\n") : "";
    // Auto mode: a changed or grown article is sent again. On-click mode sends nothing by
    // itself: a grown article keeps its marks; another article clears them and waits.
    if (key !== session.lastArticleKey && (settings.mode === "auto" || !articleStillThere(pageIndex().text, scan.paragraphs))) {
      run(session);
      return;
    }
    watch.noteArticle(articleElement(pageIndex(), locateParagraphs(pageIndex(), scan.paragraphs)));
  }
  if (scan.result && highlighter.marks.some((m) => m.range.collapsed || !m.range.startContainer.isConnected)) {
    renderAgain(session, scan, pageIndex); // same article, re-rendered markup: anchor again without asking the server
  }
}
