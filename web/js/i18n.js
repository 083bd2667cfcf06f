// The UI's languages: one catalogue per language in /i18n/<lang>.json (key -> text), chosen from the browser's
// languages unless the visitor picked one in the header's switch (kept in localStorage).
//
// Why pages keep their English text in the markup and are translated by matching it (as gettext does): the pages
// read well without JavaScript and before the catalogue arrives, and the page modules stay plain HTML. Every visible
// string of a page must be a catalogue entry (tests/unit/web/test_strings.py); text that scripts add later is
// translated the same way as it appears (a MutationObserver), and scripts that build sentences with values use t().
export const LANGUAGES = ["en", "de"];
const STORE_KEY = "badgeforge.lang";
const READ_ATTRIBUTES = ["alt", "aria-label", "placeholder", "title"];
const TITLE_PREFIX = "BadgeForge — ";
// Never translated: marked text, text in its own language, and what comes from the organizer's data (the file's
// rows and column names, the printed sheet), which may happen to read like a UI string ("Email", "Status").
const KEEP = "script, style, [translate=no], body [lang], #first-rows, #mapping select, #sheet";

const catalogues = {};
const byText = new Map(); // any loaded language's text -> key
let current = "en";
const listeners = [];

export function language() { return current; }

function chosen() {
  const stored = localStorage.getItem(STORE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const primary = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}

async function load(lang) {
  if (!catalogues[lang]) {
    const response = await fetch(`/i18n/${lang}.json`);
    if (!response.ok) throw new Error(`no catalogue for ${lang}`);
    catalogues[lang] = await response.json();
    for (const [key, text] of Object.entries(catalogues[lang])) if (!byText.has(text)) byText.set(text, key);
  }
  return catalogues[lang];
}

// t("admin.whole_number") or t("index.js.row", { row: 3 }) for "… {row}" texts; falls back to English, then the key.
export function t(key, values = {}) {
  const text = (catalogues[current] && catalogues[current][key]) ?? (catalogues.en && catalogues.en[key]) ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// tn("index.js.per_sheet", 3, { … }): the key's ".one" or ".other" text by the language's plural rules, {count} formatted.
export function tn(key, count, values = {}) {
  const form = new Intl.PluralRules(current).select(count) === "one" ? "one" : "other";
  return t(`${key}.${form}`, { ...values, count: formatNumber(count) });
}

export function formatNumber(value, options) { return new Intl.NumberFormat(current, options).format(value); }

export function formatDate(value, options = { dateStyle: "medium", timeStyle: "short" }) {
  if (value === null || value === undefined || value === "") return "";
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : new Intl.DateTimeFormat(current, options).format(date);
}

// Called again after the visitor switches language (for text a script formatted itself).
export function onLanguageChange(callback) { listeners.push(callback); }

function translated(text) {
  const trimmed = text.replace(/\s+/g, " ").trim();
  const key = trimmed && byText.get(trimmed);
  const target = key && catalogues[current][key];
  if (!target || target === trimmed) return null;
  const start = text.match(/^\s*/)[0];
  const end = text.match(/\s*$/)[0];
  return start + target + end;
}

function skipped(element) {
  return !!element && !!element.closest(KEEP);
}

function translateElement(element) {
  if (skipped(element)) return;
  for (const name of READ_ATTRIBUTES) {
    const value = element.getAttribute(name);
    const next = value && translated(value);
    if (next) element.setAttribute(name, next);
  }
}

function translateTree(root) {
  if (root.nodeType === Node.TEXT_NODE) {
    if (skipped(root.parentElement)) return;
    const next = translated(root.nodeValue);
    if (next) root.nodeValue = next;
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  translateElement(root);
  root.querySelectorAll(READ_ATTRIBUTES.map((name) => `[${name}]`).join(",")).forEach(translateElement);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (skipped(node.parentElement)) continue;
    const next = translated(node.nodeValue);
    if (next) node.nodeValue = next;
  }
}

function translateTitle() {
  const title = document.title;
  const rest = title.startsWith(TITLE_PREFIX) ? title.slice(TITLE_PREFIX.length) : title;
  const next = translated(rest);
  if (next) document.title = TITLE_PREFIX + next;
}

async function use(lang) {
  await load("en");
  await load(lang);
  current = lang;
  document.documentElement.lang = lang;
  translateTitle();
  translateTree(document.body);
  const select = document.getElementById("lang-switch");
  if (select) select.value = lang;
  listeners.forEach((callback) => callback(lang));
}

function watch() {
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "childList") change.addedNodes.forEach(translateTree);
      else if (change.type === "characterData") translateTree(change.target);
      else if (change.type === "attributes") translateElement(change.target);
    }
  }).observe(document.body, {
    childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: READ_ATTRIBUTES,
  });
}

function wireSwitch() {
  const select = document.getElementById("lang-switch");
  if (!select) return;
  select.value = current;
  select.addEventListener("change", async () => {
    if (!LANGUAGES.includes(select.value)) return;
    localStorage.setItem(STORE_KEY, select.value);
    await use(select.value);
  });
}

export const ready = use(chosen())
  .catch(() => use("en"))
  .catch(() => {}) // no catalogue at all: the page stays in its English markup
  .then(() => { watch(); wireSwitch(); });
