import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakeExt, loadExtensionPage, settle } from "./fake-ext.js";

const ext = installFakeExt();
// After the fake: src/shared/ext.js reads it when first imported.
const { isSkipped, setSitePaused } = await import("../src/shared/settings.js");
const { REDIRECT_MESSAGE } = await import("../src/background/api.js");

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

test("a non-English page is a plain note, not an error, without the library's advice", async () => {
  const message = "The text looks like German (language code 'de', confidence 99%), not English. ... ScorerConfig(check_language=False) ...";
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? { status: "error", host: "news.test", error: { kind: "language", message, serverUrl: "http://127.0.0.1:8765" } }
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.ok(doc.getElementById("error").hidden, "no error box");
  const note = doc.querySelector("#status p");
  assert.equal(note.textContent, "This page is not in English; Telltale only checks English articles.");
  assert.equal(note.className, "muted");
  assert.doesNotMatch(doc.body.textContent, /ScorerConfig|could not be reached/);
  assert.doesNotMatch(doc.getElementById("status").textContent, /Rescan/);
  // A page not sent because it declares another language (<html lang>) may declare it wrongly.
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? { status: "error", host: "news.test", error: { kind: "language", declared: "fr", message: "lang=fr" } }
    : { ok: true });
  const declared = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.equal(declared.getElementById("status").textContent,
    "This page is not in English; Telltale only checks English articles.If it is in English after all, Rescan checks it anyway.");
});

test("errors by kind", async () => {
  for (const [error, expected] of [
    [{ kind: "unauthorized", tokenSet: false }, /needs a team token/],
    [{ kind: "unauthorized", tokenSet: true }, /refused the team token/],
    [{ kind: "starting", message: "The model is still loading" }, /still starting/],
    [{ kind: "busy", message: "busy" }, /busy with other articles/],
    [{ kind: "model-unavailable", message: "The model could not be loaded: bad file. Restart it." },
      /cannot check articles\. It says: The model could not be loaded: bad file\. Restart it\./],
    [{ kind: "not-found", status: 404, message: "No Telltale server at this address; check the Server URL in Settings.",
      serverUrl: "http://127.0.0.1:8765/v2" },
    /^No Telltale server at http:\/\/127\.0\.0\.1:8765\/v2; check the Server URL in Settings\.$/],
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
    ? doneState({ error: { kind: "too-large", message: "x" }, refusedParts: 1, unsentParts: 0, totalParts: 3 })
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.ok(!doc.getElementById("summary").hidden);
  assert.ok(!doc.getElementById("error").hidden);
  assert.equal(doc.getElementById("error").className, "error");
  assert.match(doc.getElementById("error").textContent, /^1 of 3 parts of the article could not be checked; the marks are for the 2 parts checked\./);
  // The last part refused as not English: a plain note beside the results, not an alert.
  // (A refusal before the last part, with the rest not sent: content-popup.test.js.)
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? doneState({ error: { kind: "language", message: "x" }, refusedParts: 1, unsentParts: 0, totalParts: 3 })
    : { ok: true });
  const other = await loadExtensionPage("popup", { query: "?tab=1" });
  const box = other.getElementById("error");
  assert.ok(!box.hidden);
  assert.equal(box.className, "note");
  assert.equal(box.getAttribute("role"), null);
  assert.equal(box.textContent, "1 of 3 parts of the article is not in English and was not checked; the marks are for the 2 parts checked.");
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

test("a redirect from the server is shown like other server errors, with what to do", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state"
    ? { status: "error", host: "news.test", error: { kind: "server", message: REDIRECT_MESSAGE, status: 307, serverUrl: "https://t.example" } }
    : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.ok(!doc.getElementById("error").hidden);
  assert.match(doc.getElementById("error").textContent,
    /could not check this article: The server answered with a redirect to another address; Telltale does not follow redirects\. Check the Server URL in Settings\./);
});

test("an editor page says why nothing is read", async () => {
  ext.onTabMessage = (m) => (m.type === "get-state" ? { status: "no-article", editor: true, host: "news.test" } : { ok: true });
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.match(doc.getElementById("status").textContent, /an editor, not an article: Telltale does not read what you write/);
  ext.onTabMessage = (m) => (m.type === "get-state" ? { status: "no-article", host: "news.test" } : { ok: true });
  const other = await loadExtensionPage("popup", { query: "?tab=1" });
  assert.match(other.getElementById("status").textContent, /No article found on this page\. Rescan checks the text on the page anyway\./);
});

// The buttons. The fake tab answers as the content script would: paused while its host is on
// the stored skip list (it reads the storage change), its marks shown or hidden on a toggle.

/** Until `ok()` holds (the popup reacts after a delay), or fail after `timeout` ms. */
async function until(ok, what, timeout = 2000) {
  const end = Date.now() + timeout;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`never: ${what}`);
    await settle(10);
  }
}

function fakeTab(host = "news.test") {
  const tab = { visible: true };
  ext.tabMessages.length = 0;
  ext.onTabMessage = (m) => {
    if (m.type === "toggle-highlights") {
      tab.visible = !tab.visible;
      return { visible: tab.visible };
    }
    if (m.type !== "get-state") return { ok: true };
    const paused = isSkipped(host, ext.storage.sync.data.skipSites); // the content script's own rule
    return paused ? { status: "paused", host } : doneState({ host, highlightsVisible: tab.visible });
  };
  return tab;
}

test("Pause on this site adds the host to the skip list; Resume takes it off again", async () => {
  ext.storage.sync.data.skipSites = ["other.test"];
  fakeTab();
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const pause = doc.getElementById("pause");
  assert.equal(pause.textContent, "Pause on this site");
  pause.click();
  await until(() => (ext.storage.sync.data.skipSites || []).includes("news.test"), "paused");
  assert.deepEqual(ext.storage.sync.data.skipSites, ["other.test", "news.test"]);
  await until(() => pause.textContent === "Resume on this site", "the label changes");
  assert.match(doc.getElementById("status").textContent, /Paused on news\.test/);
  assert.ok(doc.getElementById("summary").hidden);

  pause.click();
  await until(() => !ext.storage.sync.data.skipSites.includes("news.test"), "resumed");
  assert.deepEqual(ext.storage.sync.data.skipSites, ["other.test"], "other sites stay paused");
  await until(() => pause.textContent === "Pause on this site", "the label changes back");
  assert.ok(!doc.getElementById("summary").hidden);
  assert.deepEqual(ext.tabMessages.filter((m) => m.type !== "get-state"), [], "the tab reads the storage; no message");
});

test("Resume on a subdomain of a paused site takes the paused name off", async () => {
  ext.storage.sync.data.skipSites = ["news.test", "other.test"];
  fakeTab("www.news.test");
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const pause = doc.getElementById("pause");
  assert.equal(pause.textContent, "Resume on this site");
  pause.click();
  await until(() => pause.textContent === "Pause on this site", "resumed");
  assert.deepEqual(ext.storage.sync.data.skipSites, ["other.test"]);
});

test("setSitePaused: the host is tidied, added once, and removed with the names that cover it", async () => {
  ext.storage.sync.data.skipSites = [];
  await setSitePaused("News.Test", true);
  await setSitePaused("news.test", true);
  assert.deepEqual(ext.storage.sync.data.skipSites, ["news.test"]);
  ext.storage.sync.data.skipSites = ["test", "news.test", "www.news.test", "other.test"];
  await setSitePaused("www.news.test", false);
  assert.deepEqual(ext.storage.sync.data.skipSites, ["other.test"]);
});

test("Rescan asks the tab to check the page again and shows the new state", async () => {
  fakeTab();
  ext.storage.sync.data.skipSites = [];
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const rescan = doc.getElementById("rescan");
  assert.ok(!rescan.disabled);
  let rescans = 0;
  ext.onTabMessage = (m) => {
    if (m.type === "rescan") rescans++;
    return m.type === "get-state" ? doneState({ counts: { ...doneState().counts, paragraphs: rescans ? 9 : 5 } }) : { ok: true };
  };
  ext.tabMessages.length = 0;
  rescan.click();
  await until(() => doc.querySelector("dd[data-count='Paragraphs checked']").textContent === "9", "the new state");
  assert.deepEqual(ext.tabMessages[0], { type: "rescan" });
  assert.equal(rescans, 1);
});

test("Hide highlights hides them in the tab; the button then offers to show them", async () => {
  const tab = fakeTab();
  ext.storage.sync.data.skipSites = [];
  const doc = await loadExtensionPage("popup", { query: "?tab=1" });
  const toggle = doc.getElementById("toggle");
  assert.ok(!toggle.hidden);
  assert.equal(toggle.textContent, "Hide highlights");
  toggle.click();
  await until(() => toggle.textContent === "Show highlights", "the label changes");
  assert.deepEqual(ext.tabMessages.filter((m) => m.type === "toggle-highlights"), [{ type: "toggle-highlights" }]);
  assert.equal(tab.visible, false);
  toggle.click();
  await until(() => toggle.textContent === "Hide highlights", "the label changes back");
  assert.equal(tab.visible, true);
});
