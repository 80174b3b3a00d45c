// An article checked only in part, from the content script's scan to the popup's words: the
// parts the server refused and those never sent are told apart, and one part's result does
// not pass for the whole article's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { fakeScore, installFakeExt, loadContentScript, loadExtensionPage, stateWhen } from "./fake-ext.js";

const ext = installFakeExt();

/** A page whose article goes to the server in three parts (45 paragraphs, 20 a part). */
function longArticle(url) {
  const paragraphs = Array.from({ length: 45 }, (_, i) => `Officials in Leeds said on day ${i + 1} that the garbled report ${i + 1} is late.`);
  const body = paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return new JSDOM(`<!doctype html><html><head><title>Inquiry</title></head><body><article><h1>Inquiry</h1>${body}</article></body></html>`, { url });
}

/** The content script's state once its scan has finished. */
const finishedState = () => stateWhen(ext, (state) => ["done", "error"].includes(state.status));

/** The popup's text for the tab whose state is `state` (as the content script answered it). */
async function popupFor(state) {
  ext.onTabMessage = (m) => (m.type === "get-state" ? state : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  return { doc, box: doc.getElementById("error"), score: doc.getElementById("probability") };
}

test("the second of three parts refused as not English: one part refused, one not sent, and no whole-article score", async () => {
  ext.storage.sync.data = { mode: "auto", threshold: null, skipSites: [] };
  let asked = 0;
  ext.onSend = (m) => {
    if (m.type !== "score") return undefined;
    asked++;
    if (asked > 1) return { ok: false, error: { kind: "language", message: "The text looks like French, not English." } };
    // The first part, alone, comes back "likely" at its own article threshold.
    const result = fakeScore(m.paragraphs);
    result.article = { probability: 0.9, flagged: true, verdict: "likely machine-translated or garbled" };
    return { ok: true, result };
  };
  await loadContentScript(longArticle("http://news.test/half-french"));
  const state = await finishedState();
  assert.equal(state.status, "done");
  assert.equal(asked, 2, "the third part is not sent after the refusal");
  assert.deepEqual([state.refusedParts, state.unsentParts, state.totalParts], [1, 1, 3]);
  assert.equal(state.thresholds, undefined, "one part's thresholds are not the whole article's");
  const badge = ext.sent.filter((m) => m.type === "tab-state").at(-1);
  assert.equal(badge.partial, true);
  assert.equal(badge.errorKind, "language");

  const { box, score } = await popupFor(state);
  assert.ok(!box.hidden);
  assert.equal(box.className, "note");
  assert.equal(box.textContent,
    "1 of 3 parts of the article is not in English, so the rest (1 part) was not sent; the marks are for the part checked.");
  assert.equal(score.hidden ? "" : score.textContent, "Score of the parts checked: 90%",
    "no whole-article score, nor one judged against the whole article's threshold");
});

test("the server gone after the first part: the other parts are said not to be checked, not to be refused", async () => {
  ext.storage.sync.data = { mode: "auto", threshold: null, skipSites: [] };
  let asked = 0;
  ext.onSend = (m) => {
    if (m.type !== "score") return undefined;
    asked++;
    return asked === 1 ? { ok: true, result: fakeScore(m.paragraphs) }
      : { ok: false, error: { kind: "unreachable", message: "down", serverUrl: "http://127.0.0.1:8765" } };
  };
  await loadContentScript(longArticle("http://news.test/server-gone"));
  const state = await finishedState();
  assert.deepEqual([state.refusedParts, state.unsentParts, state.totalParts], [1, 1, 3]);
  const { box } = await popupFor(state);
  assert.equal(box.className, "error");
  assert.match(box.textContent, /^2 of 3 parts of the article could not be checked; the marks are for the part checked\./);
  assert.match(box.textContent, /Cannot reach the Telltale server at http:\/\/127\.0\.0\.1:8765\./);
});
