// Check the page: read the settings, extract the article, send it to the background to be
// scored in parts (the ones on screen first), merge the parts' results and mark them as they
// come back.

import { ext } from "../shared/ext.js";
import { loadSettings, isSkipped } from "../shared/settings.js";
import { buildTextIndex } from "../anchoring/text-index.js";
import { extractArticle } from "./extract.js";
import { isEditorPage } from "./editable.js";
import { otherDeclaredLanguage } from "./page-language.js";
import { firstParagraphInView, locateParagraphs } from "./mapping.js";
import { chunkParagraphs, mergeResults, orderChunks, toUtf16Offsets } from "./results.js";
import { joinLongParagraphs, splitLongParagraphs } from "./long-paragraphs.js";
import { articleElement } from "./changes.js";
import { errorOf, setState } from "./session.js";
import { stopIfOrphaned } from "./orphan.js";
import { announceMarks, clearMarks, render, summary } from "./render.js";

// Errors that concern one part of the article: the other parts are still worth sending.
// Not "server": a URL that points at another web server would get every part. Nor
// "language": the rest of an article in another language is refused alike.
const PART_ERRORS = new Set(["empty", "too-large"]);

/** Check the page: read the settings, extract the article and have it scored (when allowed). */
export async function run(session, { force = false } = {}) {
  if (stopIfOrphaned(session)) return;
  const gen = ++session.generation;
  try {
    await scanPage(session, gen, force);
  } catch (err) {
    if (gen !== session.generation || stopIfOrphaned(session)) return;
    // Whatever failed (Readability, anchoring, storage), the state does not stay "scoring".
    let shown = {};
    try {
      if (session.scan && session.scan.result) shown = summary(session, session.scan);
    } catch {
      shown = {};
    }
    setState(session, { ...shown, status: "error", error: errorOf(err) });
  }
}

/** Forget the current article and its marks. */
function forget(session) {
  clearMarks(session);
  session.scan = null;
  session.lastArticleKey = "";
}

/**
 * The page is another one (a single-page site's new address) whose scan has to wait: the old
 * article's scan, state, marks and badge go now, not when the new scan starts.
 */
export function leavePage(session) {
  session.generation++; // a scan of the old page still waiting for the server steps aside
  forget(session);
  setState(session, { status: "idle" });
}

async function scanPage(session, gen, force) {
  const { watch } = session;
  session.settings = await loadSettings();
  if (gen !== session.generation) return;
  if (isSkipped(location.hostname, session.settings.skipSites)) {
    forget(session);
    setState(session, { status: "paused" });
    return;
  }
  if (!force && session.settings.mode === "click") {
    // Only a click (the popup) sends text: a new page or article waits for one.
    forget(session);
    setState(session, { status: "waiting" });
    return;
  }
  setState(session, { status: "extracting" });
  watch.reset();
  watch.notePage();
  if (isEditorPage(document)) {
    // A web editor, not an article: what the user writes is never sent, not even on a click.
    // (The one editor check of a scan: extractArticle is told it was done.)
    forget(session);
    setState(session, { status: "no-article", editor: true });
    return;
  }
  const declared = force ? "" : otherDeclaredLanguage(document);
  if (declared) {
    // The state the server's refusal would end in, without sending the page to hear it.
    forget(session);
    setState(session, { status: "error", error: { kind: "language", declared } });
    return;
  }
  const article = extractArticle(document, { quickCheck: !force, editorChecked: true });
  if (gen !== session.generation) return;
  if (!article || article.paragraphs.length === 0) {
    forget(session);
    setState(session, { status: "no-article" });
    return;
  }
  session.lastArticleKey = article.paragraphs.join("\n");
  const index = buildTextIndex(document.body);
  const selectors = locateParagraphs(index, article.paragraphs);
  watch.noteArticle(articleElement(index, selectors));
  // Paragraphs over the server's limit go in parts; a long article goes in chunks, the ones
  // on screen first.
  const pieces = splitLongParagraphs(article.paragraphs);
  const inView = firstParagraphInView(index, selectors);
  const chunks = orderChunks(chunkParagraphs(pieces.texts), pieces.origins.findIndex((o) => o.paragraph === inView));
  const current = { url: location.href, paragraphs: article.paragraphs, selectors, parts: [], result: null, items: [] };
  session.scan = current;
  clearMarks(session);
  const progress = (done) => ({ done, total: chunks.length, paragraphs: article.paragraphs.length });
  setState(session, { status: "scoring", progress: progress(0) });

  const failed = []; // the errors of the parts sent that did not come back
  for (const [i, chunk] of chunks.entries()) {
    const reply = await ext.runtime.sendMessage({ type: "score", paragraphs: chunk.paragraphs })
      .catch((err) => ({ ok: false, error: errorOf(err) }));
    if (gen !== session.generation) return; // a newer scan started
    if (!reply || !reply.ok) {
      const error = reply ? reply.error : { kind: "extension", message: "No reply from the background script." };
      failed.push(error);
      if (PART_ERRORS.has(error.kind)) continue;
      break; // the server is down, busy or refuses us: the other parts would fail alike
    }
    const result = toUtf16Offsets(reply.result, chunk.paragraphs);
    current.parts.push({ offset: chunk.offset, result, chars: chunk.paragraphs.join("").length });
    current.result = joinLongParagraphs(mergeResults(current.parts), pieces.origins);
    render(session, current); // a fresh index: the page may have changed while the server read
    if (i < chunks.length - 1) setState(session, { ...summary(session, current), status: "scoring", progress: progress(i + 1) });
  }
  if (!current.result) {
    setState(session, { status: "error", error: failed[0] });
    return;
  }
  // Parts that failed do not throw away the marks of those that came back. Those refused and
  // those never sent (after an error that would have met them all) are told apart.
  current.partial = failed.length
    ? { error: failed[0], refusedParts: failed.length, unsentParts: chunks.length - current.parts.length - failed.length,
      totalParts: chunks.length }
    : null;
  setState(session, { ...summary(session, current), status: "done" });
  announceMarks(session);
}
