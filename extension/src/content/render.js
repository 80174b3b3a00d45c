// Anchor the flagged sentences of a scan's result onto the live page, mark them, and sum the
// result up for the popup.

import { percent, reasonsText, strength, verdictHeadline, verdictText } from "../shared/describe.js";
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
    onFocus: (mark) => { scrollToMark(mark); highlighter.focus(mark); showFor(session, mark); },
    onBlur: () => { highlighter.focus(null); ui.hide(); },
  });
  if (highlighter.marks.length) ui.attach();
  dropOwnMutations(session);
}

/** The scan's result as the popup shows it. */
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
    })),
    model: current.result.model,
    ...current.partial, // parts that failed: {error, failedParts, totalParts}
  };
}

export function clearMarks(session) {
  session.highlighter.clear();
  session.ui.setMarks([], { onFocus() {}, onBlur() {} });
  session.ui.hide();
  dropOwnMutations(session);
}
