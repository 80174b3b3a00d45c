import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTextIndex, normalizeText, rangeFromOffsets } from "../src/anchoring/text-index.js";
import { matchQuote } from "../src/anchoring/match-quote.js";
import { anchor, describe, locate } from "../src/anchoring/anchor.js";
import { fromHtml } from "./helpers.js";

test("text index: whitespace collapses and block boundaries separate words", () => {
  const doc = fromHtml("<body><p>One\n   two</p><p>three<br>four <b>fi</b>ve</p><script>x()</script><style>p{}</style></body>");
  const index = buildTextIndex(doc.body);
  assert.equal(index.text, "One two three four five");
  assert.equal(normalizeText("  One\n\t two\u00a0 three "), "One two three");
});

test("text index: offsets map back to DOM ranges with the same text", () => {
  const doc = fromHtml("<body><div>\n  <p>Alpha <em>beta</em> gamma.</p>\n  <p>Delta epsilon.</p></div></body>");
  const index = buildTextIndex(doc.body);
  for (const word of ["Alpha beta", "beta gamma.", "gamma. Delta", "epsilon."]) {
    const start = index.text.indexOf(word);
    const range = rangeFromOffsets(index, start, start + word.length);
    assert.equal(normalizeText(range.toString()), word);
  }
  assert.equal(rangeFromOffsets(index, 5, 5), null);
  assert.equal(rangeFromOffsets(index, 0, index.text.length + 1), null);
});

test("matchQuote: exact, fuzzy, and null when the quote is not there", () => {
  const text = "The minister said the talks were frank. The talks will resume in June.";
  assert.deepEqual({ ...matchQuote(text, "talks will resume") }.start, text.indexOf("talks will resume"));
  const fuzzy = matchQuote(text, "The talks wil resume in Jne.");
  assert.ok(fuzzy && fuzzy.errors > 0);
  assert.equal(text.slice(fuzzy.start, fuzzy.end).startsWith("The talks wi"), true);
  assert.equal(matchQuote(text, "Completely different sentence here."), null);
  assert.equal(matchQuote(text, ""), null);
});

test("matchQuote: prefix and suffix pick the right one of two identical quotes", () => {
  const text = "First: the vote was close. Later: the vote was close. End.";
  const second = text.lastIndexOf("the vote was close.");
  const m = matchQuote(text, "the vote was close.", { prefix: "Later: ", suffix: " End." });
  assert.equal(m.start, second);
  const first = matchQuote(text, "the vote was close.", { prefix: "First: " });
  assert.equal(first.start, text.indexOf("the vote was close."));
});

test("anchor: position first, quote when the page moved, null when the text is gone", () => {
  const doc = fromHtml("<body><p>Intro text here.</p><p>The flagged sentence is this one. And more.</p></body>");
  let index = buildTextIndex(doc.body);
  const start = index.text.indexOf("The flagged");
  const selector = describe(index.text, start, start + "The flagged sentence is this one.".length);
  assert.equal(locate(index.text, selector).method, "position");
  assert.equal(anchor(index, selector).toString(), "The flagged sentence is this one.");

  doc.body.insertAdjacentHTML("afterbegin", "<p>Breaking: a new paragraph pushed everything down.</p>");
  index = buildTextIndex(doc.body);
  assert.equal(locate(index.text, selector).method, "quote");
  assert.equal(anchor(index, selector).toString(), "The flagged sentence is this one.");

  doc.querySelectorAll("p")[2].textContent = "Rewritten entirely by the site.";
  index = buildTextIndex(doc.body);
  assert.equal(anchor(index, selector), null);
});
