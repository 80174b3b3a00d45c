import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { installFakeExt, loadExtensionPage, settle } from "./fake-ext.js";

const ext = installFakeExt();
// After the fake is in place: src/shared/ext.js reads it when first imported.
const { insecureServerWarning, loadSettings } = await import("../src/shared/settings.js");

function submit(doc) {
  const event = new doc.defaultView.Event("submit", { cancelable: true });
  doc.getElementById("form").dispatchEvent(event);
}

test("saving a team server asks for its permission synchronously, within the click (Firefox)", async () => {
  ext.storage.local.data.token = "t0ken";
  const doc = await loadExtensionPage("options");
  assert.equal(doc.getElementById("token").value, "t0ken", "the options page reads the token");
  doc.getElementById("serverUrl").value = "https://telltale.example.org";
  let contains = 0;
  ext.permissions.contains = async () => { contains++; return false; };
  submit(doc);
  // Nothing awaited in between: the request happens while the browser still sees the click.
  assert.deepEqual(ext.permissionRequests, [{ origins: ["https://telltale.example.org/*"] }]);
  await settle();
  assert.equal(doc.getElementById("message").textContent, "Saved.");
  assert.equal(ext.storage.sync.data.serverUrl, "https://telltale.example.org");
});

test("a refused permission is not saved", async () => {
  const doc = await loadExtensionPage("options");
  ext.permissions.request = (perms) => { ext.permissionRequests.push(perms); return Promise.resolve(false); };
  doc.getElementById("serverUrl").value = "https://other.example.org";
  submit(doc);
  await settle();
  assert.equal(doc.getElementById("message").textContent,
    "Permission to reach other.example.org was refused, so nothing was saved. Press Save again and allow it when the browser asks.");
  assert.notEqual(ext.storage.sync.data.serverUrl, "https://other.example.org");
});

test("a plain http:// team server is warned about, not refused", async () => {
  assert.equal(insecureServerWarning("http://127.0.0.1:8765"), "");
  assert.equal(insecureServerWarning("http://localhost:8765"), "");
  assert.equal(insecureServerWarning("https://t.example.org"), "");
  assert.match(insecureServerWarning("http://t.example.org:8765"), /unencrypted/);
  ext.permissions.request = (perms) => { ext.permissionRequests.push(perms); return Promise.resolve(true); };
  const doc = await loadExtensionPage("options");
  const warning = doc.getElementById("server-warning");
  const input = doc.getElementById("serverUrl");
  input.value = "http://10.0.0.5:8765";
  input.dispatchEvent(new doc.defaultView.Event("input"));
  assert.ok(!warning.hidden);
  assert.match(warning.textContent, /10\.0\.0\.5:8765.*unencrypted/);
  submit(doc);
  assert.deepEqual(ext.permissionRequests.at(-1), { origins: ["http://10.0.0.5/*"] }, "no port: Firefox refuses one");
  await settle();
  assert.equal(doc.getElementById("message").textContent, "Saved.");
  input.value = "http://127.0.0.1:8765";
  input.dispatchEvent(new doc.defaultView.Event("input"));
  assert.ok(warning.hidden);
});

test("content scripts and the popup get settings without the token", async () => {
  ext.storage.local.data.token = "t0ken";
  ext.storage.local.reads.length = 0;
  const settings = await loadSettings();
  assert.equal(settings.token, undefined);
  assert.deepEqual(ext.storage.local.reads, [], "storage.local is not even read");
  assert.equal((await loadSettings({ withToken: true })).token, "t0ken");
});

test("the threshold slider has a label", async () => {
  const doc = await loadExtensionPage("options");
  const slider = doc.getElementById("threshold");
  assert.ok(slider.labels.length >= 1 && slider.labels[0].textContent.trim());
});

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a, b) {
  const lum = (hex) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("the Save button's text has at least 4.5:1 contrast in light and dark mode", () => {
  const css = readFileSync(new URL("../src/options/options.css", import.meta.url), "utf8");
  const rule = css.match(/button\[type=submit\]\s*\{([^}]*)\}/)[1];
  const varOf = (block, name) => block.match(new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`))?.[1];
  const light = css.slice(0, css.indexOf("@media (prefers-color-scheme: dark)"));
  const dark = css.slice(css.indexOf("@media (prefers-color-scheme: dark)"));
  const colour = (block) => {
    const fg = rule.match(/(?:^|;)\s*color:\s*([^;]+)/)[1].trim();
    return fg.startsWith("var(") ? varOf(block, fg.slice(6, -1)) || varOf(light, fg.slice(6, -1)) : fg;
  };
  for (const block of [light, dark]) {
    const bg = varOf(block, "accent");
    assert.ok(contrast(bg, colour(block)) >= 4.5, `${colour(block)} on ${bg}: ${contrast(bg, colour(block)).toFixed(2)}`);
  }
});
