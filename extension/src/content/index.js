// The content script: extract the article, have the background score it in chunks, anchor
// the flagged sentences onto the live page, mark them, and keep the popup and the badge
// informed. Follows single-page sites through DOM mutations and URL changes.

import { ext } from "../shared/ext.js";
import { loadSettings, isSkipped } from "../shared/settings.js";
import { percent, reasonsText, strength, verdictHeadline, verdictText } from "../shared/describe.js";
import { buildTextIndex } from "../anchoring/text-index.js";
import { extractArticle } from "./extract.js";
import { anchorSentences, firstParagraphInView, locateParagraphs } from "./mapping.js";
import { chunkParagraphs, countResult, flaggedItems, mergeResults, orderChunks, toUtf16Offsets, verdictFor } from "./results.js";
import { joinLongParagraphs, splitLongParagraphs } from "./long-paragraphs.js";
import { articleElement, articleStillThere, PageWatch, sameDocument, SettleTimer, URL_SETTLE_MS } from "./changes.js";
import { Highlighter, removeLeftovers } from "./highlight.js";
import { TelltaleUI } from "./ui.js";

// Errors that concern one part of the article: the other parts are still worth sending.
// Not "server": a URL that points at another web server would get every part.
const PART_ERRORS = new Set(["language", "empty", "too-large"]);

const highlighter = new Highlighter(document);
const ui = new TelltaleUI(document);
let settings = null;
let scan = null; // the current article: {url, paragraphs, selectors, result, items}
let generation = 0;
let state = { status: "idle" };
let lastUrl = location.href;
let lastArticleKey = "";
const watch = new PageWatch(document); // did the page, or the article's part of it, change?
let stopped = false;

function setState(next) {
  state = { ...next, url: location.href, highlightsVisible: highlighter.visible };
  sendBadge();
}

function sendBadge() {
  const badge = {
    status: state.status,
    markedPassages: state.counts ? state.counts.markedPassages : 0,
    errorKind: state.error ? state.error.kind : null,
    partial: Boolean(state.failedParts),
  };
  try {
    ext.runtime.sendMessage({ type: "tab-state", ...badge }).catch(() => {});
  } catch {
    // the extension was reloaded: this copy of the script is an orphan (see stopIfOrphaned)
  }
}

/** The extension was reloaded or removed: this script can no longer reach it. Step aside. */
function stopIfOrphaned() {
  if (stopped) return true;
  let alive = false;
  try {
    alive = Boolean(ext.runtime && ext.runtime.id);
  } catch {
    alive = false;
  }
  if (alive) return false;
  stopped = true;
  generation++;
  observer.disconnect();
  changes.cancel();
  // Only this copy's own marks and UI: the Highlight registry is the page's, shared with a
  // fresh copy of the script that may already have marked the page.
  highlighter.unwrapAll();
  ui.detach();
  return true;
}

function errorOf(err) {
  const message = String((err && err.message) || err);
  if (/context invalidated|Receiving end does not exist/i.test(message)) {
    return { kind: "reloaded", message: "Telltale was updated or reloaded; reload the page." };
  }
  return { kind: "extension", message: message.slice(0, 300) };
}

// ---- scanning -------------------------------------------------------------------

/** Check the page: read the settings, extract the article and have it scored (when allowed). */
async function run({ force = false } = {}) {
  if (stopIfOrphaned()) return;
  const gen = ++generation;
  try {
    await scanPage(gen, force);
  } catch (err) {
    if (gen !== generation || stopIfOrphaned()) return;
    // Whatever failed (Readability, anchoring, storage), the state does not stay "scoring".
    let shown = {};
    try {
      if (scan && scan.result) shown = summary(scan);
    } catch {
      shown = {};
    }
    setState({ ...shown, status: "error", error: errorOf(err) });
  }
}

/** Forget the current article and its marks. */
function forget() {
  clearMarks();
  scan = null;
  lastArticleKey = "";
}

async function scanPage(gen, force) {
  settings = await loadSettings();
  if (gen !== generation) return;
  if (isSkipped(location.hostname, settings.skipSites)) {
    forget();
    setState({ status: "paused" });
    return;
  }
  if (!force && settings.mode === "click") {
    // Only a click (the popup) sends text: a new page or article waits for one.
    forget();
    setState({ status: "waiting" });
    return;
  }
  setState({ status: "extracting" });
  watch.reset();
  watch.notePage();
  const article = extractArticle(document, { quickCheck: !force });
  if (gen !== generation) return;
  if (!article || article.paragraphs.length === 0) {
    forget();
    setState({ status: "no-article" });
    return;
  }
  lastArticleKey = article.paragraphs.join("\n");
  const index = buildTextIndex(document.body);
  const selectors = locateParagraphs(index, article.paragraphs);
  watch.noteArticle(articleElement(index, selectors));
  // Paragraphs over the server's limit go in parts; a long article goes in chunks, the ones
  // on screen first.
  const pieces = splitLongParagraphs(article.paragraphs);
  const inView = firstParagraphInView(index, selectors);
  const chunks = orderChunks(chunkParagraphs(pieces.texts), pieces.origins.findIndex((o) => o.paragraph === inView));
  const current = { url: location.href, paragraphs: article.paragraphs, selectors, parts: [], result: null, items: [] };
  scan = current;
  clearMarks();
  const progress = (done) => ({ done, total: chunks.length, paragraphs: article.paragraphs.length });
  setState({ status: "scoring", progress: progress(0) });

  const failed = [];
  for (const [i, chunk] of chunks.entries()) {
    const reply = await ext.runtime.sendMessage({ type: "score", paragraphs: chunk.paragraphs })
      .catch((err) => ({ ok: false, error: errorOf(err) }));
    if (gen !== generation) return; // a newer scan started
    if (!reply || !reply.ok) {
      const error = reply ? reply.error : { kind: "extension", message: "No reply from the background script." };
      failed.push(error);
      if (PART_ERRORS.has(error.kind)) continue;
      break; // the server is down, busy or refuses us: the other parts would fail alike
    }
    const result = toUtf16Offsets(reply.result, chunk.paragraphs);
    current.parts.push({ offset: chunk.offset, result, chars: chunk.paragraphs.join("").length });
    current.result = joinLongParagraphs(mergeResults(current.parts), pieces.origins);
    render(current); // a fresh index: the page may have changed while the server read
    if (i < chunks.length - 1) setState({ ...summary(current), status: "scoring", progress: progress(i + 1) });
  }
  if (!current.result) {
    setState({ status: "error", error: failed[0] });
    return;
  }
  // Parts that failed do not throw away the marks of those that came back.
  current.partial = failed.length ? { error: failed[0], failedParts: chunks.length - current.parts.length, totalParts: chunks.length } : null;
  setState({ ...summary(current), status: "done" });
}

/** Anchor and mark the flagged sentences of the scan's result (again, after page changes). */
function render(current, index = buildTextIndex(document.body)) {
  clearMarks();
  const threshold = settings.threshold;
  const shownThreshold = threshold ?? current.result.threshold ?? 0.5;
  current.items = flaggedItems(current.result, threshold);
  const verdict = verdictHeadline(verdictFor(current.result, current.items, threshold), countResult(current.result, current.items));
  let unanchored = 0;
  let id = 0;
  for (const passage of current.items) {
    const paragraph = current.paragraphs[passage.index];
    if (paragraph === undefined) {
      unanchored += passage.sentences.length;
      continue;
    }
    const items = passage.sentences.map((sentence) => ({ sentence }));
    const { anchored, missed } = anchorSentences(index, current.selectors[passage.index], paragraph, items);
    unanchored += missed.length;
    passage.anchoredIds = [];
    for (const { item, range } of anchored) {
      const s = item.sentence;
      const info = {
        probability: Number(s.probability) || 0,
        title: `Telltale: ${Number(s.probability) >= 0.85 ? "very likely" : "likely"} machine-translated or garbled`,
        probabilityText: `This sentence: ${percent(s.probability)} likely machine-translated or garbled`,
        articleText: `Article verdict: ${verdict}`,
        reasons: reasonsText(s.reasons, paragraph),
        label: `${percent(s.probability)}, ${s.text.slice(0, 80)}`,
        passage: passage.index,
      };
      highlighter.add(++id, range, strength(s.probability, shownThreshold), info);
      passage.anchoredIds.push(id);
    }
  }
  current.unanchored = unanchored;
  ui.setMarks(highlighter.marks, {
    onFocus: (mark) => { scrollToMark(mark); highlighter.focus(mark); showFor(mark); },
    onBlur: () => { highlighter.focus(null); ui.hide(); },
  });
  if (highlighter.marks.length) ui.attach();
  dropOwnMutations();
}

function summary(current) {
  const counts = countResult(current.result, current.items);
  const highlighted = highlighter.marks.length;
  const verdict = verdictFor(current.result, current.items, settings.threshold);
  const serverVerdict = current.result.article?.verdict;
  return {
    verdict,
    verdictText: verdictHeadline(verdict, counts),
    // The user's own threshold judged the passages: the server's verdict, at its threshold, beside it.
    ...(verdict !== serverVerdict ? { serverVerdict, serverVerdictText: verdictText(serverVerdict), threshold: settings.threshold } : {}),
    probability: current.result.article?.probability,
    counts: { ...counts, highlighted, unanchored: current.unanchored || 0 },
    flagged: current.items.map((p) => ({
      passage: p.index,
      probability: p.probability,
      flagged: p.flagged,
      snippet: p.sentences.map((s) => s.text).join(" ").slice(0, 160),
      markId: p.anchoredIds && p.anchoredIds.length ? p.anchoredIds[0] : null,
    })),
    model: current.result.model,
    ...current.partial, // parts that failed: {error, failedParts, totalParts}
  };
}

function clearMarks() {
  highlighter.clear();
  ui.setMarks([], { onFocus() {}, onBlur() {} });
  ui.hide();
  dropOwnMutations();
}

// ---- tooltip ----------------------------------------------------------------------

function showFor(mark) {
  const rects = mark.range.getClientRects();
  const rect = rects.length ? rects[0] : mark.range.getBoundingClientRect();
  ui.show(mark, rect);
}

function scrollToMark(mark) {
  const node = mark.range.startContainer;
  const el = node.nodeType === 1 ? node : node.parentElement;
  if (el) el.scrollIntoView({ block: "center", behavior: "instant" });
}

let pointer = null;
let pointerFrame = 0;
function onMouseMove(e) {
  pointer = { x: e.clientX, y: e.clientY };
  if (pointerFrame || highlighter.marks.length === 0) return;
  pointerFrame = requestAnimationFrame(() => {
    pointerFrame = 0;
    const mark = highlighter.markAt(pointer.x, pointer.y);
    if (mark) {
      const rects = [...mark.range.getClientRects()];
      const rect = rects.find((r) => pointer.y >= r.top && pointer.y <= r.bottom) || rects[0];
      ui.show(mark, rect);
    } else if (ui.current && !ui.root.activeElement) ui.hide();
  });
}

// ---- single-page sites ------------------------------------------------------------

function ownNode(node) {
  const el = node.nodeType === 1 ? node : node.parentElement;
  return Boolean(el && el.closest && el.closest("telltale-ui, telltale-mark"));
}

function checkForChanges() {
  if (stopIfOrphaned()) return;
  if (state.status === "scoring" || state.status === "extracting") return changes.poke();
  if (!sameDocument(location.href, lastUrl)) {
    // Another page of a single-page site: a new scan (in click mode: back to waiting).
    lastUrl = location.href;
    watch.reset();
    run();
    return;
  }
  lastUrl = location.href;
  // Cheap checks first: the same text as at the last look, or changes only outside the
  // article's element (a ticker, comments), need no Readability run.
  const pageChanged = watch.pageChanged();
  if (!scan) {
    if (pageChanged && settings && settings.mode === "auto" && state.status === "no-article") run();
    return;
  }
  let index = null; // the page's text index, built at most once per look
  const pageIndex = () => (index ??= buildTextIndex(document.body));
  if (pageChanged && watch.articleChanged()) {
    const article = extractArticle(document, { quickCheck: true });
    const key = article ? article.paragraphs.join("\n") : "";
    // Auto mode: a changed or grown article is sent again. On-click mode sends nothing by
    // itself: a grown article keeps its marks; another article clears them and waits.
    if (key !== lastArticleKey && (settings.mode === "auto" || !articleStillThere(pageIndex().text, scan.paragraphs))) {
      run();
      return;
    }
    watch.noteArticle(articleElement(pageIndex(), locateParagraphs(pageIndex(), scan.paragraphs)));
  }
  if (scan.result && highlighter.marks.some((m) => m.range.collapsed || !m.range.startContainer.isConnected)) {
    try {
      render(scan, pageIndex()); // same article, re-rendered markup: anchor again without asking the server
      setState({ ...summary(scan), status: "done" });
    } catch (err) {
      setState({ status: "error", error: errorOf(err) });
    }
  }
}

const changes = new SettleTimer(checkForChanges);

const isOwn = (m) => ownNode(m.target)
  || (m.type === "childList" && [...m.addedNodes, ...m.removedNodes].every((n) => n.nodeName === "TELLTALE-UI"));
const observer = new MutationObserver((mutations) => {
  if (mutations.every(isOwn)) return;
  // A history.pushState shows only as a new address: look sooner than for a mere change.
  changes.poke(location.href !== lastUrl ? URL_SETTLE_MS : undefined);
});

/** Forget the mutations our own marks just made (fallback wrappers), so they start no rescan. */
function dropOwnMutations() {
  observer.takeRecords();
}

// ---- messages from the popup and the background ---------------------------------

function onMessage(message, _sender, sendResponse) {
  if (stopIfOrphaned()) return false;
  switch (message && message.type) {
    case "get-state":
      sendResponse({ ...state, host: location.hostname, mode: settings ? settings.mode : "auto" });
      return false;
    case "rescan":
      run({ force: true });
      sendResponse({ ok: true });
      return false;
    case "toggle-highlights":
      highlighter.setVisible(message.visible ?? !highlighter.visible);
      if (!highlighter.visible) ui.hide();
      dropOwnMutations();
      state = { ...state, highlightsVisible: highlighter.visible };
      sendResponse({ visible: highlighter.visible });
      return false;
    case "scroll-to": {
      const mark = highlighter.marks.find((m) => m.id === message.markId);
      if (mark) {
        if (!highlighter.visible) highlighter.setVisible(true);
        scrollToMark(mark);
        highlighter.focus(mark);
        requestAnimationFrame(() => showFor(mark));
      }
      sendResponse({ ok: Boolean(mark) });
      return false;
    }
    case "focus-next": {
      const marks = highlighter.marks;
      if (marks.length) {
        const currentId = ui.current ? ui.current.id : 0;
        const next = marks.find((m) => m.id > currentId) || marks[0];
        ui.focusMark(next.id);
      }
      sendResponse({ ok: true });
      return false;
    }
    default:
      return false;
  }
}

/**
 * Settings changed (options page, popup's pause, another site paused): apply them. A result
 * at hand is shown again at the new sensitivity, never sent again; only an automatic check
 * with no result yet starts a new scan. On-click mode sends nothing here.
 */
async function onSettingsChanged() {
  if (stopIfOrphaned()) return;
  const gen = generation;
  const next = await loadSettings().catch(() => null);
  // A scan that started meanwhile read the new settings itself (and owns `scan` now).
  if (gen !== generation || stopIfOrphaned()) return;
  if (!next || isSkipped(location.hostname, next.skipSites) || state.status === "paused") {
    run(); // paused or resumed here (a scan in click mode waits for a click)
    return;
  }
  settings = next;
  if (state.status === "scoring" || state.status === "extracting") return; // marks the rest with them
  if (scan && scan.result) {
    try {
      render(scan);
      setState({ ...summary(scan), status: "done" });
    } catch (err) {
      setState({ status: "error", error: errorOf(err) });
    }
    return;
  }
  if (next.mode === "auto" || state.status !== "waiting") run(); // never forced: click mode waits
}

// ---- start ----------------------------------------------------------------------------

function start() {
  removeLeftovers(document); // marks of a copy of this script from before an extension reload
  document.addEventListener("mousemove", onMouseMove, { passive: true });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") ui.hide(); });
  window.addEventListener("scroll", () => { if (ui.current && !ui.root.activeElement) ui.hide(); }, { passive: true });
  observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  const onNavigate = () => changes.poke(URL_SETTLE_MS);
  window.addEventListener("popstate", onNavigate);
  window.addEventListener("hashchange", onNavigate);
  // Back from the back/forward cache: the browser reset the tab's badge; tell it again.
  window.addEventListener("pageshow", (e) => { if (e.persisted && !stopIfOrphaned()) sendBadge(); });
  ext.runtime.onMessage.addListener(onMessage);
  let settingsTimer = 0;
  ext.storage.onChanged.addListener(() => {
    clearTimeout(settingsTimer);
    settingsTimer = setTimeout(onSettingsChanged, 300);
  });
  run();
}

// Injected twice into one page (the manifest and a programmatic injection): run once.
if (!window.__telltaleContent) {
  window.__telltaleContent = true;
  start();
}
