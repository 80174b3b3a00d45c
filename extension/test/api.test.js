import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { REDIRECT_MESSAGE, ServerError, scoreParagraphs, scoreWithRetry, serverInfo } from "../src/background/api.js";

// A recording stand-in for fetch: the real server is exercised by tests/test_extension_e2e.py.
function recorder(status, body, headers = {}, type = "basic") {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, type, json: async () => body, headers: new Headers(headers) };
  };
  return { calls, fetchImpl };
}

const OK = { article: { probability: 0.1, flagged: false, verdict: "no signs" }, passages: [] };

test("only the paragraphs are sent: no URL, title, cookies or referrer", async () => {
  const { calls, fetchImpl } = recorder(200, OK);
  await scoreParagraphs({ serverUrl: "http://127.0.0.1:8765", token: "" }, ["One.", "Two."], { fetchImpl });
  const { url, init } = calls[0];
  assert.equal(url, "http://127.0.0.1:8765/v1/score");
  assert.deepEqual(JSON.parse(init.body), { paragraphs: ["One.", "Two."] });
  assert.equal(init.credentials, "omit");
  assert.equal(init.referrerPolicy, "no-referrer");
  assert.deepEqual(init.headers, { "Content-Type": "application/json" });
});

test("the team token goes in the Authorization header", async () => {
  const { calls, fetchImpl } = recorder(200, OK);
  await scoreParagraphs({ serverUrl: "https://t.example", token: "secret-token-0123456789" }, ["One."], { fetchImpl });
  assert.equal(calls[0].init.headers.Authorization, "Bearer secret-token-0123456789");
});

test("failures become {kind, message}", async () => {
  const settings = { serverUrl: "http://127.0.0.1:1", token: "" };
  const refused = async () => { throw new TypeError("Failed to fetch"); };
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: refused }),
    (e) => e instanceof ServerError && e.kind === "unreachable" && /Cannot reach/.test(e.message));
  const { fetchImpl: unauthorized } = recorder(401, { error: { type: "unauthorized", message: "Send the team token." } });
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: unauthorized }),
    (e) => e.kind === "unauthorized" && e.message === "Send the team token." && e.status === 401);
  const { fetchImpl: busy } = recorder(503, { error: { type: "not_ready", message: "The model is still loading." } });
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: busy }), (e) => e.kind === "starting");
  const { fetchImpl: wrong } = recorder(200, { hello: "world" });
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: wrong }), (e) => e.kind === "server");
  const hang = (_url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted"))));
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: hang, timeoutMs: 20 }), (e) => e.kind === "timeout");
});

test("the server's error types become kinds the popup explains", async () => {
  const settings = { serverUrl: "http://127.0.0.1:1", token: "" };
  const cases = [
    [422, "unsupported_language", "language"],
    [422, "empty_input", "empty"],
    [413, "payload_too_large", "too-large"],
    [413, "input_too_large", "too-large"],
    [429, "overloaded", "busy"],
    [503, "not_ready", "starting"],
    [503, "model_unavailable", "model-unavailable"],
    [401, "unauthorized", "unauthorized"],
    [422, "invalid_request", "server"],
    [503, undefined, "starting"],
  ];
  for (const [status, type, kind] of cases) {
    const { fetchImpl } = recorder(status, { error: { type, message: "m" } }, { "Retry-After": "2" });
    await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl }),
      (e) => e.kind === kind && e.status === status && e.retryAfter === 2, `${status} ${type}`);
  }
});

test("a server whose model failed to load is not 'starting': not_ready with a long Retry-After", async () => {
  const settings = { serverUrl: "http://127.0.0.1:1", token: "" };
  // server/engine.py score(): the model could not be loaded.
  const message = "The model could not be loaded: no such file. The server cannot score until it is restarted with a working model.";
  const { calls, fetchImpl } = recorder(503, { error: { type: "not_ready", message } }, { "Retry-After": "60" });
  const waits = [];
  await assert.rejects(scoreWithRetry(settings, ["x"], { fetchImpl, sleep: async (ms) => { waits.push(ms); } }),
    (e) => e.kind === "model-unavailable" && e.message === message);
  assert.equal(calls.length, 1, "not retried: it needs a restart");
  assert.deepEqual(waits, []);
  const { fetchImpl: noHeader } = recorder(503, { error: { type: "not_ready", message } });
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: noHeader }), (e) => e.kind === "model-unavailable");
  const { fetchImpl: loading } = recorder(503, { error: { type: "not_ready", message: "The model is still loading; retry in a few seconds." } }, { "Retry-After": "2" });
  await assert.rejects(scoreParagraphs(settings, ["x"], { fetchImpl: loading }), (e) => e.kind === "starting");
});

test("a busy or starting server is retried once after its Retry-After, capped", async () => {
  const settings = { serverUrl: "http://127.0.0.1:1", token: "" };
  const waits = [];
  const sleep = async (ms) => { waits.push(ms); };
  let n = 0;
  const thenOk = async () => (++n === 1
    ? { ok: false, status: 429, headers: new Headers({ "Retry-After": "1" }), json: async () => ({ error: { type: "overloaded", message: "busy" } }) }
    : { ok: true, status: 200, headers: new Headers(), json: async () => OK });
  assert.deepEqual(await scoreWithRetry(settings, ["x"], { fetchImpl: thenOk, sleep }), OK);
  assert.deepEqual(waits, [1000]);
  const { calls, fetchImpl: slow } = recorder(429, { error: { type: "overloaded", message: "busy" } }, { "Retry-After": "600" });
  await assert.rejects(scoreWithRetry(settings, ["x"], { fetchImpl: slow, sleep }), (e) => e.kind === "busy");
  assert.equal(calls.length, 2, "one retry only");
  assert.equal(waits[1], 5000, "the wait is capped");
  const { calls: refusedCalls, fetchImpl: language } = recorder(422, { error: { type: "unsupported_language", message: "x" } });
  await assert.rejects(scoreWithRetry(settings, ["x"], { fetchImpl: language, sleep }), (e) => e.kind === "language");
  assert.equal(refusedCalls.length, 1, "a refused article is not retried");
});

test("redirects are not followed: a 3xx (or a browser's opaque redirect) is a server error that says so", async () => {
  const settings = { serverUrl: "https://t.example", token: "secret-token-0123456789" };
  for (const [status, type] of [[307, "basic"], [308, "basic"], [301, "basic"], [302, "basic"], [0, "opaqueredirect"]]) {
    const { calls, fetchImpl } = recorder(status, null, { Location: "https://elsewhere.example/v1/score" }, type);
    await assert.rejects(scoreWithRetry(settings, ["One."], { fetchImpl, sleep: async () => {} }),
      (e) => e instanceof ServerError && e.kind === "server" && e.message === REDIRECT_MESSAGE, `score ${status} ${type}`);
    assert.equal(calls.length, 1, "not retried");
    assert.equal(calls[0].init.redirect, "manual");
    const { calls: infoCalls, fetchImpl: info } = recorder(status, null, { Location: "https://elsewhere.example/v1/info" }, type);
    await assert.rejects(serverInfo(settings, { fetchImpl: info }),
      (e) => e.kind === "server" && e.message === REDIRECT_MESSAGE, `info ${status} ${type}`);
    assert.equal(infoCalls[0].init.redirect, "manual");
  }
  assert.match(REDIRECT_MESSAGE, /does not follow redirects\. Check the Server URL in Settings\./);
});

/** A local HTTP server answering with `handler`; its requests are recorded. */
async function httpServer(handler) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => { requests.push({ method: req.method, url: req.url, body }); handler(req, res); });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("with a real fetch, a 307 or 308 from the server sends the paragraphs nowhere else", async () => {
  const elsewhere = await httpServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(OK));
  });
  let status = 307;
  const configured = await httpServer((req, res) => {
    res.writeHead(status, { Location: `${elsewhere.url}${req.url}` });
    res.end();
  });
  try {
    const settings = { serverUrl: configured.url, token: "secret-token-0123456789" };
    for (status of [307, 308]) {
      await assert.rejects(scoreParagraphs(settings, ["A private paragraph."]), (e) => e.kind === "server" && e.status === status);
      await assert.rejects(serverInfo(settings), (e) => e.kind === "server" && e.status === status);
    }
    assert.equal(configured.requests.length, 4);
    assert.deepEqual(elsewhere.requests, [], "the other address got nothing");
  } finally {
    await configured.close();
    await elsewhere.close();
  }
});
