// A stand-in for the WebExtension API (`chrome`) and loaders that run the extension's pages
// and content script in jsdom. The fake is installed once per test file (src/shared/ext.js
// reads it when first imported); its behaviour is set per test through its hooks.
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

function area(data) {
  return {
    data,
    reads: [],
    async get(keys) {
      const names = keys == null ? Object.keys(data) : Array.isArray(keys) ? keys : [keys];
      this.reads.push(...names);
      return Object.fromEntries(names.filter((k) => k in data).map((k) => [k, data[k]]));
    },
    async set(values) { Object.assign(data, values); },
  };
}

export function installFakeExt() {
  const sent = []; // messages to the background: runtime.sendMessage
  const tabMessages = []; // messages to the tab: tabs.sendMessage
  const listeners = { message: null, storage: null, permissionsAdded: null };
  const ext = {
    sent,
    tabMessages,
    permissionRequests: [],
    tabQueries: [],
    reloadedTabs: [],
    /** Answers runtime.sendMessage(message); a function of the message. */
    onSend: () => undefined,
    /** Answers tabs.sendMessage(tabId, message). */
    onTabMessage: () => undefined,
    hasPermission: true,
    tab: { id: 1, url: "http://news.test/story" },
    storage: {
      sync: area({}),
      local: area({}),
      onChanged: { addListener(f) { listeners.storage = f; } },
    },
    runtime: {
      id: "fake",
      async sendMessage(message) { sent.push(message); return ext.onSend(message); },
      onMessage: { addListener(f) { listeners.message = f; } },
      getURL: (p) => `chrome-extension://fake/${p}`,
      openOptionsPage() {},
    },
    tabs: {
      async query(filter) { ext.tabQueries.push(filter); return [ext.tab]; },
      async get() { return ext.tab; },
      async reload(id) { ext.reloaded = true; ext.reloadedTabs.push(id); },
      async sendMessage(_id, message) { tabMessages.push(message); return ext.onTabMessage(message); },
    },
    permissions: {
      async contains() { return ext.hasPermission; },
      request(perms) { ext.permissionRequests.push(perms); return Promise.resolve(true); },
      onAdded: { addListener(f) { listeners.permissionsAdded = f; } },
    },
    action: { async setBadgeText() {}, async setBadgeBackgroundColor() {}, async setTitle() {} },
    commands: { onCommand: { addListener() {} } },
    /** Deliver a message to the content script, as the popup or the background would. */
    dispatch(message) {
      return new Promise((resolve) => {
        listeners.message(message, {}, resolve);
      });
    },
    storageChanged(changes, areaName = "sync") { listeners.storage(changes, areaName); },
    /** The browser granted permissions (permissions.onAdded). */
    permissionsAdded(perms) { listeners.permissionsAdded(perms); },
  };
  globalThis.chrome = ext;
  return ext;
}

let loads = 0;

/** Make `dom`'s window the global one, as an extension page or content script sees it. */
export function useWindow(dom) {
  const win = dom.window;
  for (const name of ["window", "document", "location", "MutationObserver", "DOMParser", "Node", "CSS"]) {
    globalThis[name] = name === "window" ? win : win[name];
  }
  globalThis.CSS ??= { escape: (s) => String(s).replace(/["\\]/g, "\\$&") };
  globalThis.requestAnimationFrame = (f) => setTimeout(f, 0);
}

/** Load an extension page (popup, options) from src/ into jsdom and run its script. */
export async function loadExtensionPage(name, { query = "" } = {}) {
  const html = readFileSync(join(SRC, name, `${name}.html`), "utf8").replace(/<script[^>]*><\/script>/, "");
  const dom = new JSDOM(html, { url: `chrome-extension://fake/${name}.html${query}` });
  useWindow(dom);
  await import(`../src/${name}/${name}.js?load=${++loads}`);
  await settle();
  return dom.window.document;
}

/** Run the content script on `dom` (a fresh module instance each time). */
export async function loadContentScript(dom) {
  useWindow(dom);
  await import(`../src/content/index.js?load=${++loads}`);
}

/** Let pending promises and zero-delay timers run. */
export async function settle(ms = 20) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The content script's state once `ok(state)` holds (asked through `ext`), or a failed test. */
export async function stateWhen(ext, ok, timeout = 4000) {
  const end = Date.now() + timeout;
  let state;
  while (Date.now() < end) {
    state = await ext.dispatch({ type: "get-state" });
    if (ok(state)) return state;
    await settle(10);
  }
  throw new Error(`state never came: ${JSON.stringify(state && { status: state.status, error: state.error })}`);
}

/** A state a scan ends in. */
export const finished = (s) => ["done", "error", "waiting", "no-article", "paused"].includes(s.status);

/** Code-point offset of a UTF-16 index of `text`, as the Python server counts. */
const codePoints = (text, i) => [...text.slice(0, i)].length;

/**
 * A stand-in for the server's result for `paragraphs`: naive sentences, each flagged when
 * `flag(text)`; passages never flagged as a whole (a flagged sentence inside an unflagged
 * passage, as the server does for a single odd sentence). Offsets in code points.
 */
export function fakeScore(paragraphs, flag = (text) => /Blinkin|garbled/.test(text)) {
  const re = /[^.!?]+(?:[.!?]+|$)/g;
  const passages = paragraphs.map((paragraph, index) => {
    const sentences = [];
    for (const m of paragraph.matchAll(re)) {
      const lead = m[0].length - m[0].trimStart().length;
      const text = m[0].trim();
      if (!text) continue;
      const start = m.index + lead;
      const flagged = flag(text);
      sentences.push({
        start: codePoints(paragraph, start), end: codePoints(paragraph, start + text.length), text,
        probability: flagged ? 0.9 : 0.1, flagged, reasons: [{ type: "classifier", probability: flagged ? 0.9 : 0.1 }],
      });
    }
    return { index, start: 0, end: codePoints(paragraph, paragraph.length), probability: 0.3, flagged: false,
      flagged_sentences: sentences.filter((s) => s.flagged).length, sentences };
  });
  return { model: { name: "fake", version: "0" }, threshold: 0.5,
    thresholds: { sentence: 0.5, passage: 0.5, article: 0.8 }, // as the real server sends them
    article: { probability: 0.3, flagged: false, verdict: "no signs" }, passages };
}
