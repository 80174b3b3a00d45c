// The options page: server URL, team token, sensitivity, automatic vs on-click, sites to skip.

import { ext } from "../shared/ext.js";
import {
  DEFAULTS, hostPattern, insecureServerWarning, isLoopbackServer, loadSettings, normalizeHost, normalizeServerUrl, saveSettings,
} from "../shared/settings.js";

const $ = (id) => document.getElementById(id);
const form = $("form");

function say(text, kind) {
  const m = $("message");
  m.textContent = text;
  m.className = kind || "";
}

function syncThreshold() {
  $("threshold").disabled = !$("customThreshold").checked;
  $("thresholdValue").textContent = $("customThreshold").checked ? Number($("threshold").value).toFixed(2) : "server default";
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
  $("threshold").value = String(s.threshold ?? 0.7);
  for (const r of form.elements.mode) r.checked = r.value === s.mode;
  $("skipSites").value = s.skipSites.join("\n");
  syncThreshold();
  syncServerWarning();
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
  save(serverUrl, requestPermission(serverUrl));
});

async function save(serverUrl, permission) {
  const granted = await permission.catch(() => false);
  if (!granted) {
    say(`Telltale needs your permission to reach ${new URL(serverUrl).origin}; not saved.`, "error");
    return;
  }
  const skipSites = [...new Set($("skipSites").value.split(/\s+/).map(normalizeHost).filter(Boolean))];
  await saveSettings({
    serverUrl,
    token: $("token").value.trim(),
    threshold: $("customThreshold").checked ? Number($("threshold").value) : null,
    mode: form.elements.mode.value === "click" ? "click" : "auto",
    skipSites,
  });
  $("serverUrl").value = serverUrl;
  $("skipSites").value = skipSites.join("\n");
  syncServerWarning();
  say("Saved.", "ok");
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
    say(`Cannot reach ${serverUrl}. Is the server running (make serve)? A team server needs Save first (permission).`, "error");
  } else if (!reply.ok) say(reply.error.message, "error");
  else if (!reply.info.ready) say("Connected; the model is still loading.", "ok");
  else say(`Connected: model ${reply.info.model?.name ?? "?"} ${reply.info.model?.version ?? ""}.`, "ok");
});

$("serverUrl").addEventListener("input", syncServerWarning);
$("customThreshold").addEventListener("change", syncThreshold);
$("threshold").addEventListener("input", syncThreshold);
fill();
