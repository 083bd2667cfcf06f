// My badges: past jobs with status, a fresh download link on demand, delete.
import { del, describeError, el, get, post } from "./api.js";
import { formatDate, formatNumber, ready, t } from "./i18n.js";
import { watchJob } from "./job_progress.js";
import { requireSignIn } from "./signin.js";

const $ = (id) => document.getElementById(id);
const watching = new Map(); // job id -> unsubscribe: running jobs' progress is pushed (job_progress.js)
const when = (iso) => formatDate(iso); // in the page's language (web/js/i18n.js)

function row(job) {
  const actions = el("td");
  if (job.status === "done") {
    actions.append(el("button", { type: "button", class: "secondary", "data-action": "download",
      "aria-label": t("jobs.download_of", { name: job.filename || job.id }), text: "Download",
      onclick: async () => {
        try { const { link } = await post(`/api/jobs/${job.id}/link`, {}); window.location.assign(link); }
        catch (err) { $("jobs-message").textContent = describeError(err); }
      } }), " ");
  }
  if (job.status === "done" || job.status === "failed") {
    actions.append(el("button", { type: "button", class: "danger", "data-action": "delete",
      "aria-label": t("jobs.delete_of", { name: job.filename || job.id }), text: "Delete",
      onclick: async () => {
        if (!window.confirm(t("jobs.confirm_delete"))) return;
        try { await del(`/api/jobs/${job.id}`); $("jobs-message").textContent = "Deleted."; await load(); }
        catch (err) { $("jobs-message").textContent = describeError(err); }
      } }));
  }
  const status = el("td", {}, el("span", { class: `badge-status ${job.status}`, text: job.status }));
  if (job.status === "failed" && job.error) status.append(el("div", { class: "error", text: describeError({ message: job.error.message, body: job.error }) }));
  if (job.status === "rendering" || job.status === "queued") {
    const pct = Math.round(job.progress || 0);
    status.append(` ${formatNumber(pct / 100, { style: "percent" })}`);
  }
  return el("tr", { "data-job": job.id },
    el("td", { text: when(job.created_at) }),
    el("td", { text: [job.filename, job.event_name].filter(Boolean).join(" — ") }),
    status,
    el("td", { text: job.badges != null ? String(job.badges) : "" }),
    actions);
}

async function load() {
  const [{ jobs }, me] = await Promise.all([get("/api/jobs"), get("/api/me")]);
  $("usage-left").textContent = String(me.usage_left);
  document.querySelector("#jobs tbody").replaceChildren(...jobs.map(row));
  $("no-jobs").hidden = jobs.length > 0;
  // Follow the jobs still running, so their progress and final state show without a reload (or polling).
  const running = new Set(jobs.filter((job) => job.status === "queued" || job.status === "rendering").map((job) => job.id));
  for (const [id, stop] of watching) if (!running.has(id)) { stop(); watching.delete(id); }
  for (const id of running) if (!watching.has(id)) watching.set(id, watchJob(id, (job) => update(id, job)));
}

function update(id, job) {
  const current = document.querySelector(`#jobs tbody tr[data-job="${CSS.escape(id)}"]`);
  if (current) current.replaceWith(row({ ...job, id }));
  if (job.status === "done" || job.status === "failed") {
    const stop = watching.get(id);
    watching.delete(id);
    if (stop) setTimeout(stop, 0);
    load().catch((err) => { $("jobs-message").textContent = describeError(err); }); // usage left changed too
  }
}

async function start() {
  await ready; // t() reads the loaded catalogue
  await requireSignIn();
  $("app").hidden = false;
  await load();
}

start().catch((err) => { $("jobs-message").textContent = describeError(err); });
