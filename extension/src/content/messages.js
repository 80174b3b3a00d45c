// Messages from the popup and the background: the state for the popup, a rescan on a click,
// showing or hiding the marks, and moving to a mark.

import { stopIfOrphaned } from "./orphan.js";
import { dropOwnMutations } from "./session.js";
import { scrollToMark, showFor } from "./pointer.js";
import { run } from "./scan.js";

/** The runtime.onMessage listener for this copy of the script. */
export function messageHandler(session) {
  const { highlighter, ui } = session;
  return function onMessage(message, _sender, sendResponse) {
    if (stopIfOrphaned(session)) return false;
    switch (message && message.type) {
      case "get-state":
        sendResponse({ ...session.state, host: location.hostname, mode: session.settings ? session.settings.mode : "auto" });
        return false;
      case "rescan":
        run(session, { force: true });
        sendResponse({ ok: true });
        return false;
      case "toggle-highlights":
        highlighter.setVisible(message.visible ?? !highlighter.visible);
        if (!highlighter.visible) ui.hide();
        dropOwnMutations(session);
        session.state = { ...session.state, highlightsVisible: highlighter.visible };
        sendResponse({ visible: highlighter.visible });
        return false;
      case "scroll-to": {
        const mark = highlighter.marks.find((m) => m.id === message.markId);
        if (mark) {
          if (!highlighter.visible) highlighter.setVisible(true);
          scrollToMark(mark);
          highlighter.focus(mark);
          requestAnimationFrame(() => showFor(session, mark));
        }
        sendResponse({ ok: Boolean(mark) });
        return false;
      }
      case "focus-next": {
        const marks = highlighter.marks;
        if (marks.length) {
          const currentId = ui.current ? ui.current.id : 0;
          const next = marks.find((m) => m.id > currentId) || marks[0];
          ui.focusMark(next.id);
        }
        sendResponse({ ok: true });
        return false;
      }
      default:
        return false;
    }
  };
}
