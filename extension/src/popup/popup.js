// The toolbar popup: the verdict and counts for the current tab, the flagged passages
// (click scrolls to one), rescan, pause on this site, and what to do when the server is
// down. It asks the tab's content script for its state; all text goes in as textContent.

import { ext } from "../shared/ext.js";
import { VERDICT, percent, verdictNote } from "../shared/describe.js";
import { loadSettings, setSitePaused } from "../shared/settings.js";

const $ = (id) => document.getElementById(id);
let tabId = null;
let lastState = null;
let pollTimer = 0;
let startedOnClick = false;

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

function errorBox(error, serverUrl) {
  const box = $("error");
  box.replaceChildren();
  if (error.kind === "unreachable" || error.kind === "timeout") {
    box.append(para(error.kind === "timeout"
      ? `The Telltale server at ${serverUrl} did not answer in time.`
      : `Cannot reach the Telltale server at ${serverUrl}.`));
    const how = para("Start it in the Telltale folder with ");
    const code = document.createElement("code");
    code.textContent = "make serve";
    how.append(code, " (or ", Object.assign(document.createElement("code"), { textContent: "telltale serve" }),
      "), wait for “ready”, then press Rescan. A team server’s address goes in Settings.");
    box.append(how);
  } else if (error.kind === "unauthorized") {
    box.append(para("The server refused the request: the team token is missing or wrong. Set it in Settings."));
  } else if (error.kind === "busy") {
    box.append(para(`The server is busy or still loading its model: ${error.message} Press Rescan in a moment.`));
  } else {
    box.append(para(`Telltale could not check this article: ${error.message}`));
  }
  show("error", true);
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
      status.append(para("No article found on this page.", "muted"));
      break;
    case "idle":
    case "extracting":
      status.append(para("Reading the article…", "muted"));
      break;
    case "error":
      errorBox(state.error || { kind: "extension", message: "unknown error" }, state.error?.serverUrl || settings.serverUrl);
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
    verdict.textContent = state.verdictText;
    verdict.className = state.counts.flaggedPassages > 0 || state.verdict !== VERDICT.clean ? "flagged" : "clean";
    const note = state.status === "scoring" ? "" : verdictNote(state.verdict, state.counts.flaggedPassages);
    $("verdict-note").textContent = note;
    show("verdict-note", Boolean(note));
    $("probability").textContent = `Article: ${percent(state.probability)} likely machine-translated or garbled`
      + (state.status === "scoring" ? " (so far)" : "");
    const counts = $("counts");
    counts.replaceChildren();
    const rows = [
      ["Paragraphs checked", state.counts.paragraphs],
      ["Flagged passages", state.counts.flaggedPassages],
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
      const prob = document.createElement("span");
      prob.className = "prob";
      prob.textContent = percent(item.probability);
      b.append(prob, item.snippet + (item.snippet.length >= 160 ? "…" : ""));
      if (item.markId == null) {
        b.disabled = true;
        b.title = "This passage could not be found on the page any more.";
      } else {
        b.addEventListener("click", () => ext.tabs.sendMessage(tabId, { type: "scroll-to", markId: item.markId }).catch(() => {}));
      }
      li.append(b);
      list.append(li);
    }
    show("flagged-section", (state.flagged || []).length > 0);
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
    $("status").replaceChildren(para("Telltale cannot read this page (browser pages, extension stores and PDFs are off limits). Reload the page if it is a news article opened before Telltale was installed.", "muted"));
    for (const b of ["rescan", "pause", "toggle"]) $(b).disabled = true;
    return;
  }
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
