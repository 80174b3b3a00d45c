import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { articleElement, articleStillThere, fingerprint, PageWatch, sameDocument, SettleTimer } from "../src/content/changes.js";
import { buildTextIndex } from "../src/anchoring/text-index.js";
import { locateParagraphs } from "../src/content/mapping.js";

test("a page that changes all the time is still checked, at the latest after the maximum wait", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let checks = 0;
    const timer = new SettleTimer(() => checks++, { settleMs: 1200, maxWaitMs: 5000 });
    for (let t = 0; t < 12000; t += 1000) { // a change every second: never 1.2 s of quiet
      timer.poke();
      mock.timers.tick(1000);
    }
    assert.ok(checks >= 2, `checked ${checks} times in 12 s`);
    checks = 0;
    mock.timers.tick(1200); // quiet now: checked once more, then no more
    mock.timers.tick(10000);
    assert.equal(checks, 1);
  } finally {
    mock.timers.reset();
  }
});

test("a URL change is looked at sooner than a mere change", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let checks = 0;
    const timer = new SettleTimer(() => checks++, { settleMs: 1200, maxWaitMs: 5000 });
    timer.poke(300);
    mock.timers.tick(300);
    assert.equal(checks, 1);
  } finally {
    mock.timers.reset();
  }
});

test("cheap checks: same document but for the fragment; the scanned article still on the page", () => {
  assert.ok(sameDocument("https://a.test/story#comments", "https://a.test/story"));
  assert.ok(!sameDocument("https://a.test/story/2", "https://a.test/story/1"));
  const text = "Live: 12:01 Markets up. First paragraph here. Second one too. Most read";
  assert.ok(articleStillThere(text, ["First paragraph here.", "Second one too."]));
  assert.ok(!articleStillThere(text, ["First paragraph here.", "A paragraph that went."]));
  assert.ok(!articleStillThere(text, []));
});

test("fingerprints tell texts apart without keeping them", () => {
  const text = "Markets 1: the index rose. ".repeat(1000);
  assert.equal(fingerprint(text), fingerprint(`${text}`));
  assert.notEqual(fingerprint(text), fingerprint(text.replace("Markets 1", "Markets 2")), "same length, other text");
  assert.ok(fingerprint(text).length < 20);
});

test("the page watch: no change, a change beside the article, a change inside it", () => {
  const doc = new JSDOM(`<body><div id="ticker">Markets 1</div><main><article>
    <p>First paragraph of the story.</p><p>Second paragraph of the story.</p></article></main></body>`).window.document;
  const paragraphs = ["First paragraph of the story.", "Second paragraph of the story."];
  const index = buildTextIndex(doc.body);
  const element = articleElement(index, locateParagraphs(index, paragraphs));
  assert.equal(element, doc.querySelector("article"));
  const watch = new PageWatch(doc);
  watch.notePage();
  watch.noteArticle(element);
  assert.ok(JSON.stringify({ page: watch.page, print: watch.article.print }).length < 60, "fingerprints, not the text");
  assert.equal(watch.pageChanged(), false);
  doc.getElementById("ticker").textContent = "Markets 2";
  assert.equal(watch.pageChanged(), true);
  assert.equal(watch.articleChanged(), false, "a change beside the article");
  assert.equal(watch.pageChanged(), false, "looked at already");
  doc.querySelector("article").append(Object.assign(doc.createElement("p"), { textContent: "A third paragraph arrives." }));
  assert.equal(watch.pageChanged(), true);
  assert.equal(watch.articleChanged(), true, "a paragraph added to the article");
  watch.noteArticle(element);
  assert.equal(watch.articleChanged(), false);
  doc.querySelector("article").remove();
  assert.equal(watch.articleChanged(), true, "the article's element left the page");
  // A lone paragraph: its parent holds the article, so a paragraph added beside it is inside.
  const one = new JSDOM("<body><div id=story><p>Only paragraph of the story.</p></div></body>").window.document;
  const i1 = buildTextIndex(one.body);
  assert.equal(articleElement(i1, locateParagraphs(i1, ["Only paragraph of the story."])), one.getElementById("story"));
  assert.equal(articleElement(i1, [null]), null);
});
