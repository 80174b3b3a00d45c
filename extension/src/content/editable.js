// What the user is writing stays on the page: text in web editors (contenteditable regions,
// a document in designMode, text fields) is never extracted, and typing in them starts no
// automatic check. A page whose main content is an editor is not an article page.

/** Regions the user can write in, as the extraction strips them from its clone. */
export const EDITABLE = '[contenteditable]:not([contenteditable="false"]), textarea, input';

// Fields one types text into (not a checkbox or a button).
const TEXT_FIELD = "textarea, input:not([type]), input[type=text], input[type=search], input[type=email], "
  + "input[type=url], input[type=tel], input[type=password], input[type=number]";

const designMode = (doc) => Boolean(doc && String(doc.designMode).toLowerCase() === "on");

/**
 * Whether `node` is inside a region the user can write in: a document in designMode, a text
 * field, or an element whose nearest contenteditable attribute is not "false" (an island
 * marked contenteditable="false" inside an editor is not editable).
 */
export function isEditable(node) {
  const el = node && (node.nodeType === 1 ? node : node.parentElement);
  if (!el || !el.closest) return false;
  if (designMode(el.ownerDocument)) return true;
  if (el.closest(TEXT_FIELD)) return true;
  const host = el.closest("[contenteditable]");
  return Boolean(host) && host.getAttribute("contenteditable").toLowerCase() !== "false";
}

/** Whether the user is writing now: the focused element is editable. */
export function isTyping(doc) {
  return isEditable(doc.activeElement);
}

/** Remove every editable region from `root` (a clone of the page, never the live page). */
export function removeEditable(root) {
  for (const el of root.querySelectorAll(EDITABLE)) el.remove();
}

/**
 * Whether the page is an editor rather than an article: a document in designMode, an editable
 * <body> or <html>, or editable regions that hold more text than the rest of the page.
 */
export function isEditorPage(doc) {
  if (designMode(doc)) return true;
  const body = doc.body;
  if (!body) return false;
  if (isEditable(body)) return true;
  const outermost = [...body.querySelectorAll(EDITABLE)].filter((el) => !el.parentElement.closest(EDITABLE));
  const length = (text) => text.replace(/\s+/g, "").length;
  const isField = (el) => el.localName === "textarea" || el.localName === "input";
  let written = 0; // what the user wrote: a text field's value (not a hidden one's), an editor's text
  let markup = 0; // the same regions' text in the markup, part of the body's text
  for (const el of outermost) {
    written += length(!isField(el) ? el.textContent : el.matches(TEXT_FIELD) ? String(el.value ?? "") : "");
    markup += length(el.textContent);
  }
  const rest = length(body.textContent) - markup;
  return written > rest;
}
