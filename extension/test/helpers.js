// Shared helpers for the unit tests: saved pages loaded into jsdom.
import { JSDOM } from "jsdom";
import { buildTextIndex } from "../src/anchoring/text-index.js";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PAGES = join(dirname(fileURLToPath(import.meta.url)), "pages");

export function loadPage(name) {
  const html = readFileSync(join(PAGES, `${name}.html`), "utf8");
  return new JSDOM(html, { url: `http://news.test/${name}` }).window.document;
}

export function fromHtml(html) {
  return new JSDOM(html, { url: "http://news.test/" }).window.document;
}

/** Naive sentence offsets inside a paragraph (stand-in for the server's segmentation). */
export function sentencesOf(paragraph) {
  const out = [];
  const re = /[^.!?]+(?:[.!?]+["”]?|$)/g;
  for (let m = re.exec(paragraph); m; m = re.exec(paragraph)) {
    const lead = m[0].length - m[0].trimStart().length;
    const text = m[0].trim();
    if (!text) continue;
    const start = m.index + lead;
    out.push({ start, end: start + text.length, text });
  }
  return out;
}

/** The text of a DOM range as the page index reads it (a <br> counts as a space). */
export function rangeText(range) {
  const box = range.startContainer.ownerDocument.createElement("div");
  box.append(range.cloneContents());
  return buildTextIndex(box).text;
}
