// Anchor the flagged sentences of a scan's result onto the live page, mark them, and sum the
// result up for the popup.

import { ext } from "../shared/ext.js";
import { strength, verdictHeadline, verdictText } from "../shared/describe.js";
import { sentenceExplanation } from "./explain.js";
import { buildTextIndex } from "../anchoring/text-index.js";
import { anchorSentences } from "./mapping.js";
import { countResult, flaggedItems, verdictFor } from "./results.js";
import { dropOwnMutations, errorOf, setState } from "./session.js";
import { scrollToMark, showFor } from "./pointer.js";

/** Anchor and mark the flagged sentences of the scan's result (again, after page changes). */
export function render(session, current, index = buildTextIndex(document.body)) {
  const { highlighter, ui, settings } = session;
  clearMarks(session);
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
    passage.markOf = new Map(); // sentence -> its mark's id, for the popup's list
    for (const { item, range } of anchored) {
      const s = item.sentence;
      const info = {
        probability: Number(s.probability) || 0,
        ...sentenceExplanation(s, paragraph, { threshold: shownThreshold, passageFlagged: passage.flagged }),
        articleText: `Article verdict: ${verdict}`,
        passage: passage.index,
      };
      highlighter.add(++id, range, strength(s.probability, shownThreshold), info);
      passage.anchoredIds.push(id);
      passage.markOf.set(s, id);
    }
  }
  current.unanchored = unanchored;
  ui.setMarks(highlighter.marks, {
    onFocus: (mark) => { scrollToMark(mark); highlighter.focus(mark); showFor(session, mark); },
    onBlur: () => { highlighter.focus(null); ui.hide(); },
  });
  if (highlighter.marks.length) ui.attach();
  dropOwnMutations(session);
}

/**
 * Tell screen-reader users politely that marks were placed and how to reach them: once a
 * scan ends with marks, and not again for the same page and count. The shortcut is the one
 * the browser has now (the background reads it; the reader may have changed it); without
 * one (removed), no "Press ..." sentence.
 */
export async function announceMarks(session) {
  if (!session.highlighter.marks.length || !session.highlighter.visible) return;
  const shortcut = await currentShortcut();
  const n = session.highlighter.marks.length;
  if (n === 0 || !session.highlighter.visible) return;
  const message = `Telltale flagged ${n === 1 ? "1 sentence" : `${n} sentences`}.`
    + (shortcut ? ` Press ${shortcut} to go to ${n === 1 ? "it" : "the next one"}.` : "");
  const key = `${location.href}\n${message}`;
  if (session.announced === key) return;
  session.announced = key;
  session.ui.announce(message);
}

/** The "next flagged sentence" command's keys, as the background reads them; "" for none (or no answer). */
async function currentShortcut() {
  try {
    const reply = await ext.runtime.sendMessage({ type: "get-shortcut" });
    return reply && typeof reply.shortcut === "string" ? reply.shortcut : "";
  } catch {
    return ""; // the extension was reloaded: this copy of the script is an orphan
  }
}

/**
 * Show a result at hand again (settings changed, or the page re-rendered its markup) without
 * asking the server; ends "done", or "error" if anchoring fails. `pageIndex` (optional) gives
 * a text index of the page already built; it is called inside the try, like the default.
 */
export function renderAgain(session, current, pageIndex = null) {
  try {
    render(session, current, pageIndex ? pageIndex() : undefined);
    setState(session, { ...summary(session, current), status: "done" });
  } catch (err) {
    setState(session, { status: "error", error: errorOf(err) });
  }
}

/** The scan's result as the popup shows it. */
export function summary(session, current) {
  const { settings } = session;
  const counts = countResult(current.result, current.items);
  const highlighted = session.highlighter.marks.length;
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
      // the highlighted sentences, each with the number its tooltip shows and its mark
      sentences: p.sentences.map((s) => ({
        text: s.text, probability: Number(s.probability) || 0, markId: p.markOf?.get(s) ?? null,
      })),
    })),
    // the server's thresholds, for a whole article in one part only: a merged article's
    // probability is an average of its parts', and one part of an article checked in part
    // is not the whole article
    ...(current.result.thresholds && !current.partial ? { thresholds: current.result.thresholds } : {}),
    model: current.result.model,
    ...current.partial, // parts that failed: {error, refusedParts, unsentParts, totalParts}
  };
}

export function clearMarks(session) {
  session.highlighter.clear();
  session.ui.setMarks([], { onFocus() {}, onBlur() {} });
  session.ui.hide();
  dropOwnMutations(session);
}
