// Strings for the page's language, rendered by the server into <script type="application/json" id="i18n">.
// Every visible string comes from here (or from the server-rendered HTML); none is hard-coded.

function readJson(id) {
  const node = document.getElementById(id);
  if (!node) return {};
  try {
    return JSON.parse(node.textContent || "{}");
  } catch {
    return {};
  }
}

const strings = readJson("i18n");

/** Page configuration (language, service time zone, booking code...) from #page-data. */
export const pageData = readJson("page-data");

export const lang = document.documentElement.lang === "en" ? "en" : "ko";

/** Translate `key`, filling `{name}` placeholders from `params`. Falls back to the key itself. */
export function t(key, params = {}) {
  const text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The display name of a catalog entry ({code, name_ko, name_en}) in the page's language. */
export function nameOf(entry) {
  if (!entry) return "";
  return (lang === "en" ? entry.name_en : entry.name_ko) || entry.name_en || entry.code || "";
}

/** Look up a catalog entry by code and return its display name (or the code if unknown). */
export function nameFor(list, code) {
  if (!code) return "";
  const found = (list || []).find((item) => item.code === code);
  return found ? nameOf(found) : code;
}
