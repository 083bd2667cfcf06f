// Talking to the BadgeForge API: the bearer token, JSON errors turned into readable messages.
import { language, t } from "./i18n.js";

const TOKEN_KEY = "badgeforge.token";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || t("api.request_failed", { status }));
    this.status = status;
    this.body = body || {};
  }
}

export function token() { return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY); }
export function setToken(value) { if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY); }

let tokenSource = null; // firebase mode: a function returning a fresh ID token
export function useTokenSource(fn) { tokenSource = fn; }

export async function authHeader() {
  const value = tokenSource ? await tokenSource() : token();
  return value ? { Authorization: `Bearer ${value}` } : {};
}

// The page's language (the header's switch included) on every call, so what the server writes (error messages,
// warnings, job status, the gallery's descriptions, account emails) speaks it too.
async function headersFor(extra) {
  return { ...(await authHeader()), "Accept-Language": language(), ...(extra || {}) };
}

export async function request(method, path, { json, form, headers: extra } = {}) {
  const headers = await headersFor(extra);
  let body;
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (form !== undefined) body = form;
  const response = await fetch(path, { method, headers, body });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.error);
  return data;
}

export const get = (path) => request("GET", path);
export const post = (path, json) => request("POST", path, { json });
export const postForm = (path, form) => request("POST", path, { form });
export const del = (path) => request("DELETE", path);

// The callable protocol (adjust_usage): {"data": ...} -> {"result": ...} | {"error": {status, message}}.
export async function callFunction(name, data) {
  const headers = await headersFor({ "Content-Type": "application/json" });
  const response = await fetch(`/${name}`, { method: "POST", headers, body: JSON.stringify({ data }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || body.error) throw new ApiError(response.status, body.error);
  return body.result;
}

// "row 3, column 'name': ..." for errors that point into the CSV (unless the server's message, in the page's
// language, already says where).
export function describeError(err) {
  const b = (err && err.body) || {};
  const where = [];
  if (b.row) where.push(t("api.row", { row: b.row }));
  if (b.column) where.push(t("api.column", { column: b.column }));
  const text = err.message || t("api.went_wrong");
  const hint = b.hint && !text.includes(b.hint) ? ` ${b.hint}` : "";
  const said = /row \d+|column '|Zeile \d+|Spalte „/.test(text) || where.some((part) => text.includes(part));
  return where.length && !said ? `${where.join(", ")}: ${text}${hint}` : `${text}${hint}`;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

// A file the API answers with (e.g. warnings as CSV), with the same sign-in; a JSON error becomes an ApiError.
export async function fetchBlob(path, form) {
  const headers = await headersFor();
  const response = await fetch(path, { method: form ? "POST" : "GET", headers, body: form });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError(response.status, data.error);
  }
  return response.blob();
}

// A file answered to a JSON POST (the desk's one-badge label PDF): the blob and the response headers.
export async function postForBlob(path, json) {
  const headers = await headersFor({ "Content-Type": "application/json" });
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(json) });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError(response.status, data.error);
  }
  const type = response.headers.get("Content-Type") || "";
  if (type.startsWith("application/json")) return { json: await response.json(), headers: response.headers };
  return { blob: await response.blob(), headers: response.headers };
}
