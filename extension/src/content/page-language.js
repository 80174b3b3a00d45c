// The language a page declares (<html lang>). The server reads English only: a page that
// says it is in another language is not sent on its own (a click still sends it, for pages
// that declare their language wrongly).

// Codes that name no particular language: undetermined, several, no linguistic content, other.
const NO_LANGUAGE = new Set(["und", "mul", "zxx", "mis"]);

/** The primary language subtag the page declares, lower case ("fr" for "fr-CA"), or "". */
function declaredLanguage(doc) {
  const lang = String((doc.documentElement && doc.documentElement.getAttribute("lang")) || "").trim();
  const primary = lang.split(/[-_]/)[0].toLowerCase();
  return /^[a-z]{2,3}$/.test(primary) && !NO_LANGUAGE.has(primary) ? primary : "";
}

/** The language other than English the page says it is in ("fr"), or "" (English, or none declared). */
export function otherDeclaredLanguage(doc) {
  const lang = declaredLanguage(doc);
  return lang === "en" || lang === "eng" ? "" : lang;
}
