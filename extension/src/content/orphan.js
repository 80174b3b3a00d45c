// After an extension reload or removal, the copy of this script already in the page can no
// longer reach the extension: it stops and takes away its own marks and UI.

import { ext } from "../shared/ext.js";

/** The extension was reloaded or removed: this script can no longer reach it. Step aside. */
export function stopIfOrphaned(session) {
  if (session.stopped) return true;
  let alive = false;
  try {
    alive = Boolean(ext.runtime && ext.runtime.id);
  } catch {
    alive = false;
  }
  if (alive) return false;
  session.stopped = true;
  session.generation++;
  session.observer.disconnect();
  session.changes.cancel();
  // Only this copy's own marks and UI: the Highlight registry is the page's, shared with a
  // fresh copy of the script that may already have marked the page.
  session.highlighter.unwrapAll();
  session.ui.detach();
  return true;
}
