// The content script: extract the article, have the background score it in chunks, anchor
// the flagged sentences onto the live page, mark them, and keep the popup and the badge
// informed. Follows single-page sites through DOM mutations and URL changes.
//
// This file only wires the parts together around one shared state object (session.js):
//   scan.js             extract the article, send it in parts, merge the results
//   render.js           anchor and mark the flagged sentences; the summary for the popup
//   pointer.js          the tooltip: hover, focus, Escape and scrolling
//   follow-page.js      single-page sites: mutations, address changes, marks to anchor again
//   orphan.js           step aside after an extension reload
//   messages.js         messages from the popup and the background
//   settings-changes.js apply changed settings
//   visible.js          the first scan waits until the tab is visible

import { ext } from "../shared/ext.js";
import { removeLeftovers } from "./highlight.js";
import { createSession } from "./session.js";
import { listenForPointer } from "./pointer.js";
import { createPageFollower, followPage } from "./follow-page.js";
import { messageHandler } from "./messages.js";
import { listenForSettings } from "./settings-changes.js";
import { run } from "./scan.js";
import { whenVisible } from "./visible.js";

const session = createSession(document);
createPageFollower(session);

function start() {
  removeLeftovers(document); // marks of a copy of this script from before an extension reload
  listenForPointer(session);
  followPage(session);
  ext.runtime.onMessage.addListener(messageHandler(session));
  listenForSettings(session);
  whenVisible(document, () => run(session));
}

// Run once per page, should the script ever be injected twice.
if (!window.__telltaleContent) {
  window.__telltaleContent = true;
  start();
}
