// The background script (a service worker in Chrome, an event page in Firefox): scores
// for content scripts, keeps the toolbar badge, relays the keyboard commands and tells the
// content script the current "next flagged sentence" shortcut.

import { ext } from "../shared/ext.js";
import { ServerError, scoreWithRetry, serverInfo } from "./api.js";
import { loadSettings, normalizeServerUrl } from "../shared/settings.js";
import { NOT_ENGLISH, notFound, partialTitle } from "../shared/notices.js";
import { nextFlaggedShortcut } from "../shared/shortcut.js";

const BADGE = {
  flagged: "#c92a2a",
  error: "#868e96",
  busy: "#5c7cfa",
};

const ERROR_TITLES = {
  unauthorized: "the server needs a (different) team token",
  starting: "the server is still starting",
  busy: "the server is busy",
  "model-unavailable": "the server could not load its model",
  "too-large": "the article is too large for the server",
  empty: "no text to check",
  reloaded: "reload the page (Telltale was updated)",
  extension: "something went wrong in Telltale on this page (reload it)",
  unreachable: "the server could not be reached",
  timeout: "the server did not answer in time",
};

async function setBadge(tabId, state) {
  let text = "";
  let color = BADGE.flagged;
  let title = "Telltale";
  if (state.status === "scoring" || state.status === "extracting") {
    text = "…";
    color = BADGE.busy;
    title = "Telltale: checking this article…";
  } else if (state.status === "error" && state.errorKind === "language") {
    title = `Telltale: ${NOT_ENGLISH}`; // expected: no "!"
  } else if (state.status === "error") {
    text = "!";
    color = BADGE.error;
    title = `Telltale: ${state.errorKind === "not-found" ? notFound(state.serverUrl)
      : ERROR_TITLES[state.errorKind] || "the server could not be reached or refused the article"}`;
  } else if (state.status === "done") {
    const n = state.markedPassages || 0; // passages with a highlight, as the popup lists them
    text = n > 0 ? String(n) : "";
    title = n > 0 ? `Telltale: ${n} flagged passage${n === 1 ? "" : "s"}` : "Telltale: no flagged passages";
    if (state.partial) title += ` ${partialTitle(state.errorKind)}`;
  } else if (state.status === "paused") {
    title = "Telltale: paused on this site";
  }
  await ext.action.setBadgeText({ tabId, text });
  await ext.action.setBadgeBackgroundColor({ tabId, color });
  await ext.action.setTitle({ tabId, title });
}

async function handleScore(message) {
  const paragraphs = Array.isArray(message.paragraphs) ? message.paragraphs.filter((p) => typeof p === "string") : [];
  if (paragraphs.length === 0) return { ok: false, error: { kind: "extension", message: "No paragraphs to score." } };
  const settings = await loadSettings({ withToken: true });
  try {
    return { ok: true, result: await scoreWithRetry(settings, paragraphs) };
  } catch (err) {
    const kind = err instanceof ServerError ? err.kind : "extension";
    return {
      ok: false,
      error: {
        kind, message: String(err.message || err), status: err.status || 0, type: err.type || "",
        serverUrl: settings.serverUrl, tokenSet: Boolean(settings.token),
      },
    };
  }
}

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || typeof message !== "object") return false;
  if (message.type === "score" && sender.tab) {
    handleScore(message).then(sendResponse);
    return true; // answers asynchronously
  }
  const fromExtensionPage = typeof sender.url === "string" && sender.url.startsWith(ext.runtime.getURL(""));
  if (message.type === "server-info" && fromExtensionPage) {
    (async () => {
      try {
        const settings = { serverUrl: normalizeServerUrl(message.serverUrl), token: String(message.token || "") };
        return { ok: true, info: await serverInfo(settings) };
      } catch (err) {
        return { ok: false, error: { kind: err.kind || "extension", message: String(err.message || err) } };
      }
    })().then(sendResponse);
    return true;
  }
  if (message.type === "get-shortcut") {
    // The content script's announcement names the shortcut; only extension pages can read it.
    nextFlaggedShortcut().catch(() => "").then((shortcut) => sendResponse({ shortcut }));
    return true;
  }
  if (message.type === "tab-state" && sender.tab) {
    setBadge(sender.tab.id, message).catch(() => {});
    return false;
  }
  return false;
});

/**
 * Site access was just granted (the popup's "Allow Telltale on this site"; the popup may have
 * closed when the browser's prompt opened, so it cannot do this itself): reload the tabs on
 * those sites where the content script is not running yet, so that it starts there. Patterns
 * for all sites (granted in the browser's settings) reload nothing.
 */
export async function reloadAllowedTabs(origins) {
  const patterns = (origins || []).filter((o) => /^https?:\/\/[^*/]+\/\*$/.test(o));
  if (!patterns.length) return;
  const tabs = await ext.tabs.query({ url: patterns });
  for (const tab of tabs) {
    const running = await ext.tabs.sendMessage(tab.id, { type: "get-state" }).then(Boolean, () => false);
    if (!running) await ext.tabs.reload(tab.id).catch(() => {});
  }
}

if (ext.permissions && ext.permissions.onAdded) {
  ext.permissions.onAdded.addListener((added) => { reloadAllowedTabs(added && added.origins).catch(() => {}); });
}

// Firefox for Android has no commands API (and no keyboard shortcuts).
if (ext.commands && ext.commands.onCommand) {
  ext.commands.onCommand.addListener(async (command) => {
    const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
    if (!tab) return;
    const type = command === "toggle-highlights" ? "toggle-highlights" : command === "next-flagged" ? "focus-next" : null;
    if (type) ext.tabs.sendMessage(tab.id, { type }).catch(() => {});
  });
}
