// Settings changed (options page, popup's pause, another site paused): apply them, once the
// storage has been quiet for a moment.

import { ext } from "../shared/ext.js";
import { loadSettings, isSkipped } from "../shared/settings.js";
import { stopIfOrphaned } from "./orphan.js";
import { renderAgain } from "./render.js";
import { run } from "./scan.js";

const SETTINGS_SETTLE_MS = 300;

/** Apply changed settings: storage changes come in bursts, so wait for a quiet moment. */
export function listenForSettings(session) {
  let settingsTimer = 0;
  ext.storage.onChanged.addListener(() => {
    clearTimeout(settingsTimer);
    settingsTimer = setTimeout(() => onSettingsChanged(session), SETTINGS_SETTLE_MS);
  });
}

/**
 * A result at hand is shown again at the new sensitivity, never sent again; only an automatic
 * check with no result yet starts a new scan. On-click mode sends nothing here.
 */
async function onSettingsChanged(session) {
  if (stopIfOrphaned(session)) return;
  const gen = session.generation;
  const next = await loadSettings().catch(() => null);
  // A scan that started meanwhile read the new settings itself (and owns `scan` now).
  if (gen !== session.generation || stopIfOrphaned(session)) return;
  if (!next || isSkipped(location.hostname, next.skipSites) || session.state.status === "paused") {
    run(session); // paused or resumed here (a scan in click mode waits for a click)
    return;
  }
  session.settings = next;
  const { state, scan } = session;
  if (state.status === "scoring" || state.status === "extracting") return; // marks the rest with them
  if (scan && scan.result) {
    renderAgain(session, scan);
    return;
  }
  if (next.mode === "auto" || state.status !== "waiting") run(session); // never forced: click mode waits
}
