import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakeExt } from "./fake-ext.js";

installFakeExt();
// After the fake: src/shared/ext.js reads it when first imported.
const { normalizeServerUrl, startCommand, withDefaults } = await import("../src/shared/settings.js");

test("a server URL pasted with one of the server's endpoints means the server itself", () => {
  for (const pasted of [
    "http://127.0.0.1:8765/v1/score", "http://127.0.0.1:8765/v1/info", "http://127.0.0.1:8765/healthz",
    "http://127.0.0.1:8765/", "http://127.0.0.1:8765/v1/score/", " http://127.0.0.1:8765/v1 ", "http://127.0.0.1:8765/V1/Score",
  ]) {
    assert.equal(normalizeServerUrl(pasted), "http://127.0.0.1:8765", pasted);
  }
  // A server behind a path keeps its path; only the endpoint after it goes.
  assert.equal(normalizeServerUrl("https://tools.example.org/telltale/v1/score"), "https://tools.example.org/telltale");
  assert.equal(normalizeServerUrl("https://tools.example.org/telltale/"), "https://tools.example.org/telltale");
  // Paths that only look alike are left alone.
  assert.equal(normalizeServerUrl("https://tools.example.org/v1/scores"), "https://tools.example.org/v1/scores");
  // A URL saved that way before is read back as the server's.
  assert.equal(withDefaults({ serverUrl: "http://127.0.0.1:8765/v1/score" }).serverUrl, "http://127.0.0.1:8765");
  assert.throws(() => normalizeServerUrl("http://127.0.0.1:8765/v1/score?x=1"), /\?query/);
});

test("the command that starts a server is offered only for one on this computer", () => {
  assert.equal(startCommand("http://127.0.0.1:8765"), "make serve");
  assert.equal(startCommand("http://localhost:8765"), "make serve");
  assert.equal(startCommand("http://127.0.0.1:9100"), "telltale serve --port 9100");
  assert.equal(startCommand("https://telltale.team.example"), null);
  assert.equal(startCommand("http://10.0.0.5:8765"), null);
});
