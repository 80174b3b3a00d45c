import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTextIndex } from "../src/anchoring/text-index.js";
import { extractArticle } from "../src/content/extract.js";
import { anchorSentences, firstParagraphInView, locateParagraphs } from "../src/content/mapping.js";
import { loadPage, rangeText, sentencesOf } from "./helpers.js";

function anchorAll(doc, paragraphs, selectors) {
  const index = buildTextIndex(doc.body);
  let missed = 0;
  const found = [];
  paragraphs.forEach((para, i) => {
    const items = sentencesOf(para).map((sentence) => ({ sentence }));
    const r = anchorSentences(index, selectors[i], para, items);
    missed += r.missed.length;
    for (const { item, range } of r.anchored) found.push({ text: item.sentence.text, range });
  });
  return { found, missed };
}

for (const name of ["tricky-markup", "garbled-article", "clean-article"]) {
  test(`${name}: every extracted paragraph is located on the live page and every sentence anchors`, () => {
    const doc = loadPage(name);
    const { paragraphs } = extractArticle(doc);
    const selectors = locateParagraphs(buildTextIndex(doc.body), paragraphs);
    assert.ok(selectors.every(Boolean), "a paragraph could not be located");
    const { found, missed } = anchorAll(doc, paragraphs, selectors);
    assert.equal(missed, 0);
    for (const { text, range } of found) assert.equal(rangeText(range), text);
  });
}

test("sentences still anchor after the page inserts content and re-indents (quote fallback)", () => {
  const doc = loadPage("garbled-article");
  const { paragraphs } = extractArticle(doc);
  const selectors = locateParagraphs(buildTextIndex(doc.body), paragraphs);
  // The site adds a live-update box at the top of the article and reflows a paragraph's markup.
  doc.querySelector("article h1").insertAdjacentHTML("afterend", "<div><p>Live: ministers have left the building, our correspondent reports.</p></div>");
  const p = doc.querySelectorAll("[data-kind]")[3];
  p.innerHTML = p.innerHTML.replace(/ /g, "\n      ").replace("sanctions", "<a href='#'>sanctions</a>");
  const { found, missed } = anchorAll(doc, paragraphs, selectors);
  assert.equal(missed, 0);
  for (const { text, range } of found) assert.equal(rangeText(range), text);
});

test("a sentence removed from the page is counted as missed, never placed elsewhere", () => {
  const doc = loadPage("garbled-article");
  const { paragraphs } = extractArticle(doc);
  const selectors = locateParagraphs(buildTextIndex(doc.body), paragraphs);
  doc.querySelectorAll("[data-kind]")[5].remove();
  const { found, missed } = anchorAll(doc, paragraphs, selectors);
  assert.equal(missed, sentencesOf(paragraphs[5]).length);
  assert.ok(found.every(({ text }) => !paragraphs[5].includes(text)));
});

test("a duplicated sentence anchors to its own paragraph, not the first copy", () => {
  const doc = loadPage("clean-article");
  const repeated = "Officials said the figures were encouraging.";
  const ps = doc.querySelectorAll("[data-kind]");
  ps[1].append(" " + repeated);
  ps[4].append(" " + repeated);
  const { paragraphs } = extractArticle(doc);
  const selectors = locateParagraphs(buildTextIndex(doc.body), paragraphs);
  const index = buildTextIndex(doc.body);
  const para = paragraphs[4];
  const sentence = sentencesOf(para).find((s) => s.text === repeated);
  const { anchored } = anchorSentences(index, selectors[4], para, [{ sentence }]);
  assert.equal(anchored.length, 1);
  assert.ok(ps[4].contains(anchored[0].range.startContainer));
});

test("without layout (jsdom) no paragraph counts as in view, so chunks keep document order", () => {
  const doc = loadPage("garbled-article");
  const { paragraphs } = extractArticle(doc);
  const index = buildTextIndex(doc.body);
  assert.equal(firstParagraphInView(index, locateParagraphs(index, paragraphs)), -1);
  assert.equal(firstParagraphInView(index, [null, null]), -1);
});
