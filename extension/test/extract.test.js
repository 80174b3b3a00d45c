import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractArticle } from "../src/content/extract.js";
import { normalizeText } from "../src/anchoring/text-index.js";
import { PAGES, loadPage } from "./helpers.js";

test("tricky markup: paragraphs as expected (whitespace, inline tags, <br>, lists, hidden, scripts)", () => {
  const expected = JSON.parse(readFileSync(join(PAGES, "tricky-markup.expected.json"), "utf8"));
  const article = extractArticle(loadPage("tricky-markup"));
  assert.deepEqual(article.paragraphs, expected.paragraphs);
  assert.equal(article.title, "Port authority approves dredging plan");
});

for (const name of ["garbled-article", "clean-article"]) {
  test(`${name}: exactly the article's paragraphs, in order, nothing from the page around it`, () => {
    const doc = loadPage(name);
    const expected = [...doc.querySelectorAll("[data-kind]")].map((p) => normalizeText(p.textContent));
    const article = extractArticle(doc);
    assert.deepEqual(article.paragraphs, expected);
    const all = article.paragraphs.join("\n");
    for (const outside of ["Most read", "Advertisement", "Harbour Ledger", "Ferry timetable", "By "]) {
      assert.ok(!all.includes(outside), `"${outside}" leaked into the article`);
    }
  });
}

test("extraction works on a clone: the live document is not modified", () => {
  const doc = loadPage("garbled-article");
  const before = doc.documentElement.outerHTML;
  extractArticle(doc);
  assert.equal(doc.documentElement.outerHTML, before);
});

test("a page without an article gives null", () => {
  const doc = loadPage("tricky-markup");
  doc.body.innerHTML = "<nav><a href='/'>Home</a></nav>";
  assert.equal(extractArticle(doc), null);
});

test("quick check: saved articles pass Readability's reader test, a link list does not", () => {
  for (const name of ["tricky-markup", "garbled-article", "clean-article"]) {
    assert.ok(extractArticle(loadPage(name), { quickCheck: true }), name);
  }
  const doc = loadPage("clean-article");
  doc.querySelector("article").innerHTML = "<ul>" + "<li><a href='#'>Result</a></li>".repeat(30) + "</ul>";
  assert.equal(extractArticle(doc, { quickCheck: true }), null);
});
