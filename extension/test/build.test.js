import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { iconPng } from "../scripts/icons.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

test("build writes both browsers' manifests, bundles and zips", () => {
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "pipe" });
  const chrome = JSON.parse(readFileSync(join(root, "dist/chrome/manifest.json"), "utf8"));
  const firefox = JSON.parse(readFileSync(join(root, "dist/firefox/manifest.json"), "utf8"));
  assert.equal(chrome.manifest_version, 3);
  assert.deepEqual(chrome.background, { service_worker: "background.js" });
  assert.equal(chrome.browser_specific_settings, undefined);
  assert.deepEqual(firefox.background, { scripts: ["background.js"] });
  assert.deepEqual(firefox.browser_specific_settings.gecko.data_collection_permissions, { required: ["websiteContent"] });
  assert.equal(firefox.browser_specific_settings.gecko.strict_min_version, "140.0"); // the README's "Firefox 140 or later"
  assert.equal(firefox.action.default_area, "navbar"); // the badge in sight, not in the Extensions panel
  assert.equal(chrome.action.default_area, undefined);
  for (const m of [chrome, firefox]) {
    assert.deepEqual(m.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
    assert.ok(m.commands["toggle-highlights"]);
    // Without its own policy an MV3 page in Firefox gets upgrade-insecure-requests, and a
    // team server on plain http:// could no longer be reached.
    assert.match(m.content_security_policy.extension_pages, /script-src 'self'/);
    assert.doesNotMatch(m.content_security_policy.extension_pages, /upgrade-insecure-requests/);
    for (const f of ["content.js", "content.css", "background.js", "popup.html", "popup.js", "options.html", "options.js", "icons/128.png"]) {
      assert.ok(existsSync(join(root, "dist", m.background.service_worker ? "chrome" : "firefox", f)), f);
    }
  }
  const bundle = readFileSync(join(root, "dist/chrome/content.js"), "utf8");
  assert.ok(!/\beval\(|new Function\(/.test(bundle), "no eval in the bundle");
  assert.ok(existsSync(join(root, "dist/telltale-chrome-0.1.0.zip")));
  assert.ok(existsSync(join(root, "dist/telltale-firefox-0.1.0.zip")));
});

test("web-ext lint passes on the Firefox build (no errors; only Readability's own innerHTML on its clone warns)", () => {
  execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "firefox"], { cwd: root, stdio: "pipe" });
  const webExt = join(root, "node_modules/web-ext/bin/web-ext.js");
  const out = execFileSync(process.execPath, [webExt, "lint", "-s", "dist/firefox", "-o", "json", "--no-config-discovery"],
    { cwd: root, encoding: "utf8" });
  const report = JSON.parse(out.slice(out.indexOf("{")));
  assert.equal(report.summary.errors, 0, JSON.stringify(report.errors));
  for (const w of report.warnings) {
    assert.equal(w.code, "UNSAFE_VAR_ASSIGNMENT", JSON.stringify(w));
    assert.equal(w.file, "content.js");
  }
});

test("icons are valid PNGs of the right size", () => {
  const png = iconPng(48);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer);
  assert.equal(view.getUint32(16), 48);
  const idatLen = view.getUint32(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLen));
  assert.equal(raw.length, 48 * (48 * 4 + 1));
});
