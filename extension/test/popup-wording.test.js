// The popup's summary in words: the verdict and the numbers beside it agree, the listed
// passages carry the numbers their tooltips show, the shortcut is named, advice under a
// verdict, a provisional verdict while checking, and the footer's buttons on one row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeExt, loadExtensionPage, settle } from "./fake-ext.js";
import { articleScoreLine } from "../src/popup/wording.js";

const ext = installFakeExt();

const LIKELY = "likely machine-translated or garbled";
const PASSAGES = "some passages look garbled";

function state(extra = {}) {
  return {
    status: "done", host: "news.test", mode: "auto", highlightsVisible: true,
    verdict: PASSAGES, verdictText: "Some passages look garbled", probability: 0.86,
    counts: { paragraphs: 5, flaggedPassages: 1, markedPassages: 1, flaggedSentences: 1, highlighted: 1, unanchored: 0 },
    flagged: [{ passage: 2, probability: 0.62, flagged: true, snippet: "Southern said buses would replace some trains.", markId: 1 }],
    ...extra,
  };
}

async function popupFor(s) {
  ext.onTabMessage = (m) => (m.type === "get-state" ? s : { ok: true });
  return loadExtensionPage("popup", { query: "?tab=1" });
}

const visibleText = (doc, id) => (doc.getElementById(id).hidden ? "" : doc.getElementById(id).textContent);

test("the whole-article score never contradicts the verdict", async () => {
  // "Some passages look garbled" over an article score of 86%: no "Article: 86% likely...".
  let doc = await popupFor(state());
  assert.equal(doc.getElementById("verdict").textContent, "Some passages look garbled");
  assert.equal(visibleText(doc, "probability"), "");
  assert.doesNotMatch(doc.getElementById("summary").textContent, /86%|likely machine-translated/);
  // "No signs" over 58%, the server's article threshold unknown: no number to misread.
  doc = await popupFor(state({ verdict: "no signs", verdictText: "No signs in the article as a whole", probability: 0.58 }));
  assert.equal(visibleText(doc, "probability"), "");
  // With the article threshold known, the score is secondary and explains itself.
  doc = await popupFor(state({ verdict: "no signs", verdictText: "No signs in the article as a whole", probability: 0.58,
    thresholds: { sentence: 0.856, passage: 0.8, article: 0.87 } }));
  assert.equal(visibleText(doc, "probability"), "Whole-article score: 58% (flagged from 87%)");
  // "Likely" rests on the score: shown, capped below 100%.
  doc = await popupFor(state({ verdict: LIKELY, verdictText: "Likely machine-translated or garbled", probability: 1 }));
  assert.equal(visibleText(doc, "probability"), "Whole-article score: 99%");
  assert.doesNotMatch(doc.body.textContent, /100%/);
  // A threshold that disagrees with the verdict (parts merged: the worst part's verdict) hides it.
  assert.equal(articleScoreLine({ verdict: LIKELY, probability: 0.6, thresholds: { article: 0.87 } }), "");
  assert.equal(articleScoreLine({ verdict: LIKELY, probability: 0.9, status: "scoring" }), "Whole-article score so far: 90%");
});

test("a listed passage shows the probability of the sentence it quotes, as its tooltip does", async () => {
  const doc = await popupFor(state({
    flagged: [{
      passage: 2, probability: 0.62, flagged: true, snippet: "Southern said buses would replace some trains. Talks end.", markId: 4,
      sentences: [{ text: "Southern said buses would replace some trains.", probability: 0.86, markId: 4 },
        { text: "Talks end.", probability: 0.9, markId: 5 }],
    }],
  }));
  const button = doc.querySelector("#flagged li button");
  assert.equal(button.querySelector(".prob").textContent, "86%");
  assert.doesNotMatch(button.textContent, /62%/);
  assert.equal(button.textContent, "86%Southern said buses would replace some trains. (and 1 more sentence)");
  ext.tabMessages.length = 0;
  button.click();
  await settle(5);
  assert.deepEqual(ext.tabMessages, [{ type: "scroll-to", markId: 4 }], "the button goes to the sentence it quotes");
});

test("without the sentences' own numbers, a listed passage shows no number rather than the passage's", async () => {
  const doc = await popupFor(state());
  const button = doc.querySelector("#flagged li button");
  assert.equal(button.querySelector(".prob"), null);
  assert.doesNotMatch(button.textContent, /62%/);
  assert.equal(button.textContent, "Southern said buses would replace some trains.");
});

test("with marks on the page the popup names the shortcut to the next flagged sentence", async () => {
  ext.commands.getAll = async () => [{ name: "toggle-highlights", shortcut: "Alt+Shift+H" }, { name: "next-flagged", shortcut: "Alt+Shift+J" }];
  try {
    let doc = await popupFor(state());
    assert.equal(visibleText(doc, "shortcut"), "On the page, Alt+Shift+J moves to the next flagged sentence.");
    assert.ok(!doc.getElementById("jump-hint").hidden);
    assert.equal(doc.querySelectorAll("#flagged li button:not([disabled])").length, 1, "the listed passages are buttons");
    // No marks: no shortcut.
    doc = await popupFor(state({ verdict: "no signs", verdictText: "No signs", flagged: [],
      counts: { paragraphs: 5, flaggedPassages: 0, markedPassages: 0, flaggedSentences: 0, highlighted: 0, unanchored: 0 } }));
    assert.equal(visibleText(doc, "shortcut"), "");
    // A shortcut the user removed is not named.
    ext.commands.getAll = async () => [{ name: "next-flagged", shortcut: "" }];
    doc = await popupFor(state());
    assert.equal(visibleText(doc, "shortcut"), "");
  } finally {
    delete ext.commands.getAll;
  }
  // Without commands.getAll: the manifest's suggestion.
  const manifest = JSON.parse(readFileSync(new URL("../src/manifest.json", import.meta.url), "utf8"));
  ext.runtime.getManifest = () => manifest;
  try {
    const doc = await popupFor(state());
    assert.match(visibleText(doc, "shortcut"), /Alt\+Shift\+J moves to the next flagged sentence/);
  } finally {
    delete ext.runtime.getManifest;
  }
});

test("a flagged verdict says what it means; a clean one needs no advice", async () => {
  let doc = await popupFor(state());
  assert.equal(visibleText(doc, "verdict-advice"), "Highlights are hints, not proof: compare with the original source.");
  doc = await popupFor(state({ verdict: LIKELY, verdictText: "Likely machine-translated or garbled", flagged: [],
    counts: { paragraphs: 5, flaggedPassages: 0, markedPassages: 0, flaggedSentences: 0, highlighted: 0, unanchored: 0 } }));
  assert.equal(visibleText(doc, "verdict-advice"), "This is a hint, not proof: compare with the original source.");
  doc = await popupFor(state({ verdict: "no signs", verdictText: "No signs of machine translation or garbling", flagged: [],
    counts: { paragraphs: 5, flaggedPassages: 0, markedPassages: 0, flaggedSentences: 0, highlighted: 0, unanchored: 0 } }));
  assert.equal(visibleText(doc, "verdict-advice"), "");
});

test("while checking, the verdict is marked provisional, not final", async () => {
  const scoring = state({ status: "scoring", progress: { done: 1, total: 7, paragraphs: 40 } });
  let doc = await popupFor(scoring);
  const verdict = doc.getElementById("verdict");
  assert.equal(verdict.textContent, "Some passages look garbled (so far)");
  assert.equal(verdict.className, "provisional");
  assert.equal(visibleText(doc, "verdict-advice"), "");
  ext.onTabMessage = () => ({ ok: true }); // stop the popup's polling
  doc = await popupFor(state());
  assert.equal(doc.getElementById("verdict").className, "flagged");
  assert.equal(doc.getElementById("verdict").textContent, "Some passages look garbled");
});

test("a server that is not the user's own gets no `make serve` advice", async () => {
  const down = (serverUrl) => popupFor({ status: "error", host: "news.test", error: { kind: "unreachable", message: "x", serverUrl } });
  let doc = await down("https://telltale.team.example");
  let text = doc.getElementById("error").textContent;
  assert.match(text, /Cannot reach the Telltale server at https:\/\/telltale\.team\.example\./);
  assert.match(text, /Check the Server URL in Settings, or ask whoever runs the server/);
  assert.doesNotMatch(text, /make serve|telltale serve/);
  doc = await down("http://127.0.0.1:8765");
  assert.match(doc.getElementById("error").textContent, /Start it in the Telltale folder with make serve \(or telltale serve\)/);
  doc = await down("http://127.0.0.1:9100");
  text = doc.getElementById("error").textContent;
  assert.match(text, /with telltale serve --port 9100 \(make serve starts it at the default address\)/);
});

test("the footer's three buttons fit on one row of the 360 px popup", () => {
  const css = readFileSync(new URL("../src/popup/popup.css", import.meta.url), "utf8").replace(/\/\*[^]*?\*\//g, "");
  /** The declarations of every rule whose selector list holds `selector`, later ones winning. */
  const rule = (selector) => Object.fromEntries([...css.matchAll(/([^{}]+)\{([^}]*)\}/g)]
    .filter(([, sel]) => sel.split(",").map((x) => x.trim()).includes(selector))
    .flatMap(([, , body]) => body.split(";").map((d) => d.split(":").map((x) => x.trim())).filter((d) => d[1])));
  const px = (v) => Number.parseFloat(v);
  const [body, footer, button] = [rule("body"), rule("footer"), rule("footer button")];
  assert.equal(footer["flex-wrap"], "nowrap");
  assert.equal(button["white-space"], "nowrap");
  const fontSize = px(button["font-size"] || body.font.match(/(\d+)px/)[1]);
  const padX = px(button.padding.split(/\s+/)[1]);
  const border = px(button.border);
  // The longest labels shown together, at about 0.54 em a character (system-ui).
  const labels = ["Rescan", "Show highlights", "Pause on this site"];
  const width = labels.reduce((w, label) => w + label.length * 0.54 * fontSize + 2 * padX + 2 * border, 0) + 2 * px(footer.gap);
  const room = px(body.width) - 2 * px(footer.padding.split(/\s+/)[1]);
  assert.ok(width <= room, `${width.toFixed(0)} px of buttons in ${room} px`);
});
