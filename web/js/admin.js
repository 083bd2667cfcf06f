// Admin console: users and their usage, adjustments through the adjust_usage callable, usage log, stuck and
// failed jobs with re-drives.
import { callFunction, describeError, el, get, post } from "./api.js";
import { formatDate, formatNumber, ready, t } from "./i18n.js";
import { requireSignIn } from "./signin.js";

const $ = (id) => document.getElementById(id);
const when = (iso) => formatDate(iso); // in the page's language (web/js/i18n.js)
let selected = null;
// The server pages the users (email order); a page is fetched with the cursor of its neighbour.
let page = { q: "", after: "", before: "", next: null, prev: null };

async function loadUsers(move = {}) {
  if (move.search !== undefined) page = { q: move.search, after: "", before: "", next: null, prev: null };
  else if (move.after) page = { ...page, after: move.after, before: "" };
  else if (move.before) page = { ...page, before: move.before, after: "" };
  const params = new URLSearchParams();
  for (const name of ["q", "after", "before"]) if (page[name]) params.set(name, page[name]);
  const query = params.toString();
  const { users, next, prev } = await get(`/api/admin/users${query ? `?${query}` : ""}`);
  page = { ...page, next, prev };
  $("users-next").disabled = !next;
  $("users-prev").disabled = !prev;
  const none = users.length === 0
    ? [el("tr", {}, el("td", { colspan: "6", class: "muted", text: "No account matches." }))] : [];
  document.querySelector("#users tbody").replaceChildren(...none, ...users.map((user) => el("tr", { "data-uid": user.uid },
    el("td", { text: user.admin ? t("admin.email_admin", { email: user.email }) : user.email }),
    el("td", { class: "usage-left", text: formatNumber(user.usage_left) }),
    el("td", { text: formatNumber(user.used) }),
    // allowed_usage is the balance (a charge takes one off it): with what was used, it is all ever granted
    el("td", { text: formatNumber(user.allowed_usage + user.used) }),
    el("td", { text: user.last_job ? `${when(user.last_job.created_at)} (${t(`jobs.status_${user.last_job.status}`)})` : "—" }),
    el("td", {}, el("button", { type: "button", class: "secondary", text: "Adjust usage",
      "aria-label": t("admin.adjust_of", { email: user.email }), onclick: () => select(user) })))));
}

async function select(user) {
  selected = user;
  $("adjust-box").hidden = false;
  $("adjust-email").textContent = user.email;
  $("adjust-result").textContent = "";
  $("adjust-amount").focus();
  await loadLog();
}

async function loadLog() {
  const { entries } = await get(`/api/admin/usage-log?uid=${encodeURIComponent(selected.uid)}`);
  document.querySelector("#usage-log tbody").replaceChildren(...entries.map((e) => el("tr", {},
    el("td", { text: when(e.at) }),
    el("td", { text: e.delta != null ? (e.delta > 0 ? `+${e.delta}` : String(e.delta)) : t("admin.log_set", { count: formatNumber(e.after) }) }),
    el("td", { text: `${e.before ?? ""} → ${e.after ?? e.balance_after ?? ""}` }),
    el("td", { text: e.reason || "" }),
    el("td", { text: e.by || "" }),
    el("td", { text: e.job || "" }))));
}

async function adjust(event) {
  event.preventDefault();
  const amount = Number.parseInt($("adjust-amount").value, 10);
  const reason = $("adjust-reason").value.trim();
  if (!Number.isInteger(amount) || amount < 0) { $("adjust-result").textContent = "Enter a whole number of 0 or more."; return; }
  if (!reason) { $("adjust-result").textContent = "Say why (the reason is kept in the usage log)."; return; }
  const kind = $("adjust-kind").value;
  if (!confirmChange(kind, amount)) { $("adjust-result").textContent = "Nothing was changed."; return; }
  const data = { uid: selected.uid, reason };
  if (kind === "set") data.set = amount; else data.delta = kind === "add" ? amount : -amount;
  try {
    const result = await callFunction("adjust_usage", data);
    $("adjust-result").textContent = t("admin.saved", { email: selected.email, count: formatNumber(result.allowed_usage ?? result.after) });
    await Promise.all([loadUsers(), loadLog()]);
  } catch (err) {
    $("adjust-result").textContent = describeError(err);
  }
}

// What takes usage away or charges it is confirmed first, in words that name the effect; cancel changes nothing.
function confirmChange(kind, amount) {
  if (kind === "set" && amount === 0) {
    return window.confirm(t("admin.confirm_zero", { email: selected.email }));
  }
  if (kind === "subtract") {
    return window.confirm(t("admin.confirm_subtract", { amount: formatNumber(amount), email: selected.email, count: formatNumber(selected.usage_left) }));
  }
  return true;
}

const confirmRedrive = (what, plan) => window.confirm(`${t("admin.confirm_redrive", { what })} ${plan.summary}`);

// A failure a re-drive cannot cure (bad input) offers no button: only a new upload helps.
function redriveCell(what, plan, onclick) {
  if (plan && plan.possible === false) return el("td", { class: "muted", text: plan.summary });
  return el("td", {}, el("button", { type: "button", class: "secondary", text: "Re-drive", "aria-label": t("admin.redrive_of", { what }),
    onclick: () => (confirmRedrive(what, plan || { summary: "" }) ? onclick() : undefined) }));
}

async function loadFailed() {
  const { jobs, mails } = await get("/api/admin/failed");
  const redrive = (body) => async () => {
    try { await post("/api/admin/redrive", body); $("redrive-result").textContent = "Re-driven."; await loadFailed(); }
    catch (err) { $("redrive-result").textContent = describeError(err); }
  };
  const nothing = jobs.length + mails.length === 0
    ? [el("tr", {}, el("td", { colspan: "6", class: "muted", text: "Nothing has failed." }))] : [];
  document.querySelector("#failed tbody").replaceChildren(
    ...nothing,
    ...jobs.map((j) => el("tr", { "data-job": j.id }, el("td", { text: "job" }), el("td", { text: j.email || j.uid }), el("td", { text: j.id }),
      el("td", { text: (j.error && j.error.message) || "" }), el("td", { text: String(j.attempts || 0) }),
      redriveCell(t("admin.what_job", { id: j.id }), j.redrive, redrive({ uid: j.uid, jobId: j.id })))),
    ...mails.map((m) => el("tr", { "data-mail": m.key }, el("td", { text: "mail" }), el("td", { text: m.email || m.uid }), el("td", { text: m.key }),
      el("td", { text: (m.error && (m.error.message || m.error)) || "" }), el("td", { text: String(m.attempts || 0) }),
      redriveCell(t("admin.what_mail", { key: m.key }), m.redrive, redrive({ uid: m.uid, mailKey: m.key })))));
}

async function loadStuck() {
  const { jobs, lease_seconds: lease } = await get("/api/admin/stuck");
  $("stuck-lease").textContent = `${formatNumber(lease)} s`;
  const redrive = (job) => async () => {
    try {
      const result = await post("/api/admin/redrive", { uid: job.uid, jobId: job.id });
      $("stuck-result").textContent = `${t("admin.redriven_job", { id: job.id, status: t(`jobs.status_${result.status}`) })} ${result.charge ? result.charge.summary : ""}`;
      await Promise.all([loadStuck(), loadFailed(), loadUsers()]);
    } catch (err) { $("stuck-result").textContent = describeError(err); }
  };
  const nothing = jobs.length === 0
    ? [el("tr", {}, el("td", { colspan: "7", class: "muted", text: "No job is stuck." }))] : [];
  document.querySelector("#stuck tbody").replaceChildren(...nothing, ...jobs.map((j) => el("tr", { "data-job": j.id },
    el("td", { text: j.email || j.uid }), el("td", { text: j.id }),
    el("td", { text: j.status === "rendering" ? `${j.reason} ${t("admin.progress_done", { percent: formatNumber((j.progress || 0) / 100, { style: "percent" }) })}` : j.reason }),
    el("td", { text: when(j.stuck_since) }), el("td", { text: String(j.attempts || 0) }),
    el("td", { class: "charge", text: j.redrive.summary }),
    el("td", {}, el("button", { type: "button", class: "secondary", text: "Re-drive", "aria-label": t("admin.redrive_of", { what: t("admin.what_stuck", { id: j.id }) }),
      onclick: () => (confirmRedrive(t("admin.what_stuck", { id: j.id }), j.redrive) ? redrive(j)() : undefined) })))));
}

async function start() {
  await ready; // t() reads the loaded catalogue
  const me = await requireSignIn({ title: "Sign in to the admin console" });
  if (!me.admin) { $("admin-error").textContent = "Only administrators can use the console."; return; }
  $("app").hidden = false;
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    loadUsers({ search: $("search").value.trim() }).catch(showError);
  });
  $("users-next").addEventListener("click", () => loadUsers({ after: page.next }).catch(showError));
  $("users-prev").addEventListener("click", () => loadUsers({ before: page.prev }).catch(showError));
  $("adjust-form").addEventListener("submit", adjust);
  await Promise.all([loadUsers(), loadStuck(), loadFailed()]);
}

function showError(err) { $("admin-error").textContent = describeError(err); }

start().catch(showError);
