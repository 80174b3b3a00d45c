// The user's settings. Everything but the token lives in storage.sync; the team token is a
// secret, so it stays in storage.local on this device and is never synced. Only the pages
// that need it (background, options) read it: content scripts and the popup get settings
// without it.

import { ext } from "./ext.js";

export const DEFAULT_SERVER_URL = "http://127.0.0.1:8765";

export const DEFAULTS = Object.freeze({
  serverUrl: DEFAULT_SERVER_URL,
  threshold: null, // null: the server's threshold; else flag at probability >= threshold
  mode: "auto", // "auto": check every page; "click": only when the toolbar button is clicked
  skipSites: [], // host names (a name also covers its subdomains)
});

/** Check and tidy a server URL; throws an Error with a message for the user. */
export function normalizeServerUrl(value) {
  let url;
  try {
    url = new URL(String(value).trim());
  } catch {
    throw new Error("The server URL is not a valid address; e.g. http://127.0.0.1:8765");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error("The server URL must start with http:// or https://");
  }
  if (url.search || url.hash) throw new Error("The server URL cannot have a ?query or #fragment.");
  return url.origin + serverPath(url.pathname);
}

// The server's own endpoints: a URL pasted with one of them means the server above it.
const ENDPOINT_PATH = /(?:\/v1(?:\/(?:score|info))?|\/healthz)\/*$/i;

/** A URL's path without trailing slashes and the endpoint a user may have pasted with it. */
function serverPath(pathname) {
  return pathname.replace(/\/+$/, "").replace(ENDPOINT_PATH, "").replace(/\/+$/, "");
}

/** Whether a (normalized) server URL is the default one: the user's own server, started with `make serve`. */
export function isDefaultServer(serverUrl) {
  const url = new URL(serverUrl);
  return isLoopbackServer(serverUrl) && url.protocol === "http:" && url.port === "8765" && url.pathname.replace(/\/+$/, "") === "";
}

/**
 * The command that starts the server at `serverUrl` when it runs on this computer:
 * "make serve" for the default address, "telltale serve --port N" for another port; null
 * for a server elsewhere (a team's: the user cannot start it).
 */
export function startCommand(serverUrl) {
  if (!isLoopbackServer(serverUrl)) return null;
  if (isDefaultServer(serverUrl)) return "make serve";
  const url = new URL(serverUrl);
  return `telltale serve --port ${url.port || (url.protocol === "https:" ? 443 : 80)}`;
}

/** Whether a URL's server is covered by the built-in host permissions (loopback). */
export function isLoopbackServer(serverUrl) {
  const host = new URL(serverUrl).hostname;
  return host === "127.0.0.1" || host === "localhost";
}

/**
 * The match pattern for a URL's host: scheme and host name, never the port (Firefox refuses
 * a pattern with one; without one, Chrome matches every port). http://10.0.0.5:8765/x ->
 * http://10.0.0.5/*
 */
export function hostPattern(url) {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}/*`;
}

/** Tidy a host name typed by the user ("https://www.Example.com/x" -> "www.example.com"). */
export function normalizeHost(value) {
  let text = String(value).trim().toLowerCase();
  if (!text) return "";
  if (text.includes("://")) {
    try {
      text = new URL(text).hostname;
    } catch {
      return "";
    }
  }
  return text.replace(/\/.*$/, "").replace(/:\d+$/, "").replace(/^\*\./, "").replace(/\.$/, "");
}

/** Whether `hostname` is on the skip list (exact name or a subdomain of one). */
export function isSkipped(hostname, skipSites) {
  const host = normalizeHost(hostname);
  return (skipSites || []).some((site) => {
    const s = normalizeHost(site);
    return s && (host === s || host.endsWith("." + s));
  });
}

export function withDefaults(stored) {
  const s = { ...DEFAULTS, ...stored };
  try {
    s.serverUrl = normalizeServerUrl(s.serverUrl);
  } catch {
    s.serverUrl = DEFAULT_SERVER_URL;
  }
  const t = Number(s.threshold);
  s.threshold = s.threshold === null || s.threshold === "" || !(t > 0 && t < 1) ? null : t;
  s.mode = s.mode === "click" ? "click" : "auto";
  s.skipSites = Array.isArray(s.skipSites) ? s.skipSites.map(normalizeHost).filter(Boolean) : [];
  return s;
}

/** The settings; the team token only with {withToken: true} (the background and options page). */
export async function loadSettings({ withToken = false } = {}) {
  const settings = withDefaults(await ext.storage.sync.get(Object.keys(DEFAULTS)));
  if (!withToken) return settings;
  const { token = "" } = await ext.storage.local.get("token");
  return { ...settings, token };
}

/**
 * A warning (not an error) for a server URL that sends the token and the article's text
 * over the network unencrypted: plain http:// to a host other than this computer.
 */
export function insecureServerWarning(serverUrl) {
  let url;
  try {
    url = new URL(serverUrl);
  } catch {
    return "";
  }
  if (url.protocol !== "http:" || isLoopbackServer(serverUrl) || url.hostname === "[::1]") return "";
  return `${url.host} is reached over plain http://: the team token and the articles you check cross the network `
    + "unencrypted. Use https:// if the server offers it.";
}

export async function saveSettings(changes) {
  const { token, ...synced } = changes;
  if (Object.keys(synced).length) await ext.storage.sync.set(synced);
  if (token !== undefined) await ext.storage.local.set({ token });
}

/** Add or remove a host on the skip list ("pause on this site"). */
export async function setSitePaused(hostname, paused) {
  const { skipSites } = withDefaults(await ext.storage.sync.get("skipSites"));
  const host = normalizeHost(hostname);
  const rest = skipSites.filter((s) => !(host === s || host.endsWith("." + s)));
  await ext.storage.sync.set({ skipSites: paused ? [...rest, host] : rest });
}
