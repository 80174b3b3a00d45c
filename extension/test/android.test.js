import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakeExt, settle } from "./fake-ext.js";

// Firefox for Android has no commands API: the background must still start and answer.
const ext = installFakeExt();
delete ext.commands;
let listener = null;
ext.runtime.onMessage.addListener = (f) => { listener = f; };
ext.runtime.getManifest = () => ({ commands: { "next-flagged": { suggested_key: { default: "Alt+Shift+J" } } } });
await import("../src/background/index.js?android");

test("without a commands API the background starts and names no shortcut", async () => {
  assert.equal(typeof listener, "function");
  const answer = await new Promise((resolve) => {
    if (!listener({ type: "get-shortcut" }, { tab: { id: 7 } }, resolve)) settle(5).then(() => resolve(undefined));
  });
  assert.deepEqual(answer, { shortcut: "" }); // not the manifest's suggestion: no shortcut exists there
});
