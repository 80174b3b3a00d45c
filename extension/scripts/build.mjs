// Build the extension for Chrome and Firefox from one source tree:
//   dist/chrome/, dist/firefox/ (unpacked) and dist/telltale-<browser>-<version>.zip.
// Bundles with esbuild (no remote code, no eval), writes each browser's manifest, draws icons.

import { build } from "esbuild";
import { zipSync } from "fflate";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { iconPng } from "./icons.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const dist = join(root, "dist");
const base = JSON.parse(readFileSync(join(src, "manifest.json"), "utf8"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

export const GECKO_ID = "telltale@telltale.invalid";

/** The manifest for one browser. The source manifest's content_security_policy must stay:
 * without one, Firefox gives MV3 extension pages upgrade-insecure-requests, and a team
 * server on plain http:// could not be reached (test/build.test.js checks it). */
export function manifestFor(browser) {
  const m = structuredClone(base);
  m.version = pkg.version;
  if (browser === "chrome") {
    m.background = { service_worker: "background.js" };
    m.minimum_chrome_version = "105";
  } else {
    m.background = { scripts: ["background.js"] };
    // Firefox puts a new button in the Extensions (puzzle) panel, where the badge's count
    // cannot be seen; start it in the toolbar (Chrome does not know the key).
    m.action.default_area = "navbar";
    m.browser_specific_settings = {
      gecko: {
        id: GECKO_ID,
        strict_min_version: "140.0",
        // The article's text goes to the server the user configured (their own by default).
        data_collection_permissions: { required: ["websiteContent"] },
      },
      gecko_android: { strict_min_version: "142.0" },
    };
  }
  return m;
}

const ENTRIES = {
  "content.js": "content/index.js",
  "background.js": "background/index.js",
  "popup.js": "popup/popup.js",
  "options.js": "options/options.js",
};
const STATIC = {
  "content.css": "content/content.css",
  "popup.html": "popup/popup.html",
  "popup.css": "popup/popup.css",
  "options.html": "options/options.html",
  "options.css": "options/options.css",
};

function zipDir(dir) {
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split("\\").join("/")] = [readFileSync(p), { mtime: new Date("2024-01-01T00:00:00Z") }];
    }
  };
  walk(dir);
  return zipSync(files, { level: 9 });
}

async function buildBrowser(browser) {
  const out = join(dist, browser);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "icons"), { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([o, i]) => [o.replace(/\.js$/, ""), join(src, i)])),
    outdir: out,
    bundle: true,
    format: "iife",
    target: browser === "chrome" ? ["chrome105"] : ["firefox115"],
    legalComments: "none",
    minify: false,
    logLevel: "warning",
  });
  for (const [o, i] of Object.entries(STATIC)) cpSync(join(src, i), join(out, o));
  for (const size of [16, 32, 48, 128]) writeFileSync(join(out, "icons", `${size}.png`), iconPng(size));
  writeFileSync(join(out, "manifest.json"), JSON.stringify(manifestFor(browser), null, 2) + "\n");
  const zip = join(dist, `telltale-${browser}-${pkg.version}.zip`);
  writeFileSync(zip, zipDir(out));
  console.log(`built ${relative(root, out)}/ and ${relative(root, zip)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browsers = process.argv.slice(2).length ? process.argv.slice(2) : ["chrome", "firefox"];
  for (const b of browsers) await buildBrowser(b);
}
