// The desk (/desk): find an attendee as you type, print one badge now (this browser's print dialog, or a station's
// queue), reprint only after a warning, walk-ins, check-in/out, an offline queue, kiosk and desk links.
// The roster is loaded once and searched here (no request per keystroke). The kiosk is its own page (kiosk.js).
// Offline, this page draws the label itself from the job's label plan (desk_offline_label.js), and the service
// worker (/desk_sw.js) keeps the page and the last roster so a reload without the connection still opens the desk.
import { describeError, el, fetchBlob, get, post, postForBlob } from "./api.js";
import { openPrintDialog as openLabel, newId, setUpScan as setUpCamera, TIMEZONE } from "./desk_shared.js";
import { openDeskLink, setUpSessions, showSessions } from "./desk_sessions.js";
import { formatDate, formatNumber, ready, t } from "./i18n.js";
import { requireSignIn } from "./signin.js";

// Every text the page shows, in one place. Plain texts are English catalogue entries (web/i18n/*.json; i18n.js
// translates them as they appear); texts with values go through t() so each language orders its own sentence.
const T = {
  title: "Desk",
  stationHelp: "Empty: print in this browser. A station's name (e.g. desk-2): send to that station's printer.",
  export: "Export check-ins (CSV)",
  searchLabel: "Name, email or ticket code",
  loading: "Loading attendees…",
  loaded: (n) => t("desk.loaded", { count: formatNumber(n) }),
  count: (shown, total) => {
    if (!total) return t("desk.nobody");
    const count = total >= 1000 ? `${formatNumber(1000)}+` : formatNumber(total);
    return total > shown ? t("desk.found_first", { count, shown: formatNumber(shown) }) : t("desk.found", { count });
  },
  noJobs: "No finished job yet: the desk works on a job whose badges are done.",
  online: "Online",
  offline: "Offline: search, check-ins and printing go on (labels drawn by this browser); everything waits and syncs.",
  offlineLabel: (name) => t("desk.offline_label", { name }),
  offlineLacks: (features) => t("desk.offline_lacks", { features }),
  waiting: (n) => (n ? t("desk.waiting", { count: formatNumber(n) }) : ""),
  synced: "All check-ins synced.",
  print: "Print",
  checkIn: "Check in",
  checkOut: "Check out",
  walkIn: "walk-in",
  printed: (n, at, device) => t("desk.printed", { count: formatNumber(n), time: at, device }),
  checkedIn: (at, device) => t("desk.checked_in", { time: at, device }),
  checkedOut: (at) => t("desk.checked_out", { time: at }),
  notYet: "Not checked in",
  reprintTitle: "Print this badge again?",
  reprintConfirm: "Print again",
  cancel: "Cancel",
  printing: (name) => t("desk.printing", { name }),
  printedNow: (name) => t("desk.printed_now", { name }),
  queuedTo: (name, station) => t("desk.queued_to", { name, station }),
  openLabel: "Open the last label (PDF)",
  offlinePrint: (name) => t("desk.offline_print", { name }),
  offlineStation: (name, station) => t("desk.offline_station", { name, station }),
  offlineWalkin: "Offline: adding a walk-in needs the connection (it claims the ticket code on the server).",
  checkedInNow: (name) => t("desk.checked_in_now", { name }),
  checkedOutNow: (name) => t("desk.checked_out_now", { name }),
  queued: (name) => t("desk.queued", { name }),
  needDevice: "Name this desk first (e.g. desk-2): every check-in records it.",
  walkinSubmit: "Add and print",
  walkinAdded: (name) => t("desk.walkin_added", { name }),
  walkinFields: [
    ["first_name", "First name", "given-name"], ["last_name", "Last name", "family-name"],
    ["organization", "Organization", "organization"], ["ticket_type", "Ticket type", "off"],
    ["email", "Email", "email"], ["ticket_id", "Ticket code", "off"],
  ],
  exportName: (job) => `desk-${job}.csv`,
  station: (name) => t("desk.station", { name }),
};

const DEVICE_KEY = "badgeforge.desk.device";
const QUEUE_KEY = "badgeforge.desk.queue";
const RESULTS_MAX = 20;
const SUMMARY_FIELDS = ["organization", "email", "ticket_id"]; // roster columns that are the attendee's own fields
const params = new URLSearchParams(window.location.search);
const $ = (id) => document.getElementById(id);

const state = { job: "", rows: [], hay: [], byKey: new Map(), checkins: {}, pending: null, plan: null, deskLink: null };
const say = (text, cls = "") => { const m = $("desk-message"); m.textContent = text; m.className = cls; };
const clock = (iso) => (iso ? formatDate(iso, { hour: "2-digit", minute: "2-digit" }) : "");
const device = () => $("desk-device").value.trim();
const station = () => $("desk-station").value.trim();
const isOffline = (err) => !navigator.onLine || err instanceof TypeError;

// ---- the roster, searched in the page --------------------------------------------------------------------------
function indexRoster(columns, rows) {
  const at = Object.fromEntries(columns.map((name, i) => [name, i]));
  // "field:first_name"...: the attendee fields the offline label draws (named by its plan)
  const extra = columns.map((name, i) => [name.startsWith("field:") ? name.slice(6) : "", i]).filter(([name]) => name);
  state.rows = rows.map((r) => ({ key: r[at.key], name: r[at.name], organization: r[at.organization], email: r[at.email],
    ticket_type: r[at.ticket_type], ticket_id: r[at.ticket_id], walk_in: r[at.walk_in],
    fields: Object.fromEntries(extra.map(([name, i]) => [name, r[i]])) }));
  // One lower-case string per attendee: name, email, ticket code, organization (what people type at a desk).
  state.hay = state.rows.map((p) => [p.name, p.email, p.ticket_id, p.organization].join("\u0001").toLowerCase());
  state.byKey = new Map(state.rows.map((p) => [p.key, p]));
}

function search(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return { found: [], total: 0 };
  const exact = query.trim().toLowerCase();
  const found = [];
  let total = 0;
  for (let i = 0; i < state.hay.length; i += 1) {
    const hay = state.hay[i];
    if (!words.every((w) => hay.includes(w))) continue;
    total += 1;
    const person = state.rows[i];
    if ((person.ticket_id || "").toLowerCase() === exact) found.unshift(person); // a scanned ticket comes first
    else if (found.length < RESULTS_MAX) found.push(person);
    if (total >= 1000 && found.length >= RESULTS_MAX) break;
  }
  return { found: found.slice(0, RESULTS_MAX), total };
}

function describeState(key) {
  const r = state.checkins[key] || {};
  const parts = [];
  if (r.printed && r.last) parts.push(T.printed(r.printed, clock(r.last.at), r.last.station ? T.station(r.last.station) : r.last.device));
  else if (r.checked_in_at) parts.push(T.checkedIn(clock(r.checked_in_at), r.checked_in_device));
  else parts.push(T.notYet);
  if (r.checked_out_at) parts.push(T.checkedOut(clock(r.checked_out_at)));
  return parts.join("; ");
}

function resultItem(person) {
  const label = (key) => t("desk.action_for", { action: t(key), name: person.name }); // "Print: Ada Lovelace"
  return el("li", { "data-key": person.key },
    el("div", { class: "who-line" },
      el("strong", { text: person.name }),
      person.walk_in ? el("span", { class: "badge-status", text: ` ${T.walkIn}` }) : null,
      el("span", { class: "state", text: [person.organization, person.email, person.ticket_id].filter(Boolean).join(" · ") }),
      el("span", { class: "state", "data-state": "", text: describeState(person.key) })),
    el("div", { class: "actions" },
      el("button", { type: "button", "data-action": "print", "aria-label": label("desk.print"), text: T.print, onclick: () => printBadge(person) }),
      el("button", { type: "button", class: "secondary", "data-action": "checkin", "aria-label": label("desk.check_in"), text: T.checkIn, onclick: () => act("checkin", person) }),
      el("button", { type: "button", class: "secondary", "data-action": "checkout", "aria-label": label("desk.check_out"), text: T.checkOut, onclick: () => act("checkout", person) })));
}

function showResults(event) {
  const query = $("desk-search").value;
  const started = performance.now();
  const { found, total } = search(query);
  const list = $("desk-results");
  list.replaceChildren(...found.map(resultItem));
  $("desk-count").textContent = query.trim() ? T.count(found.length, total) : "";
  list.dataset.query = query; // what the list now shows (tests wait on it)
  const done = performance.now();
  list.dataset.searchMs = (done - started).toFixed(2);
  // From the key press (the input event's time) to the new list in the page: the per-keystroke cost.
  if (event && event.timeStamp) list.dataset.keyMs = (done - event.timeStamp).toFixed(2);
}

// ---- printing --------------------------------------------------------------------------------------------------
const openPrintDialog = (blob) => openLabel(blob, $("desk-last-label"));

function noteCheckedIn(key, extra = {}) {
  const now = new Date().toISOString();
  const r = { ...(state.checkins[key] || {}) };
  if (!r.checked_in_at) { r.checked_in_at = now; r.checked_in_device = device(); }
  state.checkins[key] = { ...r, ...extra };
}

// ---- printing offline: this browser draws the label from the job's plan ---------------------------------------
let labelModule = null; // imported on first use: a page without it (no vendored QR encoder) still searches
const offlineLabels = () => (labelModule ||= import("./desk_offline_label.js"));

async function loadLabelPlan(job) {
  try {
    const plan = await get(`/api/desk/${job}/label`);
    const { prepareLabel } = await offlineLabels();
    state.plan = await prepareLabel(plan);
  } catch { state.plan = null; } // offline labels are a fallback: the desk works without them
  return state.plan;
}

function localReprintWarning(key) {
  const r = state.checkins[key] || {};
  if (!r.printed || !r.last) return "";
  const where = r.last.station ? T.station(r.last.station) : r.last.device;
  return `${T.printed(r.printed, clock(r.last.at), where)}.`;
}

async function printOffline(person, { confirmed, requestId }) {
  const warning = localReprintWarning(person.key);
  if (warning && !confirmed) { askReprint(person, warning, requestId); return; }
  try {
    const { printOfflineLabel } = await offlineLabels();
    await printOfflineLabel(state.plan, person, { title: T.openLabel });
  } catch (err) { // the label could not be drawn here: only the check-in waits, as without a plan
    enqueue({ kind: "checkin", key: person.key, device: device() });
    noteCheckedIn(person.key); say(`${T.offlinePrint(person.name)} ${describeError(err)}`, "error"); refreshView();
    return;
  }
  const at = new Date().toISOString();
  enqueue({ kind: "print", key: person.key, device: device(), print_id: requestId, offline: true, printed_at: at });
  const printed = Number((state.checkins[person.key] || {}).printed || 0) + 1;
  noteCheckedIn(person.key, { printed, last: { at, device: device() } });
  const lacks = state.plan.unsupported && state.plan.unsupported.length ? ` ${T.offlineLacks(state.plan.unsupported.join(", "))}` : "";
  say(`${T.offlineLabel(person.name)}${lacks}`, "ok");
  refreshView();
}

async function printBadge(person, { confirmed = false, requestId = newId() } = {}) {
  if (!device()) { say(T.needDevice, "error"); $("desk-device").focus(); return; }
  if (!navigator.onLine && !station() && state.plan) { await printOffline(person, { confirmed, requestId }); return; }
  const body = { key: person.key, device: device(), request_id: requestId, timezone: TIMEZONE, confirm_reprint: confirmed };
  if (station()) body.station = station();
  say(T.printing(person.name));
  try {
    const { blob, json, headers } = await postForBlob(`/api/desk/${state.job}/print`, body);
    const printed = Number(headers.get("X-Printed-Count") || (json && json.record && json.record.printed) || 1);
    noteCheckedIn(person.key, { printed, last: { at: new Date().toISOString(), device: device(), station: station() || undefined } });
    if (blob) { openPrintDialog(blob); say(T.printedNow(person.name), "ok"); }
    else say(T.queuedTo(person.name, station()), "ok");
    refreshView();
  } catch (err) {
    if (err.body && err.body.code === "already_printed") { askReprint(person, err.message, requestId); return; }
    if (isOffline(err)) {
      // Offline: a station's print waits in the queue (sent once, by its request_id); a print here is drawn by
      // this browser from the label plan; without a plan only the check-in is queued, and the desk says so.
      if (!station() && state.plan) { await printOffline(person, { confirmed, requestId }); return; }
      if (station()) { enqueue({ kind: "print", key: person.key, device: device(), station: station(), print_id: requestId }); say(T.offlineStation(person.name, station())); }
      else { enqueue({ kind: "checkin", key: person.key, device: device() }); say(T.offlinePrint(person.name)); }
      noteCheckedIn(person.key); refreshView(); return;
    }
    say(describeError(err), "error");
  }
}

function askReprint(person, message, requestId) {
  const dialog = $("desk-reprint");
  $("desk-reprint-message").textContent = message;
  dialog.dataset.key = person.key;
  state.pending = () => printBadge(person, { confirmed: true, requestId });
  dialog.showModal();
}

// ---- check-in / check-out and the offline queue ---------------------------------------------------------------
const readQueue = () => { try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch { return []; } };
const writeQueue = (items) => { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); showSync(); };

function enqueue(action) {
  // request_id makes the replay idempotent: a check-out sent twice (lost answer) is recorded once.
  writeQueue([...readQueue(), { ...action, job: state.job, request_id: newId(), queued_at: new Date().toISOString() }]);
}

function showSync() {
  const n = readQueue().length;
  $("desk-sync").textContent = T.waiting(n);
  $("desk-sync").dataset.waiting = String(n);
}

let syncing = false;
async function sync() {
  if (syncing || !navigator.onLine) return;
  syncing = true;
  try {
    for (let items = readQueue(); items.length; items = readQueue()) {
      const item = items[0];
      try {
        const body = { key: item.key, device: item.device, request_id: item.print_id || item.request_id };
        if (item.kind === "print" && item.offline) Object.assign(body, { offline: true, printed_at: item.printed_at });
        else if (item.kind === "print") Object.assign(body, { station: item.station, timezone: TIMEZONE });
        await post(`/api/desk/${item.job}/${item.kind}`, body);
      } catch (err) {
        if (isOffline(err)) return; // still offline: keep the queue, try again on the next "online"
        say(describeError(err), "error"); // refused for good (e.g. the job was deleted): drop it, say why
      }
      writeQueue(readQueue().filter((queued) => queued.request_id !== item.request_id));
    }
    say(T.synced, "ok");
  } finally { syncing = false; }
}

async function act(kind, person) {
  if (!device()) { say(T.needDevice, "error"); $("desk-device").focus(); return; }
  const request_id = newId();
  try {
    const { record } = await post(`/api/desk/${state.job}/${kind}`, { key: person.key, device: device(), request_id });
    state.checkins[person.key] = { ...(state.checkins[person.key] || {}), ...pick(record) };
    say(kind === "checkin" ? T.checkedInNow(person.name) : T.checkedOutNow(person.name), "ok");
  } catch (err) {
    if (!isOffline(err)) { say(describeError(err), "error"); return; }
    enqueue({ kind, key: person.key, device: device() });
    if (kind === "checkin") noteCheckedIn(person.key);
    else state.checkins[person.key] = { ...(state.checkins[person.key] || {}), checked_out_at: new Date().toISOString() };
    say(T.queued(person.name));
  }
  refreshView();
}

const pick = (record) => Object.fromEntries(["printed", "checked_in_at", "checked_in_device", "checked_out_at"]
  .filter((name) => record && record[name] != null).map((name) => [name, record[name]]));

// ---- walk-ins --------------------------------------------------------------------------------------------------
function buildWalkinForm() {
  $("walkin-fields").replaceChildren(...T.walkinFields.map(([name, text, autocomplete]) => el("div", {},
    el("label", { for: `walkin-${name}`, text }),
    el("input", { type: name === "email" ? "email" : "text", id: `walkin-${name}`, name, autocomplete, maxlength: "200",
      "aria-describedby": `walkin-${name}-error` }),
    el("p", { class: "error", id: `walkin-${name}-error`, "aria-live": "polite" }))));
  $("walkin-submit").textContent = T.walkinSubmit;
  $("walkin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!device()) { say(T.needDevice, "error"); $("desk-device").focus(); return; }
    const form = event.target;
    for (const node of form.querySelectorAll("p.error")) node.textContent = "";
    for (const node of form.querySelectorAll("input")) node.removeAttribute("aria-invalid");
    const body = { device: device(), request_id: form.dataset.requestId || (form.dataset.requestId = newId()) };
    for (const [name] of T.walkinFields) body[name] = form.elements[name].value.trim();
    try {
      const { attendee } = await post(`/api/desk/${state.job}/walkins`, body);
      attendee.fields = Object.fromEntries(T.walkinFields.map(([name]) => [name, body[name]]));
      delete form.dataset.requestId;
      form.reset();
      state.rows.push(attendee);
      state.hay.push([attendee.name, attendee.email, attendee.ticket_id, attendee.organization].join("\u0001").toLowerCase());
      state.byKey.set(attendee.key, attendee);
      say(T.walkinAdded(attendee.name), "ok");
      await printBadge(attendee);
    } catch (err) {
      if (isOffline(err)) { say(T.offlineWalkin, "error"); return; }
      const field = err.body && err.body.field === "full_name" ? "first_name" : err.body && err.body.field;
      const slot = field && $(`walkin-${field}-error`);
      if (slot) { slot.textContent = describeError(err); $(`walkin-${field}`).setAttribute("aria-invalid", "true"); $(`walkin-${field}`).focus(); }
      else say(describeError(err), "error");
      if (err.body && err.body.code === "ticket_taken") delete form.dataset.requestId; // a new code is a new walk-in
    }
  });
}

// ---- counts per desk and station -------------------------------------------------------------------------------
async function showCounts() {
  const printed = new Map();
  for (const r of Object.values(state.checkins)) {
    if (r.printed && r.last) { const who = r.last.station ? T.station(r.last.station) : r.last.device; printed.set(who, (printed.get(who) || 0) + 1); }
  }
  const rows = new Map([...printed].map(([who, n]) => [who, [n, ""]]));
  if (station() && navigator.onLine) {
    try {
      const queue = await get(`/api/desk/stations/${encodeURIComponent(station())}`);
      const who = T.station(station());
      rows.set(who, [(rows.get(who) || [0])[0], String((queue.queued || []).length)]);
    } catch { /* the station's queue is optional information */ }
  }
  $("desk-counts").querySelector("tbody").replaceChildren(...[...rows].map(([who, [n, queued]]) =>
    el("tr", {}, el("td", { text: who }), el("td", { text: String(n) }), el("td", { text: queued }))));
}

function refreshView() { showResults(); showCounts(); }

// ---- camera scan (where the browser has BarcodeDetector) -------------------------------------------------------
const setUpScan = (button, onCode) => setUpCamera(button, $("desk-video"), onCode, (err) => say(describeError(err), "error"));

// ---- start -----------------------------------------------------------------------------------------------------
async function loadJob(job) {
  state.job = job;
  if (!state.deskLink) showSessions(job);
  $("desk-count").textContent = T.loading;
  const plan = await loadLabelPlan(job);
  const wanted = plan ? plan.fields.filter((name) => !SUMMARY_FIELDS.includes(name)) : []; // the rest come per row
  const fields = wanted.length ? `?fields=${encodeURIComponent(wanted.join(","))}` : "";
  const roster = await get(`/api/desk/${job}/roster${fields}`);
  indexRoster(roster.columns, roster.rows);
  state.checkins = roster.checkins || {};
  keepForOffline({ [`/api/desk/${job}/roster${fields}`]: roster, ...(plan ? { [`/api/desk/${job}/label`]: plan } : {}) });
  if (plan) { // the script fonts the roster's names need, fetched now so an offline label prints in them too
    offlineLabels().then(({ loadScriptFonts }) => loadScriptFonts(plan, roster.rows.flat()))
      .catch(() => {});
  }
  $("desk-count").textContent = T.loaded(state.rows.length);
  $("desk-results").dataset.loaded = String(state.rows.length);
  refreshView();
}

function fillTexts() {
  $("desk-title").textContent = T.title;
  $("desk-station-help").textContent = T.stationHelp;
  $("desk-export").textContent = T.export;
  $("desk-search-label").textContent = T.searchLabel;
  $("desk-reprint-title").textContent = T.reprintTitle;
  $("desk-reprint-confirm").textContent = T.reprintConfirm;
  $("desk-reprint-cancel").textContent = T.cancel;
}

function showConnection() {
  $("desk-connection").textContent = navigator.onLine ? T.online : T.offline;
  $("desk-connection").className = navigator.onLine ? "ok" : "error";
}

async function start() {
  fillTexts();
  $("desk-device").value = params.get("device") || localStorage.getItem(DEVICE_KEY) || "";
  $("desk-station").value = params.get("station") || "";
  if (params.get("device")) localStorage.setItem(DEVICE_KEY, params.get("device"));
  $("desk-device").addEventListener("change", () => localStorage.setItem(DEVICE_KEY, device()));
  $("desk-station").addEventListener("change", showCounts);
  state.deskLink = await openDeskLink(); // a desk session's link (#token=): its job and device, no sign-in
  if (state.deskLink) { $("desk-device").value = state.deskLink.device; $("desk-device").readOnly = true; }
  const [me] = await Promise.all([state.deskLink ? null : requireSignIn(), ready]); // ready: the catalogues t() reads
  $("app").hidden = false;
  const list = state.deskLink ? { jobs: [{ id: state.deskLink.job_id, status: "done" }] } : await get("/api/jobs");
  const { jobs } = list;
  if (!state.deskLink) keepForOffline({ "/api/me": me, "/api/jobs": list });
  const done = jobs.filter((job) => job.status === "done");
  const wanted = params.get("job");
  $("desk-job").replaceChildren(...done.map((job) => el("option", { value: job.id, text: [job.event_name, job.filename, job.id].filter(Boolean).join(" — "), selected: job.id === wanted })));
  buildWalkinForm();
  if (!state.deskLink) setUpSessions(() => state.job, station);
  if (!done.length) { say(T.noJobs); return; }
  $("desk-job").addEventListener("change", () => loadJob($("desk-job").value).catch((err) => say(describeError(err), "error")));
  $("desk-search").addEventListener("input", showResults);
  $("desk-search").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const first = $("desk-results").querySelector("li");
    const person = first && state.byKey.get(first.dataset.key);
    if (person) printBadge(person);
  });
  setUpScan($("desk-scan"), (code) => { $("desk-search").value = code; showResults(); });
  $("desk-reprint-confirm").addEventListener("click", () => { $("desk-reprint").close(); const go = state.pending; state.pending = null; if (go) go(); });
  $("desk-reprint-cancel").addEventListener("click", () => { state.pending = null; $("desk-reprint").close(); });
  $("desk-export").addEventListener("click", async () => {
    try {
      const url = URL.createObjectURL(await fetchBlob(`/api/desk/${state.job}/export.csv`));
      const a = el("a", { href: url, download: T.exportName(state.job), hidden: true });
      document.body.append(a); a.click(); a.remove(); setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) { say(describeError(err), "error"); }
  });
  window.addEventListener("online", () => { showConnection(); sync(); });
  window.addEventListener("offline", showConnection);
  showConnection(); showSync();
  await loadJob($("desk-job").value);
  sync();
}

// ---- the service worker: a reload while offline opens the desk from what it kept ---------------------------------
const worker = "serviceWorker" in navigator
  ? navigator.serviceWorker.register("/desk_sw.js", { scope: "/desk" }).then(() => navigator.serviceWorker.ready).catch(() => null)
  : Promise.resolve(null);
const answers = {};

// What this page loaded before the worker controlled it (a first visit) is handed to it to keep: the files it
// loaded (the worker fetches them again) and the JSON answers that needed the sign-in (the page has them).
function keepForOffline(more) {
  Object.assign(answers, more);
  worker.then((registration) => {
    if (!registration || !registration.active) return;
    const keep = ["/desk", ...performance.getEntriesByType("resource").map((entry) => entry.name)];
    registration.active.postMessage({ keep, answers: { ...answers } });
  });
}

start().catch((err) => say(describeError(err), "error"));
