// The content script: extract the article, have the background score it in chunks, anchor
// the flagged sentences onto the live page, mark them, and keep the popup and the badge
// informed. Follows single-page sites through DOM mutations and URL changes.

import { ext } from "../shared/ext.js";
import { loadSettings, isSkipped } from "../shared/settings.js";
import { percent, reasonsText, strength, verdictText } from "../shared/describe.js";
import { buildTextIndex } from "../anchoring/text-index.js";
import { extractArticle } from "./extract.js";
import { anchorSentences, firstParagraphInView, locateParagraphs } from "./mapping.js";
import { chunkParagraphs, countResult, flaggedItems, mergeResults, orderChunks } from "./results.js";
import { Highlighter } from "./highlight.js";
import { TelltaleUI } from "./ui.js";

const SETTLE_MS = 1200;

const highlighter = new Highlighter(document);
const ui = new TelltaleUI(document);
let settings = null;
let scan = null; // the current article: {url, paragraphs, selectors, result, items}
let generation = 0;
let state = { status: "idle" };
let lastUrl = location.href;
let lastArticleKey = "";

function setState(next) {
  state = { ...next, url: location.href, highlightsVisible: highlighter.visible };
  const badge = {
    status: state.status,
    flaggedPassages: state.counts ? state.counts.flaggedPassages : 0,
  };
  ext.runtime.sendMessage({ type: "tab-state", ...badge }).catch(() => {});
}

// ---- scanning -------------------------------------------------------------------

async function run({ force = false } = {}) {
  const gen = ++generation;
  settings = await loadSettings();
  if (isSkipped(location.hostname, settings.skipSites)) {
    clearMarks();
    scan = null;
    setState({ status: "paused" });
    return;
  }
  if (!force && settings.mode === "click") {
    if (!scan) setState({ status: "waiting" });
    return;
  }
  setState({ status: "extracting" });
  const article = extractArticle(document, { quickCheck: !force });
  if (gen !== generation) return;
  if (!article || article.paragraphs.length === 0) {
    clearMarks();
    scan = null;
    lastArticleKey = "";
    setState({ status: "no-article" });
    return;
  }
  lastArticleKey = article.paragraphs.join("\n");
  const index = buildTextIndex(document.body);
  const selectors = locateParagraphs(index, article.paragraphs);
  // A long article goes in chunks, the ones on screen first.
  const chunks = orderChunks(chunkParagraphs(article.paragraphs), firstParagraphInView(index, selectors));
  const current = { url: location.href, paragraphs: article.paragraphs, selectors, parts: [], result: null, items: [] };
  scan = current;
  clearMarks();
  setState({ status: "scoring", progress: { done: 0, total: chunks.length, paragraphs: article.paragraphs.length } });

  for (const [i, chunk] of chunks.entries()) {
    const reply = await ext.runtime.sendMessage({ type: "score", paragraphs: chunk.paragraphs })
      .catch((err) => ({ ok: false, error: { kind: "extension", message: String(err && err.message || err) } }));
    if (gen !== generation) return; // a newer scan started
    if (!reply || !reply.ok) {
      setState({ status: "error", error: reply ? reply.error : { kind: "extension", message: "No reply from the background script." } });
      return;
    }
    current.parts.push({ offset: chunk.offset, result: reply.result, chars: chunk.paragraphs.join("").length });
    current.result = mergeResults(current.parts);
    render(current);
    if (i < chunks.length - 1) {
      setState({ ...summary(current), status: "scoring", progress: { done: i + 1, total: chunks.length, paragraphs: article.paragraphs.length } });
    }
  }
  setState({ ...summary(current), status: "done" });
}

/** Anchor and mark the flagged sentences of the scan's result (again, after page changes). */
function render(current) {
  clearMarks();
  const threshold = settings.threshold;
  const shownThreshold = threshold ?? current.result.threshold ?? 0.5;
  current.items = flaggedItems(current.result, threshold);
  const index = buildTextIndex(document.body);
  const verdict = verdictText(current.result.article?.verdict);
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
  return {
    verdict: current.result.article?.verdict,
    verdictText: verdictText(current.result.article?.verdict),
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
document.addEventListener("mousemove", (e) => {
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
}, { passive: true });
document.addEventListener("focusin", (e) => {
  // Fallback wrappers are focusable themselves.
  const target = e.target;
  if (target && target.nodeName === "TELLTALE-MARK") {
    const mark = highlighter.marks.find((m) => String(m.id) === target.dataset.id);
    if (mark) showFor(mark);
  }
});
document.addEventListener("keydown", (e) => { if (e.key === "Escape") ui.hide(); });
window.addEventListener("scroll", () => { if (ui.current && !ui.root.activeElement) ui.hide(); }, { passive: true });

// ---- single-page sites ------------------------------------------------------------

let settleTimer = 0;
function scheduleCheck() {
  clearTimeout(settleTimer);
  settleTimer = setTimeout(checkForChanges, SETTLE_MS);
}

function ownNode(node) {
  const el = node.nodeType === 1 ? node : node.parentElement;
  return Boolean(el && el.closest && el.closest("telltale-ui, telltale-mark"));
}

function checkForChanges() {
  if (state.status === "scoring" || state.status === "extracting") return scheduleCheck();
  if (location.href !== lastUrl) {
    lastUrl = location.href;
    run();
    return;
  }
  if (!scan) {
    if (settings && settings.mode === "auto" && (state.status === "no-article")) run();
    return;
  }
  const article = extractArticle(document, { quickCheck: true });
  const key = article ? article.paragraphs.join("\n") : "";
  if (key !== lastArticleKey) run({ force: settings.mode === "click" && Boolean(scan) });
  else if (scan.result && highlighter.marks.some((m) => m.range.collapsed || !m.range.startContainer.isConnected)) {
    render(scan); // same article, re-rendered markup: anchor again without asking the server
    setState({ ...summary(scan), status: "done" });
  }
}

const isOwn = (m) => ownNode(m.target)
  || (m.type === "childList" && [...m.addedNodes, ...m.removedNodes].every((n) => n.nodeName === "TELLTALE-UI"));
const observer = new MutationObserver((mutations) => {
  if (mutations.every(isOwn)) return;
  scheduleCheck();
});
observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });

/** Forget the mutations our own marks just made (fallback wrappers), so they start no rescan. */
function dropOwnMutations() {
  observer.takeRecords();
}
window.addEventListener("popstate", scheduleCheck);
window.addEventListener("hashchange", scheduleCheck);

// ---- messages from the popup and the background ---------------------------------

ext.runtime.onMessage.addListener((message, _sender, sendResponse) => {
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
});

let settingsTimer = 0;
ext.storage.onChanged.addListener(() => {
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(() => run({ force: Boolean(scan) }), 300);
});

run();
