// The options page's messages say what happened (nothing stale, nothing early) and give
// advice the user can act on; the sensitivity slider shows the server's own threshold.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installFakeExt, loadExtensionPage, settle } from "./fake-ext.js";

const ext = installFakeExt();
const request = ext.permissions.request;

const message = (doc) => doc.getElementById("message").textContent;

function submit(doc) {
  doc.getElementById("form").dispatchEvent(new doc.defaultView.Event("submit", { cancelable: true }));
}

function type(doc, id, value) {
  doc.getElementById(id).value = value;
  doc.getElementById(id).dispatchEvent(new doc.defaultView.Event("input", { bubbles: true }));
}

/** A promise with its resolve function, for answers that come later (the user, storage). */
function later() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

test("an edit clears an earlier \"Saved.\"", async () => {
  const doc = await loadExtensionPage("options");
  submit(doc);
  await settle();
  assert.equal(message(doc), "Saved.");
  type(doc, "serverUrl", "http://127.0.0.1:8766");
  assert.equal(message(doc), "");
});

test("while the browser asks for a team server's permission, the page says so, and nothing is saved yet", async () => {
  ext.storage.sync.data.serverUrl = "http://127.0.0.1:8765";
  const doc = await loadExtensionPage("options");
  submit(doc);
  await settle();
  assert.equal(message(doc), "Saved.");
  const answer = later();
  ext.permissions.request = (perms) => { ext.permissionRequests.push(perms); return answer.promise; };
  try {
    type(doc, "serverUrl", "http://telltale.team.example:8765");
    submit(doc);
    await settle();
    assert.equal(message(doc), "Asking for permission to reach telltale.team.example:8765…");
    assert.equal(ext.storage.sync.data.serverUrl, "http://127.0.0.1:8765");
    answer.resolve(true);
    await settle();
    assert.equal(message(doc), "Saved.");
    assert.equal(ext.storage.sync.data.serverUrl, "http://telltale.team.example:8765");
  } finally {
    ext.permissions.request = request;
  }
});

test("\"Saved.\" only once the browser's storage holds the new settings", async () => {
  const doc = await loadExtensionPage("options");
  const set = ext.storage.sync.set;
  const stored = later();
  ext.storage.sync.set = async (values) => { await stored.promise; return set.call(ext.storage.sync, values); };
  try {
    type(doc, "serverUrl", "http://127.0.0.1:8777/v1/score");
    submit(doc);
    await settle();
    assert.notEqual(message(doc), "Saved.");
    stored.resolve();
    await settle();
    assert.equal(message(doc), "Saved.");
    assert.equal(ext.storage.sync.data.serverUrl, "http://127.0.0.1:8777", "saved without the endpoint's path");
    assert.equal(doc.getElementById("serverUrl").value, "http://127.0.0.1:8777");
    // Storage refusing the values (e.g. over its quota) is said, not "Saved.".
    ext.storage.sync.set = async () => { throw new Error("QUOTA_BYTES_PER_ITEM quota exceeded"); };
    type(doc, "serverUrl", "http://127.0.0.1:8778");
    submit(doc);
    await settle();
    assert.equal(message(doc), "Could not save the settings (QUOTA_BYTES_PER_ITEM quota exceeded). Try again.");
  } finally {
    ext.storage.sync.set = set;
    ext.storage.sync.data.serverUrl = "http://127.0.0.1:8765";
  }
});

test("the slider shows the server's own threshold while it is in use, and no made-up one when unknown", async () => {
  ext.storage.sync.data.threshold = null;
  ext.onSend = (m) => (m.type === "server-info"
    ? { ok: true, info: { ready: true, threshold: 0.856, thresholds: { sentence: 0.856, passage: 0.8, article: 0.87 } } }
    : undefined);
  let doc = await loadExtensionPage("options");
  const slider = () => doc.getElementById("threshold");
  const shown = () => doc.getElementById("thresholdValue").textContent;
  assert.equal(shown(), "server default (0.86)");
  assert.ok(!slider().hidden && slider().disabled);
  assert.equal(slider().value, "0.86");
  assert.deepEqual(ext.sent.at(-1), { type: "server-info", serverUrl: "http://127.0.0.1:8765", token: "" });
  // Own threshold: it starts at the server's, and is the user's from then on.
  doc.getElementById("customThreshold").click();
  assert.ok(!slider().disabled);
  assert.equal(shown(), "0.86");
  slider().value = "0.6";
  slider().dispatchEvent(new doc.defaultView.Event("input", { bubbles: true }));
  assert.equal(shown(), "0.60");
  doc.getElementById("customThreshold").click();
  assert.equal(shown(), "server default (0.86)");
  doc.getElementById("customThreshold").click();
  assert.equal(shown(), "0.60", "the user's own value comes back");
  // The server's threshold unknown (not reachable): no knob at a made-up 0.70.
  ext.onSend = () => undefined;
  doc = await loadExtensionPage("options");
  assert.equal(shown(), "server default");
  assert.ok(slider().hidden);
  doc.getElementById("customThreshold").click();
  assert.ok(!slider().hidden && !slider().disabled);
  assert.equal(shown(), "0.70");
});

test("Test connection: `make serve` only for the default server; others are told to check the address", async () => {
  const doc = await loadExtensionPage("options");
  const testWith = async (serverUrl, reply) => {
    ext.onSend = (m) => (m.type === "server-info" ? reply : undefined);
    doc.getElementById("serverUrl").value = serverUrl;
    doc.getElementById("test").click();
    await settle();
    return message(doc);
  };
  const down = { ok: false, error: { kind: "unreachable", message: "Cannot reach" } };
  // The same advice as the popup's (shared/notices.js), with this page's next step.
  assert.equal(await testWith("http://127.0.0.1:8765", down), "Cannot reach the Telltale server at http://127.0.0.1:8765. "
    + "Start it in the Telltale folder with make serve (or telltale serve), wait for “ready”, then test the connection again. "
    + "A team server’s address goes in Settings.");
  assert.equal(await testWith("http://127.0.0.1:9100", down), "Cannot reach the Telltale server at http://127.0.0.1:9100. "
    + "Start it in the Telltale folder with telltale serve --port 9100 (make serve starts it at the default address), "
    + "wait for “ready”, then test the connection again.");
  ext.hasPermission = false;
  try {
    assert.equal(await testWith("https://telltale.team.example", down),
      "Cannot reach the Telltale server at https://telltale.team.example. Check the Server URL in Settings, or ask whoever "
      + "runs the server whether it is up; then test the connection again. A new address needs Save first, to give Telltale "
      + "permission to reach it.");
  } finally {
    ext.hasPermission = true;
  }
  assert.equal(await testWith("https://telltale.team.example", down), "Cannot reach the Telltale server at https://telltale.team.example. "
    + "Check the Server URL in Settings, or ask whoever runs the server whether it is up; then test the connection again.");
  const notFound = { ok: false, error: { kind: "not-found", message: "No Telltale server at http://127.0.0.1:8765/api; check the Server URL in Settings." } };
  assert.equal(await testWith("http://127.0.0.1:8765/api", notFound), "No Telltale server at http://127.0.0.1:8765/api; check the Server URL in Settings.");
  ext.onSend = () => undefined;
});

test("Test connection: a server whose model could not be loaded needs a restart, by whoever runs it; it is not \"still loading\"", async () => {
  const doc = await loadExtensionPage("options");
  const testWith = async (serverUrl, info) => {
    ext.onSend = (m) => (m.type === "server-info" ? { ok: true, info } : undefined);
    doc.getElementById("serverUrl").value = serverUrl;
    doc.getElementById("test").click();
    await settle();
    return { text: message(doc), kind: doc.getElementById("message").className };
  };
  const failed = { ready: false, error: "model_unavailable" };
  assert.deepEqual(await testWith("https://telltale.team.example", failed), { kind: "error",
    text: "The Telltale server at https://telltale.team.example could not load its model, so it cannot check articles. "
      + "It needs a restart: ask whoever runs it." });
  assert.deepEqual(await testWith("http://127.0.0.1:8765", failed), { kind: "error",
    text: "The Telltale server at http://127.0.0.1:8765 could not load its model, so it cannot check articles. "
      + "Restart it (make serve) and look at its log for the reason." });
  assert.deepEqual(await testWith("http://127.0.0.1:8765", { ready: false }), { kind: "ok", text: "Connected; the model is still loading." });
  ext.onSend = () => undefined;
});

test("the slider's \"server default\" is the saved server's threshold: not one only tested, and the new one's once saved", async () => {
  ext.storage.sync.data.serverUrl = "http://127.0.0.1:8765";
  ext.storage.sync.data.threshold = null;
  const THRESHOLDS = { "http://127.0.0.1:8765": 0.856, "http://127.0.0.1:9100": 0.7 };
  ext.onSend = (m) => (m.type === "server-info"
    ? { ok: true, info: { ready: true, model: { name: "m", version: "1" }, thresholds: { sentence: THRESHOLDS[m.serverUrl] } } }
    : undefined);
  const doc = await loadExtensionPage("options");
  const shown = () => doc.getElementById("thresholdValue").textContent;
  try {
    assert.equal(shown(), "server default (0.86)");
    type(doc, "serverUrl", "http://127.0.0.1:9100");
    doc.getElementById("test").click();
    await settle();
    assert.match(message(doc), /^Connected/);
    assert.equal(shown(), "server default (0.86)", "the tested server is not in use yet");
    submit(doc);
    await settle();
    assert.equal(message(doc), "Saved.");
    assert.equal(shown(), "server default (0.70)", "the saved server's own");
    // A saved server that does not answer: no other server's number.
    ext.onSend = () => undefined;
    type(doc, "serverUrl", "http://127.0.0.1:9200");
    submit(doc);
    await settle();
    assert.equal(shown(), "server default");
  } finally {
    ext.onSend = () => undefined;
    ext.storage.sync.data.serverUrl = "http://127.0.0.1:8765";
  }
});
