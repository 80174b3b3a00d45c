import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakeExt, loadExtensionPage } from "./fake-ext.js";

const ext = installFakeExt();

const count = (doc, name) => doc.querySelector(`dd[data-count='${name}']`).textContent;

function doneState(extra = {}) {
  return {
    status: "done", host: "news.test", mode: "auto", highlightsVisible: true,
    verdict: "no signs", verdictText: "No signs in the article as a whole", probability: 0.2,
    counts: { paragraphs: 5, flaggedPassages: 0, markedPassages: 1, flaggedSentences: 1, highlighted: 1, unanchored: 0 },
    flagged: [{ passage: 2, probability: 0.4, flagged: false, snippet: "One odd sentence.", markId: 1 }],
    ...extra,
  };
}

test("a sentence flagged inside an unflagged passage: counts, colour and words agree with the highlight", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state" ? doneState() : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.equal(count(doc, "Flagged passages"), "1");
  assert.equal(doc.querySelectorAll("#flagged li").length, 1);
  assert.equal(doc.getElementById("verdict").className, "flagged");
  assert.equal(doc.getElementById("verdict").textContent, "No signs in the article as a whole");
  assert.ok(!doc.getElementById("verdict-note").hidden);
  assert.match(doc.getElementById("verdict-note").textContent, /One sentence looks garbled on its own/);
});

test("a 'likely' verdict over highlighted sentences does not say no passage stands out", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? doneState({ verdict: "likely machine-translated or garbled", verdictText: "Likely machine-translated or garbled" })
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const note = doc.getElementById("verdict-note").textContent;
  assert.doesNotMatch(note, /No single passage/);
  assert.match(note, /article as a whole/);
  assert.match(note, /highlighted/);
});

test("with the user's own threshold the server's verdict is labelled as the server's", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? doneState({ verdict: "some passages look garbled", verdictText: "Some passages look garbled",
      serverVerdict: "no signs", serverVerdictText: "No signs of machine translation or garbling", threshold: 0.55 })
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const line = doc.getElementById("threshold-note");
  assert.ok(!line.hidden);
  assert.match(line.textContent, /your own threshold \(0\.55/);
  assert.match(line.textContent, /server says: No signs/);
});

test("a clean result shows no note and the clean colour", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? doneState({ verdictText: "No signs of machine translation or garbling", flagged: [],
      counts: { paragraphs: 5, flaggedPassages: 0, markedPassages: 0, flaggedSentences: 0, highlighted: 0, unanchored: 0 } })
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.equal(doc.getElementById("verdict").className, "clean");
  assert.ok(doc.getElementById("verdict-note").hidden);
  assert.ok(doc.getElementById("threshold-note").hidden);
});

test("errors by kind: a non-English page is said so, without the library's advice", async () => {
  const message = "The text looks like German (language code 'de', confidence 99%), not English. ... ScorerConfig(check_language=False) ...";
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? { status: "error", host: "news.test", error: { kind: "language", message, serverUrl: "http://127.0.0.1:8765" } }
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const text = doc.getElementById("error").textContent;
  assert.match(text, /not in English; Telltale only reads English/);
  assert.doesNotMatch(text, /ScorerConfig|could not be reached/);
  for (const [error, expected] of [
    [{ kind: "unauthorized", tokenSet: false }, /needs a team token/],
    [{ kind: "unauthorized", tokenSet: true }, /refused the team token/],
    [{ kind: "starting", message: "The model is still loading" }, /still starting/],
    [{ kind: "busy", message: "busy" }, /busy with other articles/],
    [{ kind: "model-unavailable", message: "The model could not be loaded: bad file. Restart it." },
      /cannot check articles\. It says: The model could not be loaded: bad file\. Restart it\./],
  ]) {
    ext.onTabMessage = (m) => (m.type === "get-state" ? { status: "error", host: "news.test", error } : { ok: true });
    const d = await loadExtensionPage("popup", { query: "?tab=1" });
    assert.match(d.getElementById("error").textContent, expected, error.kind);
  }
});

test("Telltale's own failure is told as such, not as the server's or the article's", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? { status: "error", host: "news.test", error: { kind: "extension", message: "No reply from the background script." } }
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const text = doc.getElementById("error").textContent;
  assert.match(text, /went wrong in Telltale on this page \(No reply from the background script\)\. Reload the page/);
  assert.doesNotMatch(text, /could not check this article|failed on this page/);
});

test("a part that failed is reported beside the results of the others", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? doneState({ error: { kind: "language", message: "x" }, failedParts: 1, totalParts: 3 })
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.ok(!doc.getElementById("summary").hidden);
  assert.ok(!doc.getElementById("error").hidden);
  assert.match(doc.getElementById("error").textContent, /1 of 3 parts of the article could not be checked/);
});

test("site access withheld: the popup says so and asks for it on a click", async () => {
  ext.onTabMessage = () => { throw new Error("Could not establish connection. Receiving end does not exist."); };
  ext.hasPermission = false;
  ext.tab = { id: 1, url: "https://news.example.org:8443/story/1" };
  const asked = [];
  ext.permissions.contains = async (perms) => { asked.push(perms); return ext.hasPermission; };
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  try {
    assert.match(doc.getElementById("status").textContent, /not allowed to read news\.example\.org/);
    assert.doesNotMatch(doc.getElementById("status").textContent, /off limits/);
    doc.getElementById("grant").click();
    // Match patterns without the port: Firefox refuses one with it; Chrome's matches every port.
    assert.deepEqual(asked.at(-1), { origins: ["https://news.example.org/*"] });
    assert.deepEqual(ext.permissionRequests.at(-1), { origins: ["https://news.example.org/*"] }, "asked during the click");
    await new Promise((r) => setTimeout(r, 10));
    assert.match(doc.getElementById("status").textContent, /Allowed/);
    assert.deepEqual(ext.reloadedTabs, [], "the background reloads the tab (the popup may be closed by then)");
  } finally {
    ext.hasPermission = true;
  }
  // With access, a page without the content script is a page Telltale cannot read.
  const other = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.match(other.getElementById("status").textContent, /off limits/);
});
