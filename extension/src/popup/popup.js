// The toolbar popup: the verdict and counts for the current tab, the flagged passages
// (click scrolls to one), rescan, pause on this site, and what to do when the server is
// down. It asks the tab's content script for its state; all text goes in as textContent.

import { ext } from "../shared/ext.js";
import { verdictNote, verdictTone } from "../shared/describe.js";
import { hostPattern, loadSettings, setSitePaused } from "../shared/settings.js";
import { NOT_ENGLISH, modelUnavailable, notFound, partialNote, serverDown, timedOut, unreachable } from "../shared/notices.js";
import { nextFlaggedShortcut } from "../shared/shortcut.js";
import { articleScoreLine, listedPassage, verdictAdvice } from "./wording.js";

const $ = (id) => document.getElementById(id);
let tabId = null;
let lastState = null;
let pollTimer = 0;
let startedOnClick = false;
let shortcut = "";

async function currentTabId() {
  // ?tab=<id> lets the popup page be opened as a tab for a given page (tests, debugging).
  const param = new URLSearchParams(location.search).get("tab");
  if (param) return Number(param);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : null;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function para(text, cls) {
  const p = document.createElement("p");
  if (cls) p.className = cls;
  p.textContent = text;
  return p;
}

// What to tell the user per kind of error (background/api.js). The server's own message is
// shown only where it helps a reader of a web page (limits, a broken model), not where it is
// advice for the Python library's users.
const ERROR_TEXT = {
  "not-found": (e) => notFound(e.serverUrl),
  empty: () => "Telltale found no text to check in this article.",
  "too-large": (e) => `This article is larger than the server accepts. ${e.message}`,
  starting: () => "The Telltale server is still starting (loading its model). Press Rescan in a few seconds.",
  busy: () => "The Telltale server is busy with other articles. Press Rescan in a moment.",
  // The server's own message: what failed, and that it needs a restart.
  "model-unavailable": (e) => (e.message
    ? `The Telltale server cannot check articles. It says: ${e.message}`
    : modelUnavailable(e.serverUrl)),
  // Telltale itself failed here (not the server): the page may be unusual; a reload helps.
  extension: (e) => `Something went wrong in Telltale on this page${e.message ? ` (${e.message.replace(/\.$/, "")})` : ""}. Reload the page, then press Rescan.`,
  unauthorized: (e) => (e.tokenSet
    ? "The server refused the team token: it is wrong or out of date. Fix it in Settings."
    : "This server needs a team token. Set it in Settings."),
  reloaded: (e) => e.message,
};

/** Text segments (strings, and {code} for a command) as a paragraph. */
function segments(parts) {
  const p = para("");
  for (const part of parts) {
    p.append(typeof part === "string" ? part : Object.assign(document.createElement("code"), { textContent: part.code }));
  }
  return p;
}

function errorBox(error, serverUrl, partial = null) {
  const box = $("error");
  box.replaceChildren();
  const neutral = error.kind === "language";
  box.className = neutral ? "note" : "error";
  if (neutral) box.removeAttribute("role");
  else box.setAttribute("role", "alert");
  if (partial) box.append(para(partialNote({ ...partial, error })));
  if (error.kind === "unreachable" || error.kind === "timeout") {
    box.append(para(error.kind === "timeout" ? timedOut(serverUrl) : unreachable(serverUrl)));
    box.append(segments(serverDown(serverUrl)));
  } else if (neutral) {
    if (!partial) box.append(para(NOT_ENGLISH));
  } else if (Object.hasOwn(ERROR_TEXT, error.kind)) {
    box.append(para(ERROR_TEXT[error.kind]({ ...error, serverUrl })));
  } else {
    box.append(para(`Telltale could not check this article: ${error.message}`));
  }
  show("error", true);
}

/** A page Telltale may not read: say so, with a button that asks for access to the site. */
function siteAccessBox(tab) {
  const pattern = hostPattern(tab.url);
  const box = $("status");
  box.replaceChildren(para(`Telltale is not allowed to read ${new URL(tab.url).host}.`, "muted"));
  const grant = document.createElement("button");
  grant.type = "button";
  grant.id = "grant";
  grant.textContent = "Allow Telltale on this site";
  // Called straight from the click: browsers ask for a permission only during the user's action.
  // The popup may close when the browser's prompt opens: the background reloads the page
  // once the site is allowed (permissions.onAdded), not this page.
  grant.addEventListener("click", () => {
    ext.permissions.request({ origins: [pattern] }).then((granted) => {
      if (!granted) return;
      box.replaceChildren(para("Allowed. Reloading the page…", "muted"));
      setTimeout(refresh, 1500);
    }).catch(() => {});
  });
  box.append(grant);
}

/** The tab's web page, when Telltale lacks access to it (site access withheld); else null. */
async function withheldTab() {
  const tab = await ext.tabs.get(tabId).catch(() => null);
  if (!tab || typeof tab.url !== "string" || !/^https?:/.test(tab.url)) return null;
  const allowed = await ext.permissions.contains({ origins: [hostPattern(tab.url)] }).catch(() => true);
  return allowed ? null : tab;
}

function render(state, settings) {
  lastState = state;
  const status = $("status");
  status.replaceChildren();
  show("progress", false);
  show("summary", false);
  show("flagged-section", false);
  show("error", false);
  $("pause").textContent = state.status === "paused" ? "Resume on this site" : "Pause on this site";
  $("pause").dataset.paused = String(state.status === "paused");

  switch (state.status) {
    case "paused":
      status.append(para(`Paused on ${state.host}. Telltale does not read pages here.`, "muted"));
      break;
    case "waiting":
      status.append(para("Checking starts when you click (see Settings).", "muted"));
      break;
    case "no-article":
      status.append(para(state.editor
        ? "This page is an editor, not an article: Telltale does not read what you write."
        : "No article found on this page. Rescan checks the text on the page anyway.", "muted"));
      break;
    case "idle":
    case "extracting":
      status.append(para("Reading the article…", "muted"));
      break;
    case "error":
      if (state.error?.kind === "language") {
        status.append(para(NOT_ENGLISH, "muted"));
        // Not sent, as the page declares another language: it may say so wrongly.
        if (state.error.declared) status.append(para("If it is in English after all, Rescan checks it anyway.", "muted"));
      } else {
        errorBox(state.error || { kind: "extension", message: "unknown error" }, state.error?.serverUrl || settings.serverUrl);
      }
      break;
    case "done":
      if (state.error) errorBox(state.error, state.error.serverUrl || settings.serverUrl, state.totalParts ? state : null);
      break;
    default:
      break;
  }
  if (state.status === "scoring" && state.progress) {
    const { done, total, paragraphs } = state.progress;
    $("progress-label").textContent = `Checking ${paragraphs} paragraphs… part ${Math.min(done + 1, total)} of ${total}`;
    $("progress-bar").max = total;
    $("progress-bar").value = done;
    show("progress", true);
  }
  if (state.counts) {
    const verdict = $("verdict");
    const provisional = state.status === "scoring"; // parts still to come may change it
    verdict.textContent = provisional ? `${state.verdictText} (so far)` : state.verdictText;
    verdict.className = provisional ? "provisional" : verdictTone(state.verdict, state.counts);
    const note = provisional ? "" : verdictNote(state.verdict, state.counts);
    $("verdict-note").textContent = note;
    show("verdict-note", Boolean(note));
    const advice = provisional ? "" : verdictAdvice(state);
    $("verdict-advice").textContent = advice;
    show("verdict-advice", Boolean(advice));
    $("threshold-note").textContent = state.serverVerdict
      ? `Judged at your own threshold (${Number(state.threshold).toFixed(2)}, in Settings). At its own, the server says: ${state.serverVerdictText}.`
      : "";
    show("threshold-note", Boolean(state.serverVerdict));
    const score = articleScoreLine(state);
    $("probability").textContent = score;
    show("probability", Boolean(score));
    const counts = $("counts");
    counts.replaceChildren();
    const rows = [
      ["Paragraphs checked", state.counts.paragraphs],
      ["Flagged passages", state.counts.markedPassages ?? state.counts.flaggedPassages], // as listed below
      ["Flagged sentences", state.counts.flaggedSentences],
      ["Highlighted", state.counts.highlighted],
    ];
    if (state.counts.unanchored) rows.push(["Not found on the page", state.counts.unanchored]);
    for (const [k, v] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = String(v);
      dd.dataset.count = k;
      counts.append(dt, dd);
    }
    show("summary", true);
    const list = $("flagged");
    list.replaceChildren();
    for (const item of state.flagged || []) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      const shown = listedPassage(item);
      if (shown.percent) {
        const prob = document.createElement("span");
        prob.className = "prob";
        prob.textContent = shown.percent;
        b.append(prob);
      }
      b.append(shown.text);
      if (shown.markId == null) {
        b.disabled = true;
        b.title = "This passage could not be found on the page any more.";
      } else {
        b.addEventListener("click", () => ext.tabs.sendMessage(tabId, { type: "scroll-to", markId: shown.markId }).catch(() => {}));
      }
      li.append(b);
      list.append(li);
    }
    show("flagged-section", (state.flagged || []).length > 0);
    const marked = Boolean(state.counts.highlighted) && state.highlightsVisible !== false;
    $("shortcut").textContent = shortcut ? `On the page, ${shortcut} moves to the next flagged sentence.` : "";
    show("shortcut", marked && Boolean(shortcut));
  }
  $("toggle").hidden = !(state.counts && state.counts.highlighted);
  $("toggle").textContent = state.highlightsVisible === false ? "Show highlights" : "Hide highlights";
}

async function refresh() {
  const settings = await loadSettings();
  let state;
  try {
    state = await ext.tabs.sendMessage(tabId, { type: "get-state" });
  } catch {
    state = null;
  }
  if (!state) {
    for (const b of ["rescan", "pause", "toggle"]) $(b).disabled = true;
    const tab = await withheldTab();
    if (tab) {
      siteAccessBox(tab);
      return;
    }
    $("status").replaceChildren(para("Telltale cannot read this page (browser pages, extension stores and PDFs are off limits). If it is a news article, reload it.", "muted"));
    return;
  }
  for (const b of ["rescan", "pause", "toggle"]) $(b).disabled = false;
  if (state.status === "waiting" && !startedOnClick) {
    startedOnClick = true; // on-click mode: opening the popup is the click
    await ext.tabs.sendMessage(tabId, { type: "rescan" }).catch(() => {});
    state = { ...state, status: "extracting" };
  }
  render(state, settings);
  clearTimeout(pollTimer);
  if (["scoring", "extracting", "idle"].includes(state.status)) pollTimer = setTimeout(refresh, 400);
}

async function main() {
  tabId = await currentTabId();
  shortcut = await nextFlaggedShortcut().catch(() => "");
  $("options").addEventListener("click", (e) => {
    e.preventDefault();
    ext.runtime.openOptionsPage();
  });
  $("rescan").addEventListener("click", async () => {
    await ext.tabs.sendMessage(tabId, { type: "rescan" }).catch(() => {});
    setTimeout(refresh, 100);
  });
  $("toggle").addEventListener("click", async () => {
    await ext.tabs.sendMessage(tabId, { type: "toggle-highlights" }).catch(() => {});
    refresh();
  });
  $("pause").addEventListener("click", async () => {
    if (!lastState || !lastState.host) return;
    await setSitePaused(lastState.host, $("pause").dataset.paused !== "true");
    setTimeout(refresh, 500); // the content script reacts to the storage change
  });
  if (tabId == null) return;
  refresh();
}

main();
