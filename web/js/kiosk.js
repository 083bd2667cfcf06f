// The self-service kiosk (/kiosk): an attendee types their email or scans their ticket, sees their name, prints.
// It runs on a kiosk session's token only (the link or QR the organizer makes on the desk page), never on the
// organizer's sign-in: the token can find one attendee by their whole email or ticket code, print that badge and
// record the check-in under this device's name; nothing else. The token comes in the URL's #token= (never sent to
// the server in the URL), is kept in this browser for reloads, and is dropped as soon as the server refuses it.
import { describeError, get, postForBlob, useTokenSource } from "./api.js";
import { openPrintDialog, newId, setUpScan, TIMEZONE } from "./desk_shared.js";
import { ready, t } from "./i18n.js";

const TOKEN_KEY = "badgeforge.kiosk.token";
const RESET_MS = 8000;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);
const session = { job: "", token: "" };

function takeToken() {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (fromLink) {
    localStorage.setItem(TOKEN_KEY, fromLink);
    history.replaceState(null, "", window.location.pathname + window.location.search); // off the address bar
  }
  return fromLink || localStorage.getItem(TOKEN_KEY) || "";
}

function say(text, cls = "") { const m = $("kiosk-message"); m.textContent = text; m.className = cls; }

// A refused token (revoked, expired, not a kiosk's): say so plainly and stop offering the form.
function ended(text) {
  localStorage.removeItem(TOKEN_KEY);
  session.token = "";
  $("desk-kiosk").hidden = true;
  say(text, "error");
}

// 401: the server no longer accepts this token (revoked, expired, unknown); other refusals keep the kiosk going.
const refused = (err) => err && err.status === 401;

let found = null;
function reset() {
  found = null;
  $("kiosk-result").hidden = true; $("kiosk-form").hidden = false; $("kiosk-print").hidden = false;
  $("kiosk-q").value = ""; $("kiosk-error").textContent = ""; $("kiosk-q").focus();
}

async function lookup(q) {
  $("kiosk-error").textContent = "";
  if (!q.trim()) { $("kiosk-error").textContent = t("desk.kiosk_empty"); return; }
  try {
    ({ attendee: found } = await get(`/api/desk/${encodeURIComponent(session.job)}/kiosk?q=${encodeURIComponent(q.trim())}`));
    $("kiosk-welcome").textContent = found.organization
      ? t("desk.kiosk_welcome_org", { name: found.name, organization: found.organization })
      : t("desk.kiosk_welcome", { name: found.name });
    $("kiosk-form").hidden = true; $("kiosk-result").hidden = false; $("kiosk-print").focus();
  } catch (err) {
    if (refused(err)) { ended(describeError(err)); return; }
    $("kiosk-error").textContent = !navigator.onLine || err instanceof TypeError ? t("desk.offline_kiosk") : describeError(err);
  }
}

async function printFound() {
  if (!found) return;
  const body = { key: found.key, request_id: newId(), timezone: TIMEZONE };
  if (params.get("station")) body.station = params.get("station");
  try {
    const { blob } = await postForBlob(`/api/desk/${encodeURIComponent(session.job)}/print`, body);
    if (blob) openPrintDialog(blob);
    $("kiosk-welcome").textContent = t("desk.kiosk_printed");
  } catch (err) {
    if (refused(err)) { ended(describeError(err)); return; }
    $("kiosk-welcome").textContent = err.body && err.body.code === "already_printed" ? t("desk.kiosk_already") : describeError(err);
  }
  $("kiosk-print").hidden = true;
  setTimeout(reset, RESET_MS);
}

async function start() {
  session.token = takeToken();
  useTokenSource(async () => session.token);
  await ready; // the catalogues t() reads
  if (!session.token) { say(t("kiosk.need_link"), "error"); return; }
  try {
    const me = await get("/api/desk/session");
    if (me.mode !== "kiosk") { ended(t("kiosk.not_a_kiosk_link")); return; }
    session.job = me.job_id;
  } catch (err) {
    if (refused(err) || (err.body && err.body.code === "not_a_desk_session")) ended(describeError(err));
    else say(describeError(err), "error");
    return;
  }
  $("desk-kiosk").hidden = false;
  $("kiosk-form").addEventListener("submit", (event) => { event.preventDefault(); lookup($("kiosk-q").value); });
  setUpScan($("kiosk-scan"), $("kiosk-video"), (code) => { $("kiosk-q").value = code; lookup(code); },
    (err) => { $("kiosk-error").textContent = describeError(err); });
  $("kiosk-done").addEventListener("click", reset);
  $("kiosk-print").addEventListener("click", printFound);
  $("desk-kiosk").dataset.ready = "1"; // tests wait on it
  $("kiosk-q").focus();
}

start().catch((err) => say(describeError(err), "error"));
