// What the user writes in a web editor stays on the page: extraction leaves editable regions
// out, an editor page has no article, and typing starts no automatic check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractArticle } from "../src/content/extract.js";
import { EDITABLE, isEditable, isEditorPage, isTyping } from "../src/content/editable.js";
import { PAGES, loadPage } from "./helpers.js";
import { fakeScore, finished, installFakeExt, loadContentScript, settle, stateWhen as stateOf } from "./fake-ext.js";

const ext = installFakeExt();

const DRAFT = "My private draft reply that nobody else should ever read before I post it.";
const DRAFT_MORE = "A second sentence of the draft, typed a moment later by the same user.";

/** The clean article page with `html` put into its <article> (after the last paragraph). */
function articleWith(html, url = "http://news.test/clean-article") {
  const dom = new JSDOM(readFileSync(join(PAGES, "clean-article.html"), "utf8"), { url });
  dom.window.document.querySelector("article").insertAdjacentHTML("beforeend", html);
  return dom;
}

const setDesignMode = (doc, value) => Object.defineProperty(doc, "designMode", { value, configurable: true });

test("extraction leaves out contenteditable regions, text fields and what was typed into them", () => {
  const doc = articleWith(`<div class="reply" contenteditable="true"><p>${DRAFT}</p><p>${DRAFT_MORE}</p></div>`
    + `<form><textarea name="c">A comment typed into the plain text box below the story.</textarea>`
    + `<input name="n" value="A name typed into the field of the comment form."></form>`).window.document;
  const live = doc.querySelector("textarea");
  live.value = "What the user typed into the text box after the page loaded.";
  const before = doc.documentElement.outerHTML;
  for (const quickCheck of [false, true]) {
    const { paragraphs } = extractArticle(doc, { quickCheck });
    const all = paragraphs.join("\n");
    for (const written of [DRAFT, DRAFT_MORE, "comment typed", "name typed", "typed into the text box"]) {
      assert.ok(!all.includes(written), `"${written}" was extracted`);
    }
    assert.equal(paragraphs.length, 7, "the article's own paragraphs are all there");
  }
  assert.equal(doc.documentElement.outerHTML, before, "the live page is not modified");
});

test("contenteditable='false' is not an editor; an island of it inside an editor is left out with the editor", () => {
  const doc = loadPage("clean-article");
  doc.querySelector("article").setAttribute("contenteditable", "false");
  assert.equal(extractArticle(doc).paragraphs.length, 7);
  const island = articleWith(`<div contenteditable><p contenteditable="false">${DRAFT}</p></div>`).window.document;
  assert.ok(!extractArticle(island).paragraphs.join("\n").includes(DRAFT));
  assert.equal(isEditable(island.querySelector("[contenteditable] > p").firstChild), false, "the island itself is not editable");
  assert.ok(isEditable(island.querySelector("[contenteditable]")));
});

test("an editor page has no article: designMode, an editable body, or an editor holding most of the text", () => {
  const design = loadPage("clean-article");
  setDesignMode(design, "on");
  assert.ok(isEditorPage(design));
  assert.equal(extractArticle(design), null);
  assert.equal(extractArticle(design, { quickCheck: true }), null);

  const body = loadPage("clean-article");
  body.body.setAttribute("contenteditable", "");
  assert.ok(isEditorPage(body));
  assert.equal(extractArticle(body), null);

  // A web editor: a toolbar and a help line around the document the user writes.
  const editor = new JSDOM(`<!doctype html><html lang="en"><head><title>Editing: my post</title></head><body>
    <nav><a href="/">Dashboard</a> <a href="/posts">Posts</a></nav>
    <p class="help">Write your post below. Drafts are saved every minute while you write.</p>
    <main><div class="editor" contenteditable="true">${`<p>${DRAFT} ${DRAFT_MORE}</p>`.repeat(6)}</div></main>
    </body></html>`, { url: "http://cms.test/edit/1" }).window.document;
  assert.ok(isEditorPage(editor));
  assert.equal(extractArticle(editor), null);

  // A news page with a comment box (even one with a draft in it) is an article page.
  const news = articleWith(`<textarea>${DRAFT}</textarea><div contenteditable>${DRAFT}</div>`).window.document;
  news.querySelector("textarea").value = DRAFT.repeat(3);
  assert.ok(!isEditorPage(news));
  const hidden = articleWith(`<input type="hidden" value="${"x".repeat(20000)}">`).window.document;
  assert.ok(!isEditorPage(hidden), "a hidden field's value is not writing");
});

test("typing: the focused element is a text field or inside an editor", () => {
  const doc = articleWith(`<div contenteditable><p>${DRAFT}</p></div><input type="checkbox"><input type="search"><button>Post</button>`).window.document;
  assert.ok(!isTyping(doc));
  doc.querySelector("[contenteditable]").focus();
  assert.ok(isTyping(doc));
  doc.querySelector("input[type=search]").focus();
  assert.ok(isTyping(doc));
  doc.querySelector("input[type=checkbox]").focus();
  assert.ok(!isTyping(doc));
  doc.querySelector("button").focus();
  assert.ok(!isTyping(doc));
});

// The content script in auto mode, with the fake server.

const scores = () => ext.sent.filter((m) => m.type === "score");
const sentText = () => scores().flatMap((m) => m.paragraphs).join("\n");

function reset(sync = {}) {
  ext.sent.length = 0;
  ext.storage.sync.data = Object.assign(ext.storage.sync.data, { mode: "auto", threshold: null, skipSites: [] }, sync);
  ext.onSend = (m) => (m.type === "score" ? { ok: true, result: fakeScore(m.paragraphs) } : undefined);
}

const stateWhen = (ok, timeout) => stateOf(ext, ok, timeout);

/** Count Readability runs (each reads a clone of the document). */
function countClones(doc) {
  const counter = { clones: 0 };
  const cloneNode = doc.cloneNode.bind(doc);
  doc.cloneNode = (deep) => { counter.clones++; return cloneNode(deep); };
  return counter;
}

test("auto mode: a draft in an editor inside the article is never sent, and writing in it starts no look", async () => {
  reset();
  const dom = articleWith(`<div class="reply" contenteditable="true"><p>${DRAFT}</p></div>`, "http://news.test/reply");
  const doc = dom.window.document;
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).status, "done");
  assert.ok(sentText().includes("Yukos filed for Chapter 11"));
  assert.ok(!sentText().includes(DRAFT));
  const sent = scores().length;
  const counter = countClones(doc);
  // Writing, as an editor does it: text nodes change, paragraphs are added (no focus needed).
  const reply = doc.querySelector(".reply");
  reply.firstElementChild.firstChild.data += " And more.";
  reply.append(Object.assign(doc.createElement("p"), { textContent: DRAFT_MORE }));
  await settle(1500);
  assert.equal(counter.clones, 0, "no Readability run over the page");
  assert.equal(scores().length, sent, "nothing sent again");
  assert.ok(!sentText().includes(DRAFT_MORE));
});

test("auto mode: while the user types in an editable element the changed article waits; it is sent once they leave", async () => {
  reset();
  const dom = articleWith("", "http://news.test/live-typing");
  const doc = dom.window.document;
  doc.querySelector("main").insertAdjacentHTML("beforeend", `<form><textarea id="comment"></textarea></form>`);
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).status, "done");
  const sent = scores().length;
  const comment = doc.getElementById("comment");
  comment.focus();
  comment.value = DRAFT;
  const update = "Update 14:05: the council has now published the garbled timetable for the new routes.";
  doc.querySelector("article").append(Object.assign(doc.createElement("p"), { textContent: update }));
  await settle(1600);
  assert.equal(scores().length, sent, "no automatic scan while the user types");
  comment.blur();
  await stateWhen((s) => s.status === "done" && scores().length > sent);
  assert.ok(scores().at(-1).paragraphs.includes(update));
  assert.ok(!sentText().includes(DRAFT));
});

test("auto mode: a single-page site's new address while a search box keeps the focus drops the old article at once; its scan waits", async () => {
  reset();
  const dom = new JSDOM(readFileSync(join(PAGES, "garbled-article.html"), "utf8"), { url: "http://news.test/spa/first" });
  const doc = dom.window.document;
  doc.body.insertAdjacentHTML("afterbegin", `<form role="search"><input type="search" id="q"></form>`);
  await loadContentScript(dom);
  const first = await stateWhen(finished);
  assert.equal(first.status, "done");
  assert.ok(first.counts.markedPassages > 0 && doc.querySelectorAll("telltale-mark").length > 0);
  const sent = scores().length;
  // The reader searches: Enter, and the site shows the results page by pushState while the
  // box keeps the focus.
  const box = doc.getElementById("q");
  box.focus();
  box.value = "bridge";
  doc.querySelector("article").replaceChildren(Object.assign(doc.createElement("p"), { textContent: "Results for bridge: 3 stories." }));
  dom.window.history.pushState({}, "", "/spa/search?q=bridge");
  const moved = await stateWhen((s) => s.url.endsWith("/spa/search?q=bridge"));
  assert.equal(moved.status, "idle");
  assert.equal(moved.counts, undefined, "the old article's verdict and counts are gone");
  assert.equal(doc.querySelectorAll("telltale-mark").length, 0, "and its marks");
  const badge = ext.sent.filter((m) => m.type === "tab-state").at(-1);
  assert.deepEqual([badge.status, badge.markedPassages], ["idle", 0], "and the badge's number");
  await settle(400);
  assert.equal(scores().length, sent, "the new page's scan waits while the user types");
  box.blur();
  const after = await stateWhen((s) => finished(s) && s.url.endsWith("/spa/search?q=bridge"));
  assert.notEqual(after.status, "idle", "looked at once the focus left");
  assert.equal(doc.activeElement, doc.body);
});

test("a scan tells an editor page from an article once (the check reads all of the page's text)", async () => {
  reset();
  const dom = articleWith("", "http://news.test/one-check");
  const doc = dom.window.document;
  // The editor check looks for the live page's editable regions (extraction removes them
  // from its clone, whose body is another element).
  const querySelectorAll = doc.body.querySelectorAll.bind(doc.body);
  let checks = 0;
  doc.body.querySelectorAll = (selector) => { if (selector === EDITABLE) checks++; return querySelectorAll(selector); };
  await loadContentScript(dom);
  assert.equal((await stateWhen(finished)).status, "done");
  assert.equal(checks, 1);
  await ext.dispatch({ type: "rescan" });
  assert.equal((await stateWhen((s) => s.status === "done")).status, "done");
  assert.equal(checks, 2, "once more for a rescan");
});

test("an editor page (designMode) sends nothing, automatically or on a click, and says why", async () => {
  reset();
  const dom = articleWith("", "http://news.test/design");
  const doc = dom.window.document;
  setDesignMode(doc, "on");
  await loadContentScript(dom);
  const state = await stateWhen(finished);
  assert.equal(state.status, "no-article");
  assert.equal(state.editor, true);
  doc.querySelector("article p").firstChild.data += " Edited.";
  await settle(1500);
  await ext.dispatch({ type: "rescan" }); // the popup's Rescan
  await settle(50);
  assert.equal((await stateWhen(finished)).status, "no-article");
  assert.equal(scores().length, 0);
});

test("a click on a page with an editor sends the article without what is being written", async () => {
  reset({ mode: "click" });
  const dom = articleWith(`<div contenteditable="plaintext-only">${DRAFT}</div>`, "http://news.test/click-editor");
  dom.window.document.querySelector("[contenteditable]").focus();
  await loadContentScript(dom);
  await stateWhen((s) => s.status === "waiting");
  await ext.dispatch({ type: "rescan" });
  const state = await stateWhen((s) => s.status === "done");
  assert.equal(state.counts.paragraphs, 7);
  assert.ok(!sentText().includes(DRAFT));
});
