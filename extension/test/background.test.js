import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakeExt, settle } from "./fake-ext.js";

const ext = installFakeExt();
const badge = {};
ext.action.setBadgeBackgroundColor = async ({ color }) => { badge.color = color; };
ext.action.setBadgeText = async ({ text }) => { badge.text = text; };
ext.action.setTitle = async ({ title }) => { badge.title = title; };
let listener = null;
ext.runtime.onMessage.addListener = (f) => { listener = f; };
await import("../src/background/index.js");

/** A message from the content script of tab 7; resolves to the background's answer. */
const fromTab = (message) => new Promise((resolve) => {
  if (!listener(message, { tab: { id: 7 } }, resolve)) settle(5).then(() => resolve(undefined));
});

test("the badge counts every passage with a highlight, and names the error", async () => {
  await fromTab({ type: "tab-state", status: "done", markedPassages: 2 });
  assert.equal(badge.text, "2");
  await fromTab({ type: "tab-state", status: "done", markedPassages: 0 });
  assert.equal(badge.text, "");
  await fromTab({ type: "tab-state", status: "error", errorKind: "unreachable" });
  assert.equal(badge.text, "!");
  assert.match(badge.title, /could not be reached/);
  await fromTab({ type: "tab-state", status: "done", markedPassages: 1, partial: true });
  assert.equal(badge.text, "1");
  assert.match(badge.title, /part of the article could not be checked/);
});

test("Telltale's own failure is not called a server problem on the badge", async () => {
  await fromTab({ type: "tab-state", status: "error", errorKind: "extension" });
  assert.equal(badge.text, "!");
  assert.doesNotMatch(badge.title, /server/);
  await fromTab({ type: "tab-state", status: "error", errorKind: "model-unavailable" });
  assert.match(badge.title, /could not load its model/);
});

test("site access granted (the popup may be closed by then): tabs there without Telltale are reloaded", async () => {
  const { reloadAllowedTabs } = await import("../src/background/index.js");
  ext.tab = { id: 3, url: "https://news.example.org/story" };
  ext.onTabMessage = () => { throw new Error("Receiving end does not exist."); };
  ext.permissionsAdded({ origins: ["https://news.example.org/*"] });
  await settle();
  assert.deepEqual(ext.tabQueries.at(-1), { url: ["https://news.example.org/*"] });
  assert.deepEqual(ext.reloadedTabs, [3]);
  ext.onTabMessage = () => ({ status: "done" }); // the content script already runs there
  await reloadAllowedTabs(["https://news.example.org/*"]);
  assert.deepEqual(ext.reloadedTabs, [3]);
  await reloadAllowedTabs(["https://*/*", "http://*/*"]); // all sites, from the browser's settings
  assert.deepEqual(ext.reloadedTabs, [3], "all sites: nothing reloaded");
});

test("the background sends the token; a refusal says whether one is set", async () => {
  ext.storage.local.data.token = "s3cret";
  const seen = [];
  globalThis.fetch = async (_url, init) => {
    seen.push(init.headers);
    return { ok: false, status: 401, headers: new Headers(), json: async () => ({ error: { type: "unauthorized", message: "no" } }) };
  };
  const reply = await fromTab({ type: "score", paragraphs: ["One."] });
  assert.equal(seen[0].Authorization, "Bearer s3cret");
  assert.equal(reply.ok, false);
  assert.equal(reply.error.kind, "unauthorized");
  assert.equal(reply.error.tokenSet, true);
});

test("a redirect from the server is refused, not followed, and told as a server error", async () => {
  ext.storage.local.data.token = "";
  const seen = [];
  globalThis.fetch = async (url, init) => {
    seen.push({ url, redirect: init.redirect });
    return { ok: false, status: 0, type: "opaqueredirect", headers: new Headers(), json: async () => { throw new SyntaxError("opaque"); } };
  };
  const reply = await fromTab({ type: "score", paragraphs: ["One."] });
  assert.deepEqual(seen, [{ url: "http://127.0.0.1:8765/v1/score", redirect: "manual" }]);
  assert.equal(reply.ok, false);
  assert.equal(reply.error.kind, "server");
  assert.match(reply.error.message, /redirect to another address; Telltale does not follow redirects\. Check the Server URL in Settings\./);
});

test("a page that is not in English is no error on the badge: no \"!\", a plain title", async () => {
  await fromTab({ type: "tab-state", status: "error", errorKind: "unreachable" });
  assert.equal(badge.text, "!");
  await fromTab({ type: "tab-state", status: "error", errorKind: "language" });
  assert.equal(badge.text, "");
  assert.equal(badge.title, "Telltale: This page is not in English; Telltale only checks English articles.");
  await fromTab({ type: "tab-state", status: "done", markedPassages: 2, partial: true, errorKind: "language" });
  assert.equal(badge.text, "2");
  assert.equal(badge.title, "Telltale: 2 flagged passages (part of the article is not in English)");
});

/** A 404 with the web server's own page, as a Flask server answers an unknown path. */
const notFound = async () => ({
  ok: false, status: 404, type: "basic", headers: new Headers({ "Content-Type": "text/html" }),
  json: async () => { throw new SyntaxError("Unexpected token <"); },
});

test("a 404 (no Telltale server at that address) says so, in the article's check and in Test connection", async () => {
  ext.storage.local.data.token = "";
  globalThis.fetch = notFound;
  const reply = await fromTab({ type: "score", paragraphs: ["One."] });
  assert.equal(reply.ok, false);
  assert.equal(reply.error.kind, "not-found");
  assert.equal(reply.error.message, "No Telltale server at http://127.0.0.1:8765; check the Server URL in Settings.");
  await fromTab({ type: "tab-state", status: "error", errorKind: "not-found", serverUrl: reply.error.serverUrl });
  assert.equal(badge.title, "Telltale: No Telltale server at http://127.0.0.1:8765; check the Server URL in Settings.");
  const info = await new Promise((resolve) => {
    listener({ type: "server-info", serverUrl: "http://127.0.0.1:8765/other", token: "" },
      { url: "chrome-extension://fake/options.html" }, resolve);
  });
  assert.deepEqual(info, { ok: false, error: { kind: "not-found",
    message: "No Telltale server at http://127.0.0.1:8765/other; check the Server URL in Settings." } });
});

test("the content script is told the shortcut the browser has now, or none when the reader removed it", async () => {
  const ask = () => fromTab({ type: "get-shortcut" });
  ext.commands.getAll = async () => [{ name: "toggle-highlights", shortcut: "Alt+Shift+H" }, { name: "next-flagged", shortcut: "Ctrl+Period" }];
  try {
    assert.deepEqual(await ask(), { shortcut: "Ctrl+Period" });
    ext.commands.getAll = async () => [{ name: "next-flagged", shortcut: "" }];
    assert.deepEqual(await ask(), { shortcut: "" });
    ext.commands.getAll = async () => { throw new Error("no commands"); };
    assert.deepEqual(await ask(), { shortcut: "" });
  } finally {
    delete ext.commands.getAll;
  }
});
