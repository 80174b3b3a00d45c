// What Telltale tells the user about the server and the article's language, in one place for
// the popup, the options page, the toolbar badge and the background's errors. Plain text
// (callers put it in with textContent); where a command is named, as a segment {code} that
// the popup shows as code.

import { startCommand } from "./settings.js";

/** A 404 from the address: something answers there, but not a Telltale server. */
export function notFound(serverUrl) {
  return `No Telltale server at ${serverUrl || "this address"}; check the Server URL in Settings.`;
}

export function unreachable(serverUrl) {
  return `Cannot reach the Telltale server at ${serverUrl}.`;
}

export function timedOut(serverUrl) {
  return `The Telltale server at ${serverUrl} did not answer in time.`;
}

function commandFor(serverUrl) {
  try {
    return startCommand(serverUrl);
  } catch {
    return null; // not a URL: no command to give
  }
}

/**
 * What to do about a server that does not answer, as segments (strings and {code}): start it
 * when it runs on this computer ("make serve" at the default address, "telltale serve
 * --port N" on another port), else check the address or ask whoever runs it. `then`: the
 * step after that on the page showing it.
 */
export function serverDown(serverUrl, { then = "press Rescan" } = {}) {
  const command = commandFor(serverUrl);
  if (command === "make serve") {
    return ["Start it in the Telltale folder with ", { code: "make serve" }, " (or ", { code: "telltale serve" },
      `), wait for “ready”, then ${then}. A team server’s address goes in Settings.`];
  }
  if (command) {
    return ["Start it in the Telltale folder with ", { code: command }, " (", { code: "make serve" },
      ` starts it at the default address), wait for “ready”, then ${then}.`];
  }
  return [`Check the Server URL in Settings, or ask whoever runs the server whether it is up; then ${then}.`];
}

/** A server that answers but could not load its model: it needs a restart, by whoever runs it. */
export function modelUnavailable(serverUrl) {
  const command = commandFor(serverUrl);
  return `The Telltale server at ${serverUrl} could not load its model, so it cannot check articles. `
    + (command ? `Restart it (${command}) and look at its log for the reason.` : "It needs a restart: ask whoever runs it.");
}

/** Segments as one line of plain text. */
export function asText(segments) {
  return segments.map((s) => (typeof s === "string" ? s : s.code)).join("");
}

// A page that is not in English is expected, not a failure: said plainly, as a note.
export const NOT_ENGLISH = "This page is not in English; Telltale only checks English articles.";

const parts = (n) => (n === 1 ? "1 part" : `${n} parts`);

/**
 * The line beside the marks of an article checked only in part. `partial`: {error,
 * refusedParts, unsentParts, totalParts}: parts the server refused, parts never sent (after a
 * refusal that would have met them all, such as "not in English", or a server gone down).
 */
export function partialNote({ error, refusedParts = 0, unsentParts = 0, totalParts }) {
  const checked = totalParts - refusedParts - unsentParts;
  const marksFor = `the marks are for the ${checked === 1 ? "part" : `${checked} parts`} checked.`;
  if (error && error.kind === "language") {
    const is = refusedParts === 1 ? "is" : "are";
    return `${refusedParts} of ${totalParts} parts of the article ${is} not in English`
      + (unsentParts ? `, so the rest (${parts(unsentParts)}) was not sent; ` : ` and ${refusedParts === 1 ? "was" : "were"} not checked; `)
      + marksFor;
  }
  return `${refusedParts + unsentParts} of ${totalParts} parts of the article could not be checked; ${marksFor}`;
}

/** The toolbar button's title for an article checked only in part, after its count. */
export function partialTitle(errorKind) {
  return errorKind === "language" ? "(part of the article is not in English)" : "(part of the article could not be checked)";
}
