import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { whenVisible } from "../src/content/visible.js";

function page(state) {
  const { document } = new JSDOM("<p>x</p>").window;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state.now });
  return document;
}

test("a visible tab is scanned at once", () => {
  const doc = page({ now: "visible" });
  let runs = 0;
  whenVisible(doc, () => runs++);
  assert.equal(runs, 1);
});

test("a hidden tab waits until the reader first sees it, then scans once", () => {
  const state = { now: "hidden" };
  const doc = page(state);
  let runs = 0;
  whenVisible(doc, () => runs++);
  doc.dispatchEvent(new doc.defaultView.Event("visibilitychange")); // still hidden
  assert.equal(runs, 0);
  state.now = "visible";
  doc.dispatchEvent(new doc.defaultView.Event("visibilitychange"));
  state.now = "hidden";
  doc.dispatchEvent(new doc.defaultView.Event("visibilitychange"));
  state.now = "visible";
  doc.dispatchEvent(new doc.defaultView.Event("visibilitychange"));
  assert.equal(runs, 1);
});
