// The options page: server URL, team token, sensitivity, automatic vs on-click, sites to skip.

import { ext } from "../shared/ext.js";
import {
  DEFAULTS, hostPattern, insecureServerWarning, isLoopbackServer, loadSettings, normalizeHost, normalizeServerUrl, saveSettings,
} from "../shared/settings.js";
import { asText, modelUnavailable, notFound, serverDown, unreachable } from "../shared/notices.js";
import { serverThresholdOf, thresholdView } from "./threshold.js";

const $ = (id) => document.getElementById(id);
const form = $("form");
let savedServerUrl = null; // the server in use: the slider's "server default" is its threshold
let serverThreshold = null; // that server's own sentence threshold, once its /v1/info told it
let ownThreshold = null; // the user's own, kept while the box is unchecked

function say(text, kind) {
  const m = $("message");
  m.textContent = text;
  m.className = kind || "";
}

function syncThreshold() {
  const custom = $("customThreshold").checked;
  const view = thresholdView({ custom, own: ownThreshold, server: serverThreshold });
  $("threshold").disabled = !custom;
  $("threshold").hidden = view.value == null;
  if (view.value != null) $("threshold").value = Number(view.value).toFixed(2); // the slider's steps
  $("thresholdValue").textContent = view.label;
}

/** The saved server is `serverUrl` now: forget another's threshold, and ask it for its own; quietly. */
async function loadServerThreshold(serverUrl, token) {
  if (serverUrl !== savedServerUrl) {
    savedServerUrl = serverUrl;
    serverThreshold = null;
    syncThreshold();
  }
  const reply = await ext.runtime.sendMessage({ type: "server-info", serverUrl, token }).catch(() => null);
  noteServerThreshold(serverUrl, reply && reply.ok ? reply.info : null);
}

/** A /v1/info answer from `serverUrl`: its threshold is the slider's "server default" only if it is the saved server. */
function noteServerThreshold(serverUrl, info) {
  const t = serverThresholdOf(info);
  if (t == null || serverUrl !== savedServerUrl) return;
  serverThreshold = t;
  syncThreshold();
}

/** Warn (without refusing it) about a server reached over plain http:// across the network. */
function syncServerWarning() {
  let warning = "";
  try {
    warning = insecureServerWarning(normalizeServerUrl($("serverUrl").value));
  } catch {
    warning = "";
  }
  $("server-warning").textContent = warning;
  $("server-warning").hidden = !warning;
}

async function fill() {
  const s = await loadSettings({ withToken: true });
  $("serverUrl").value = s.serverUrl;
  $("token").value = s.token;
  $("customThreshold").checked = s.threshold != null;
  ownThreshold = s.threshold;
  if (s.threshold != null) $("threshold").value = String(s.threshold);
  for (const r of form.elements.mode) r.checked = r.value === s.mode;
  $("skipSites").value = s.skipSites.join("\n");
  syncThreshold();
  syncServerWarning();
  loadServerThreshold(s.serverUrl, s.token);
}

/**
 * Ask for access to a team server's origin. Called synchronously in the Save click's handler,
 * before any await: Firefox asks the user only while it still sees their action (and a
 * permission already granted is answered at once, without asking).
 */
function requestPermission(serverUrl) {
  if (isLoopbackServer(serverUrl)) return Promise.resolve(true);
  try {
    return ext.permissions.request({ origins: [hostPattern(serverUrl)] });
  } catch {
    return Promise.resolve(false);
  }
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  let serverUrl;
  try {
    serverUrl = normalizeServerUrl($("serverUrl").value || DEFAULTS.serverUrl);
  } catch (err) {
    say(err.message, "error");
    $("serverUrl").focus();
    return;
  }
  const permission = requestPermission(serverUrl); // first: still within the click
  // Until the user answers the browser's prompt nothing is saved: say so, not an earlier "Saved.".
  say(isLoopbackServer(serverUrl) ? "Saving…" : `Asking for permission to reach ${new URL(serverUrl).host}…`);
  save(serverUrl, permission);
});

async function save(serverUrl, permission) {
  const granted = await permission.catch(() => false);
  if (!granted) {
    say(`Permission to reach ${new URL(serverUrl).host} was refused, so nothing was saved. `
      + "Press Save again and allow it when the browser asks.", "error");
    return;
  }
  const skipSites = [...new Set($("skipSites").value.split(/\s+/).map(normalizeHost).filter(Boolean))];
  const settings = {
    serverUrl,
    token: $("token").value.trim(),
    threshold: $("customThreshold").checked ? Number($("threshold").value) : null,
    mode: form.elements.mode.value === "click" ? "click" : "auto",
    skipSites,
  };
  try {
    await saveSettings(settings);
    const stored = await loadSettings();
    if (stored.serverUrl !== serverUrl || stored.threshold !== settings.threshold) throw new Error("the browser kept the old values");
  } catch (err) {
    say(`Could not save the settings (${String(err.message || err).replace(/\.$/, "")}). Try again.`, "error");
    return;
  }
  $("serverUrl").value = serverUrl;
  $("skipSites").value = skipSites.join("\n");
  syncServerWarning();
  say("Saved.", "ok");
  loadServerThreshold(serverUrl, settings.token); // the slider's "server default" is the saved server's
}

/** Why a server could not be reached, with advice for who can act on it: its owner, or the user checking the address. */
function unreachableText(serverUrl, allowed) {
  return `${unreachable(serverUrl)} ${asText(serverDown(serverUrl, { then: "test the connection again" }))}`
    + (allowed ? "" : " A new address needs Save first, to give Telltale permission to reach it.");
}

$("test").addEventListener("click", async () => {
  let serverUrl;
  try {
    serverUrl = normalizeServerUrl($("serverUrl").value);
  } catch (err) {
    say(err.message, "error");
    return;
  }
  say("Connecting…");
  // Only the background script talks to the server.
  const reply = await ext.runtime.sendMessage({ type: "server-info", serverUrl, token: $("token").value.trim() })
    .catch(() => null);
  if (!reply) say("The extension's background script did not answer; reload the extension.", "error");
  else if (!reply.ok && reply.error.kind === "unreachable") {
    const allowed = isLoopbackServer(serverUrl)
      || await ext.permissions.contains({ origins: [hostPattern(serverUrl)] }).catch(() => false);
    say(unreachableText(serverUrl, allowed), "error");
  } else if (!reply.ok && reply.error.kind === "not-found") {
    say(notFound(serverUrl), "error");
  } else if (!reply.ok) say(reply.error.message, "error");
  else {
    noteServerThreshold(serverUrl, reply.info); // only the saved server's: another is not in use
    if (!reply.info.ready && reply.info.error === "model_unavailable") say(modelUnavailable(serverUrl), "error");
    else if (!reply.info.ready) say("Connected; the model is still loading.", "ok");
    else say(`Connected: model ${reply.info.model?.name ?? "?"} ${reply.info.model?.version ?? ""}.`, "ok");
  }
});

// Any edit makes an earlier "Saved." (or error) untrue: clear it.
form.addEventListener("input", () => say(""));
form.addEventListener("change", () => say(""));
$("serverUrl").addEventListener("input", syncServerWarning);
$("customThreshold").addEventListener("change", syncThreshold);
$("threshold").addEventListener("input", () => {
  ownThreshold = Number($("threshold").value);
  syncThreshold();
});
fill();
