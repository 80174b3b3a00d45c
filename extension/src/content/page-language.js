// The language a page declares (<html lang>). The server reads English only: a page that
// says it is in another language is not sent on its own (a click still sends it, for pages
// that declare their language wrongly).

// Codes that name no particular language: undetermined, several, no linguistic content, other.
const NO_LANGUAGE = new Set(["und", "mul", "zxx", "mis"]);

/** The primary language subtag the page declares, lower case ("fr" for "fr-CA"), or "". */
export function declaredLanguage(doc) {
  const lang = String((doc.documentElement && doc.documentElement.getAttribute("lang")) || "").trim();
  const primary = lang.split(/[-_]/)[0].toLowerCase();
  return /^[a-z]{2,3}$/.test(primary) && !NO_LANGUAGE.has(primary) ? primary : "";
}

/** Does the page say it is in a language other than English? (No lang at all: no.) */
export function declaresOtherLanguage(doc) {
  const lang = declaredLanguage(doc);
  return lang !== "" && lang !== "en" && lang !== "eng";
}
