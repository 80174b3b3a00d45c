// The content script as a whole, in jsdom, with the fake WebExtension API and a fake server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PAGES } from "./helpers.js";
import { fakeScore, finished, installFakeExt, loadContentScript, settle, stateWhen as stateOf } from "./fake-ext.js";

const ext = installFakeExt();

function page(name = "garbled-article", url = `http://news.test/${name}`) {
  return new JSDOM(readFileSync(join(PAGES, `${name}.html`), "utf8"), { url });
}

function articlePage(paragraphs, url = "http://news.test/long") {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return new JSDOM(`<!doctype html><html lang="en"><head><title>Inquiry</title></head><body><article><h1>Inquiry</h1>${body}</article></body></html>`, { url });
}

const scores = () => ext.sent.filter((m) => m.type === "score");
const badges = () => ext.sent.filter((m) => m.type === "tab-state");

// The "next flagged sentence" shortcut the background answers with (the browser's, now).
let shortcut = "Alt+Shift+J";

/** Answer score requests with `answer(paragraphs, i)` (default: the fake server), and the shortcut. */
function serve(answer = (paragraphs) => ({ ok: true, result: fakeScore(paragraphs) })) {
  let i = 0;
  ext.onSend = (m) => (m.type === "score" ? answer(m.paragraphs, i++) : m.type === "get-shortcut" ? { shortcut } : undefined);
}

const stateWhen = (ok, timeout) => stateOf(ext, ok, timeout);

function reset(sync = {}) {
  ext.sent.length = 0;
  ext.storage.sync.data = Object.assign(ext.storage.sync.data, { mode: "auto", threshold: null, skipSites: [] }, sync);
  serve();
}

test("a sentence flagged in an unflagged passage is counted on the badge", async () => {
  reset();
  const dom = page();
  await loadContentScript(dom);
  const state = await stateWhen(finished);
  assert.equal(state.status, "done");
  assert.ok(state.counts.markedPassages > 0);
  assert.equal(state.counts.flaggedPassages, 0);
  assert.equal(state.flagged.length, state.counts.markedPassages);
  assert.equal(badges().at(-1).markedPassages, state.counts.markedPassages);
  assert.equal(state.verdictText, "No signs in the article as a whole");
  assert.ok(dom.window.document.querySelectorAll("telltale-mark").length > 0);
  assert.equal(dom.window.document.querySelector("telltale-mark[tabindex]"), null, "wrappers are not focusable");
});

test("an exception while marking ends in an error state, not 'scoring' forever", async () => {
  reset();
  serve((paragraphs) => {
    const result = fakeScore(paragraphs);
    result.passages[1].sentences[0] = { ...result.passages[1].sentences[0], flagged: true, reasons: 5 };
    return { ok: true, result };
  });
  await loadContentScript(page());
  const state = await stateWhen(finished);
  assert.equal(state.status, "error");
  assert.equal(state.error.kind, "extension");
  assert.equal(badges().at(-1).status, "error");
});

test("storage failing ('Extension context invalidated') ends in an error state too", async () => {
  reset();
  const get = ext.storage.sync.get;
  ext.storage.sync.get = async () => { throw new Error("Extension context invalidated."); };
  try {
    await loadContentScript(page());
    const state = await stateWhen(finished);
    assert.equal(state.status, "error");
    assert.equal(state.error.kind, "reloaded");
  } finally {
    ext.storage.sync.get = get;
  }
});

test("click mode: nothing is sent without a click, also after a URL or article change", async () => {
  reset({ mode: "click" });
  const dom = page("garbled-article", "http://news.test/spa/one");
  const doc = dom.window.document;
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).status, "waiting");
  assert.equal(scores().length, 0);
  await ext.dispatch({ type: "rescan" }); // the click (the popup)
  const done = await stateWhen((s) => s.status === "done");
  assert.ok(done.counts.highlighted > 0);
  const sent = scores().length;
  // A settings change (here the sensitivity) shows the result at hand again; it sends nothing.
  ext.storage.sync.data.threshold = 0.95;
  ext.storageChanged({ threshold: { newValue: 0.95 } });
  const strict = await stateWhen((s) => s.status === "done" && s.counts.highlighted === 0);
  assert.equal(strict.serverVerdict, undefined, "no flagged passage either way: the verdicts agree");
  ext.storage.sync.data.threshold = null;
  ext.storageChanged({ threshold: { newValue: null } });
  await stateWhen((s) => s.status === "done" && s.counts.highlighted > 0);
  assert.equal(scores().length, sent);

  // The site swaps the article and pushes a new address.
  const clean = new JSDOM(readFileSync(join(PAGES, "clean-article.html"), "utf8")).window.document;
  doc.querySelector("article").replaceChildren(...[...clean.querySelector("article").childNodes].map((n) => doc.importNode(n, true)));
  dom.window.history.pushState({}, "", "/spa/two");
  const waiting = await stateWhen((s) => s.url.endsWith("/spa/two") && s.status === "waiting");
  assert.equal(waiting.counts, undefined);
  assert.equal(doc.querySelectorAll("telltale-mark").length, 0, "the old article's marks are gone");
  // The next changes of the page send nothing either.
  doc.querySelector("article").append(doc.createElement("p"));
  doc.querySelector("article p").textContent += " Updated.";
  await settle(1600);
  assert.equal(scores().length, sent);
  assert.equal((await ext.dispatch({ type: "get-state" })).status, "waiting");
});

test("a part that fails keeps the marks of the parts that came back", async () => {
  reset();
  const paragraphs = Array.from({ length: 45 }, (_, i) => `Officials in Leeds said on day ${i + 1} that the garbled report ${i + 1} is late.`);
  serve((ps, i) => (i === 1
    ? { ok: false, error: { kind: "too-large", message: "Too large." } }
    : { ok: true, result: fakeScore(ps) }));
  const dom = articlePage(paragraphs);
  await loadContentScript(dom);
  const state = await stateWhen(finished);
  assert.equal(state.status, "done");
  assert.equal(scores().length, 3, "the other parts are still sent");
  assert.equal(state.refusedParts, 1);
  assert.equal(state.unsentParts, 0);
  assert.equal(state.totalParts, 3);
  assert.equal(state.error.kind, "too-large");
  assert.equal(state.counts.highlighted, 25, "marks of parts 1 and 3");
  assert.equal(badges().at(-1).partial, true);

  reset();
  serve((ps, i) => (i === 0 ? { ok: true, result: fakeScore(ps) } : { ok: false, error: { kind: "unreachable", message: "down" } }));
  await loadContentScript(articlePage(paragraphs, "http://news.test/long2"));
  const down = await stateWhen(finished);
  assert.equal(down.status, "done");
  assert.equal(scores().length, 2, "a server that is down is not asked again");
  assert.equal(down.counts.highlighted, 20);
  assert.equal(down.error.kind, "unreachable");
  assert.deepEqual([down.refusedParts, down.unsentParts, down.totalParts], [1, 1, 3]);
});

test("a page that declares another language is not sent on its own; the first refusal stops the rest", async () => {
  const paragraphs = Array.from({ length: 45 }, (_, i) => `Officials in Leeds said on day ${i + 1} that the garbled report ${i + 1} is late.`);
  const withLang = (lang, url) => {
    const dom = articlePage(paragraphs, url);
    if (lang === null) dom.window.document.documentElement.removeAttribute("lang");
    else dom.window.document.documentElement.setAttribute("lang", lang);
    return dom;
  };
  reset();
  await loadContentScript(withLang("fr", "http://news.test/fr"));
  const french = await stateWhen(finished);
  assert.equal(scores().length, 0, "nothing sent");
  assert.equal(french.status, "error", "the state a refusal from the server ends in");
  assert.equal(french.error.kind, "language");
  assert.equal(badges().at(-1).errorKind, "language");

  // A click (Rescan) sends it anyway (the page may say so wrongly); the server's refusal of
  // the first part is the answer for the rest too.
  serve(() => ({ ok: false, error: { kind: "language", message: "Not English." } }));
  await ext.dispatch({ type: "rescan" });
  const refused = await stateWhen((s) => s.status === "error" && scores().length > 0);
  assert.equal(refused.error.kind, "language");
  assert.equal(scores().length, 1, "one part, not all three");

  // Refused after a part came back: the marks stay, the rest is not sent.
  reset();
  serve((ps, i) => (i === 0 ? { ok: true, result: fakeScore(ps) } : { ok: false, error: { kind: "language", message: "Not English." } }));
  await loadContentScript(withLang(null, "http://news.test/mixed"));
  const mixed = await stateWhen(finished);
  assert.equal(mixed.status, "done");
  assert.equal(scores().length, 2);
  assert.equal(mixed.error.kind, "language");
  assert.equal(mixed.counts.highlighted, 20);

  for (const [lang, url] of [[null, "http://news.test/nolang"], ["en-GB", "http://news.test/gb"], ["und", "http://news.test/und"]]) {
    reset();
    await loadContentScript(withLang(lang, url));
    assert.equal((await stateWhen(finished)).status, "done", `lang=${lang}`);
    assert.equal(scores().length, 3, `lang=${lang}: sent as before`);
  }
});

test("screen readers hear once that marks were placed, and how to reach them with the shortcut set now; the focus stays", async () => {
  const status = (doc) => {
    const host = doc.querySelector("telltale-ui");
    return host ? host.shadowRoot.querySelector("[role=status][aria-live=polite]") : null;
  };
  reset();
  const dom = articlePage(Array.from({ length: 6 }, (_, i) => `Officials in Leeds met on day ${i + 1} to discuss the new bridge `
    + `over the river; the council said the ${i % 2 ? "" : "garbled "}plans would be published in the spring.`), "http://news.test/announce");
  const doc = dom.window.document;
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).counts.highlighted, 3);
  await settle(400);
  assert.equal(status(doc).textContent, "Telltale flagged 3 sentences. Press Alt+Shift+J to go to the next one.");
  assert.equal(doc.activeElement, doc.body, "no focus taken");

  // The reader changed the shortcut, then removed it: the announcement follows the browser's.
  for (const [keys, said] of [["Ctrl+Period", "Telltale flagged 3 sentences. Press Ctrl+Period to go to the next one."],
    ["", "Telltale flagged 3 sentences."]]) {
    shortcut = keys;
    try {
      reset();
      const other = articlePage(Array.from({ length: 6 }, (_, i) => `Officials in Leeds met on day ${i + 1} to discuss the new bridge `
        + `over the river; the council said the ${i % 2 ? "" : "garbled "}plans would be published in the spring.`), `http://news.test/announce-${keys}`);
      await loadContentScript(other);
      assert.equal((await stateWhen(finished)).counts.highlighted, 3);
      await settle(400);
      assert.equal(status(other.window.document).textContent, said);
    } finally {
      shortcut = "Alt+Shift+J";
    }
  }

  reset();
  serve((ps) => ({ ok: true, result: fakeScore(ps, () => false) }));
  const clean = page("clean-article", "http://news.test/announce-clean");
  await loadContentScript(clean);
  assert.equal((await stateWhen(finished)).status, "done");
  await settle(400);
  const quiet = status(clean.window.document);
  assert.ok(quiet === null || quiet.textContent === "", "nothing to say without marks");
});

test("a sentence flagged for a cue, not for its low score, is explained by the cue", async () => {
  reset();
  const cue = "Firefighters battled the the flames for hours.";
  serve((ps) => {
    const result = fakeScore(ps, () => false);
    for (const [i, p] of result.passages.entries()) {
      const s = p.sentences.find((x) => x.text === cue);
      if (!s) continue;
      const at = ps[i].indexOf("the the");
      Object.assign(s, { flagged: true, probability: 0.13,
        reasons: [{ type: "classifier", probability: 0.13 }, { type: "doubled_word", spans: [[at, at + 7]] }] });
    }
    return { ok: true, result };
  });
  const dom = articlePage(Array.from({ length: 6 }, (_, i) => `Officials in Leeds met on day ${i + 1} to discuss the new bridge `
    + `over the river and the plans for the spring.${i === 2 ? ` ${cue}` : ""}`), "http://news.test/cue");
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).counts.highlighted, 1);
  const root = dom.window.document.querySelector("telltale-ui").shadowRoot;
  const button = root.querySelector("button");
  const description = root.getElementById(button.getAttribute("aria-describedby")).textContent;
  assert.match(description, /^Flagged: a word is written twice\. The wording alone scores 13%/);
  assert.doesNotMatch(description + button.textContent, /likely/);
});

test("a paragraph over the server's limit goes in parts under it, mapped back", async () => {
  reset();
  const filler = "The committee met again on Tuesday to hear evidence. ";
  const garbled = "This sentence is garbled beyond the others. ";
  // The same sentence twice, in the same words around it, once in each part of the paragraph;
  // the server flags only the second. Where it lands in the paragraph comes from the part's
  // offset: a quote match alone, near the part-relative position, would find the first.
  const long = `${filler.repeat(100)}${garbled}${filler.repeat(400)}${garbled}${filler.repeat(100)}`.trim();
  const closing = "A short closing paragraph follows here.";
  serve((ps, i) => ({ ok: true, result: fakeScore(ps, (t) => i === 1 && /garbled/.test(t)) }));
  const dom = articlePage([long, closing]);
  await loadContentScript(dom);
  const state = await stateWhen(finished);
  assert.equal(state.status, "done", JSON.stringify(state.error));
  const sent = scores().flatMap((m) => m.paragraphs);
  assert.ok(sent.every((p) => p.length <= 20000), sent.map((p) => p.length).join(","));
  assert.equal(sent.join(""), long + closing);
  assert.ok(scores()[1].paragraphs[0].includes("garbled"), "the second part holds the second occurrence");
  assert.equal(state.counts.paragraphs, 2);
  assert.equal(state.counts.highlighted, 1);
  assert.equal(state.counts.unanchored, 0);
  const doc = dom.window.document;
  const mark = doc.querySelector("telltale-mark");
  assert.equal(mark.textContent, garbled.trim());
  const before = doc.createRange();
  before.setStart(doc.querySelector("article p"), 0);
  before.setEndBefore(mark);
  assert.equal(before.toString().length, long.lastIndexOf(garbled), "the second occurrence is marked, not the first");
});

test("a server error stops after the first part: a wrong URL does not get the whole article", async () => {
  reset();
  const paragraphs = Array.from({ length: 45 }, (_, i) => `Officials in Leeds said on day ${i + 1} that report ${i + 1} is late.`);
  serve(() => ({ ok: false, error: { kind: "server", message: "The server answered HTTP 404." } }));
  await loadContentScript(articlePage(paragraphs, "http://news.test/wrong-server"));
  const state = await stateWhen(finished);
  assert.equal(state.status, "error");
  assert.equal(state.error.kind, "server");
  assert.equal(scores().length, 1);
});

test("auto mode: paragraphs added to a scanned article (a live blog) are sent", async () => {
  reset();
  const paragraphs = Array.from({ length: 6 }, (_, i) => `Officials in Leeds met on day ${i + 1} to discuss the new bridge `
    + "over the river; the council said the work would start in the spring and take two years to finish.");
  const dom = articlePage(paragraphs, "http://news.test/live");
  const doc = dom.window.document;
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).status, "done");
  const sent = scores().length;
  const added = ["Update 14:05: the council has now published the garbled plans for the bridge online.",
    "Update 14:30: the first public meeting on the plans will be held next Thursday evening."];
  for (const text of added) doc.querySelector("article").append(Object.assign(doc.createElement("p"), { textContent: text }));
  const state = await stateWhen((s) => s.status === "done" && scores().length > sent);
  const last = scores().at(-1).paragraphs;
  for (const text of added) assert.ok(last.includes(text), `sent: ${JSON.stringify(last)}`);
  assert.ok(state.counts.highlighted > 0, "the added paragraph's flagged sentence is marked");
});

test("click mode: an article that grows keeps its marks and sends nothing", async () => {
  reset({ mode: "click" });
  const paragraphs = ["Officials in Leeds met on Monday to discuss the garbled plans for the bridge.",
    "The council said the work would start in the spring and take two years."];
  const dom = articlePage(paragraphs, "http://news.test/live-click");
  const doc = dom.window.document;
  await loadContentScript(dom);
  await stateWhen((s) => s.status === "waiting");
  await ext.dispatch({ type: "rescan" });
  await stateWhen((s) => s.status === "done");
  const sent = scores().length;
  doc.querySelector("article").append(Object.assign(doc.createElement("p"), { textContent: "Update: a third paragraph arrives later on." }));
  await settle(1600);
  assert.equal(scores().length, sent);
  const state = await ext.dispatch({ type: "get-state" });
  assert.equal(state.status, "done");
  assert.ok(state.counts.highlighted > 0 && doc.querySelectorAll("telltale-mark").length > 0);
});

test("click mode: a settings change after a failed scan sends nothing", async () => {
  reset({ mode: "click" });
  serve(() => ({ ok: false, error: { kind: "unreachable", message: "down" } }));
  await loadContentScript(page("garbled-article", "http://news.test/click-error"));
  await stateWhen((s) => s.status === "waiting");
  await ext.dispatch({ type: "rescan" });
  await stateWhen((s) => s.status === "error");
  const sent = scores().length;
  ext.storage.sync.data.skipSites = ["other.test"]; // e.g. another site paused from its popup
  ext.storageChanged({ skipSites: { newValue: ["other.test"] } });
  await settle(500);
  assert.equal(scores().length, sent, "nothing re-sent without a click");
  assert.notEqual((await ext.dispatch({ type: "get-state" })).status, "scoring");
});

test("a settings change racing a new scan never renders a scan without a result", async () => {
  reset({ mode: "click" });
  const dom = page("garbled-article", "http://news.test/race");
  await loadContentScript(dom);
  await stateWhen((s) => s.status === "waiting");
  await ext.dispatch({ type: "rescan" });
  await stateWhen((s) => s.status === "done");
  // The settings read of the settings change is slow; a rescan (the popup) starts meanwhile
  // and waits for the server.
  const get = ext.storage.sync.get;
  let slowCalled = false;
  ext.storage.sync.get = async function (keys) {
    ext.storage.sync.get = get;
    slowCalled = true;
    await settle(150);
    return get.call(this, keys);
  };
  serve(async (ps) => { await settle(300); return { ok: true, result: fakeScore(ps) }; });
  ext.sent.length = 0;
  ext.storage.sync.data.threshold = 0.6;
  ext.storageChanged({ threshold: { newValue: 0.6 } });
  while (!slowCalled) await settle(10);
  await ext.dispatch({ type: "rescan" });
  await stateWhen((s) => s.status === "scoring");
  const state = await stateWhen((s) => s.status === "done");
  assert.deepEqual(badges().filter((b) => b.status === "error"), [], "no error on the way");
  assert.ok(state.counts.highlighted > 0);
});

test("marks left by an earlier copy of the script are removed; a second copy does not start", async () => {
  reset();
  const dom = page();
  const doc = dom.window.document;
  const p = doc.querySelector("[data-kind]");
  const before = p.innerHTML;
  const old = doc.createElement("telltale-mark");
  old.append(p.firstChild);
  p.prepend(old);
  doc.documentElement.append(doc.createElement("telltale-ui"));
  serve((ps) => ({ ok: true, result: fakeScore(ps, () => false) }));
  await loadContentScript(dom);
  await stateWhen(finished);
  assert.equal(doc.querySelectorAll("telltale-mark, telltale-ui").length, 0);
  assert.equal(p.innerHTML, before);
  const sent = scores().length;
  await loadContentScript(dom); // injected again into the same page
  await settle(50);
  assert.equal(scores().length, sent);
});

/** A fresh page of `name` at `url`, scanned to the end: its dom, document and requests so far. */
async function scannedPage(name, url) {
  reset();
  const dom = page(name, url);
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).status, "done");
  return { dom, doc: dom.window.document, sent: scores().length };
}

test("auto mode: a single-page site's new article and address get a new scan", async () => {
  const { dom, doc, sent } = await scannedPage("clean-article", "http://news.test/spa?x");
  const garbled = new JSDOM(readFileSync(join(PAGES, "garbled-article.html"), "utf8")).window.document;
  doc.querySelector("article").replaceChildren(...[...garbled.querySelector("article").childNodes].map((n) => doc.importNode(n, true)));
  dom.window.history.pushState({}, "", "/story/grain-talks");
  const state = await stateWhen((s) => s.url.endsWith("/story/grain-talks") && s.status === "done");
  assert.ok(scores().length > sent);
  assert.ok(state.counts.markedPassages > 0);
});

test("a live ticker beside the article starts no new scan, nor a Readability run", async () => {
  const { doc, sent } = await scannedPage("garbled-article", "http://news.test/ticker");
  let clones = 0; // Readability reads a clone of the document
  const cloneNode = doc.cloneNode.bind(doc);
  doc.cloneNode = (deep) => { clones++; return cloneNode(deep); };
  let walkers = 0; // a text index of the page walks it
  const createTreeWalker = doc.createTreeWalker.bind(doc);
  doc.createTreeWalker = (...args) => { walkers++; return createTreeWalker(...args); };
  const ticker = doc.createElement("div");
  doc.body.prepend(ticker);
  for (let i = 0; i < 3; i++) {
    ticker.textContent = `Markets ${i}: the index rose by ${i} points in early trading today.`;
    await settle(1300);
  }
  assert.equal(scores().length, sent);
  assert.equal(clones, 0, "the cheap check saw the article still there");
  assert.equal(walkers, 0, "nor a text index of the whole page");
  assert.equal((await ext.dispatch({ type: "get-state" })).status, "done");
});

test("back from the back/forward cache, the badge is sent again", async () => {
  reset();
  const dom = page("garbled-article", "http://news.test/bfcache");
  await loadContentScript(dom);
  const state = await stateWhen(finished);
  ext.sent.length = 0;
  const event = new dom.window.Event("pageshow");
  Object.defineProperty(event, "persisted", { value: true });
  dom.window.dispatchEvent(event);
  assert.equal(badges().at(-1).markedPassages, state.counts.markedPassages);
});

test("an orphaned copy (the extension was reloaded) removes its own marks and stops", async () => {
  reset();
  const dom = page("garbled-article", "http://news.test/orphan");
  const doc = dom.window.document;
  await loadContentScript(dom);
  await stateWhen(finished);
  assert.ok(doc.querySelectorAll("telltale-mark").length > 0);
  ext.runtime.id = undefined;
  try {
    doc.body.append(doc.createElement("p"));
    await settle(1400);
    assert.equal(doc.querySelectorAll("telltale-mark").length, 0);
    const sent = ext.sent.length;
    doc.body.append("More text arrives.");
    await settle(1400);
    assert.equal(ext.sent.length, sent, "nothing more is tried");
  } finally {
    ext.runtime.id = "fake";
  }
});

test("the popup's list gets each highlighted sentence with its own number and mark, and the server's thresholds", async () => {
  reset();
  await loadContentScript(page());
  const state = await stateWhen(finished);
  assert.equal(state.status, "done");
  const item = state.flagged[0];
  assert.ok(item.sentences.length > 0);
  for (const s of item.sentences) {
    assert.equal(typeof s.text, "string");
    assert.ok(s.probability > 0 && s.probability <= 1);
  }
  const marked = item.sentences.filter((s) => s.markId != null);
  assert.ok(marked.length > 0, "no listed sentence knows its mark");
  assert.equal(marked[0].markId, item.markId); // the first mark of the passage is its first marked sentence's
  assert.equal(new Set(marked.map((s) => s.markId)).size, marked.length);
  assert.deepEqual(state.thresholds, fakeScore(["x"]).thresholds);
});
