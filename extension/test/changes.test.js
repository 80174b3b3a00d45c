import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { articleStillThere, sameDocument, SettleTimer } from "../src/content/changes.js";

test("a page that changes all the time is still checked, at the latest after the maximum wait", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let checks = 0;
    const timer = new SettleTimer(() => checks++, { settleMs: 1200, maxWaitMs: 5000 });
    for (let t = 0; t < 12000; t += 1000) { // a change every second: never 1.2 s of quiet
      timer.poke();
      mock.timers.tick(1000);
    }
    assert.ok(checks >= 2, `checked ${checks} times in 12 s`);
    checks = 0;
    mock.timers.tick(1200); // quiet now: checked once more, then no more
    mock.timers.tick(10000);
    assert.equal(checks, 1);
  } finally {
    mock.timers.reset();
  }
});

test("a URL change is looked at sooner than a mere change", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    let checks = 0;
    const timer = new SettleTimer(() => checks++, { settleMs: 1200, maxWaitMs: 5000 });
    timer.poke(300);
    mock.timers.tick(300);
    assert.equal(checks, 1);
  } finally {
    mock.timers.reset();
  }
});

test("cheap checks: same document but for the fragment; the scanned article still on the page", () => {
  assert.ok(sameDocument("https://a.test/story#comments", "https://a.test/story"));
  assert.ok(!sameDocument("https://a.test/story/2", "https://a.test/story/1"));
  const text = "Live: 12:01 Markets up. First paragraph here. Second one too. Most read";
  assert.ok(articleStillThere(text, ["First paragraph here.", "Second one too."]));
  assert.ok(!articleStillThere(text, ["First paragraph here.", "A paragraph that went."]));
  assert.ok(!articleStillThere(text, []));
});
