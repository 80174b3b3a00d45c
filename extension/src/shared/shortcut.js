// The keyboard shortcut that moves to the next flagged sentence on the page, as the browser
// has it now (the user may have changed or removed it), else the manifest's suggestion. For
// the popup and the background (which answers the content script: it cannot read commands).

import { ext } from "./ext.js";

export const NEXT_FLAGGED = "next-flagged";

/** The keys of the "next flagged sentence" command ("Alt+Shift+J"), or "" when it has none
 * (or the browser has no shortcuts at all: Firefox for Android has no commands API). */
export async function nextFlaggedShortcut() {
  if (!ext.commands) return "";
  if (typeof ext.commands.getAll === "function") {
    const commands = await ext.commands.getAll().catch(() => null);
    const command = (commands || []).find((c) => c.name === NEXT_FLAGGED);
    if (command) return command.shortcut || "";
  }
  const manifest = typeof ext.runtime.getManifest === "function" ? ext.runtime.getManifest() : null;
  return manifest?.commands?.[NEXT_FLAGGED]?.suggested_key?.default || "";
}
