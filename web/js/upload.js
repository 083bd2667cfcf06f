// The upload page: CSV in, detected columns and mapping, design and options, live server preview, job progress.
import { describeError, el, get, postForm } from "./api.js";
import { requireSignIn } from "./signin.js";

const FIELDS = [
  ["full_name", "Full name"], ["first_name", "First name"], ["last_name", "Last name"], ["role", "Role"],
  ["organization", "Organization"], ["pronouns", "Pronouns"], ["ticket_type", "Ticket type"], ["email", "Email"],
  ["ticket_id", "Ticket id"],
];
const $ = (id) => document.getElementById(id);
const state = { csv: null, mapping: {}, mappingTouched: false, touched: new Set(), previewTimer: null, previewSeq: 0 };

function options() {
  const form = $("job-form");
  const design = form.querySelector("input[name=design]:checked");
  const opts = { paper: $("paper").value };
  if (design) opts.design = design.value;
  if ($("badge-size").value) opts.badge_size = $("badge-size").value;
  if ($("event-name").value.trim()) opts.event_name = $("event-name").value.trim();
  if (state.touched.has("accent")) opts.accent = $("accent").value;
  if (state.touched.has("background-color")) opts.background_color = $("background-color").value;
  return opts;
}

function formData() {
  const data = new FormData();
  data.append("csv", state.csv, state.csv.name);
  data.append("options", JSON.stringify(options()));
  if (state.mappingTouched) data.append("mapping", JSON.stringify(state.mapping));
  for (const id of ["logo", "background"]) if ($(id).files[0]) data.append(id, $(id).files[0]);
  return data;
}

function schedulePreview() {
  clearTimeout(state.previewTimer);
  if (state.csv) state.previewTimer = setTimeout(runPreview, 350);
}

function showCsvError(err) {
  $("csv-error").textContent = describeError(err);
  $("preview-image").hidden = true;
  $("preview-status").textContent = "No preview: fix the file first.";
  $("submit").disabled = true;
}

async function runPreview() {
  const seq = ++state.previewSeq;
  $("preview-status").textContent = "Rendering the preview…";
  try {
    const result = await postForm("/api/preview", formData());
    if (seq !== state.previewSeq) return; // a newer preview is on its way
    $("csv-error").textContent = "";
    $("options-error").textContent = "";
    showDetected(result);
    $("preview-image").src = result.preview;
    $("preview-image").hidden = false;
    $("preview-status").textContent = `First badge: ${result.first.name} (row ${result.first.row}).`;
    $("submit").disabled = false;
  } catch (err) {
    if (seq !== state.previewSeq) return;
    if (err.status === 429 && err.body.code === "preview_busy") { // earlier previews still drawing: ask again
      clearTimeout(state.previewTimer);
      state.previewTimer = setTimeout(runPreview, 700);
      return;
    }
    const field = err.body && err.body.field;
    if (field && field !== "csv") {
      $("options-error").textContent = describeError(err);
      $("submit").disabled = true;
      $("preview-status").textContent = "No preview: fix the options first.";
    } else {
      showCsvError(err);
      $("detected").hidden = true;
    }
  }
}

function showDetected(result) {
  $("detected").hidden = false;
  $("detected-summary").textContent =
    `${result.count} attendees, ${result.columns.length} columns (${result.source_format}, ${result.encoding}).`;
  if (!state.mappingTouched) state.mapping = { ...result.mapping };
  const mapping = $("mapping");
  mapping.replaceChildren(...FIELDS.map(([field, label]) => {
    const id = `map-${field}`;
    const select = el("select", { id, name: id },
      el("option", { value: "", text: "(not used)" }),
      ...result.columns.map((col) => el("option", { value: col, text: col, selected: state.mapping[field] === col })));
    select.addEventListener("change", () => {
      state.mappingTouched = true;
      if (select.value) state.mapping[field] = select.value; else delete state.mapping[field];
      schedulePreview();
    });
    return el("div", {}, el("label", { for: id, text: label }), select);
  }));
  const table = $("first-rows");
  table.replaceChildren(
    el("thead", {}, el("tr", {}, ...result.columns.map((c) => el("th", { scope: "col", text: c })))),
    el("tbody", {}, ...result.rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", { text: cell }))))));
  $("warnings").replaceChildren(...result.warnings.slice(0, 10).map((w) =>
    el("li", { text: `${w.row ? `row ${w.row}` : ""}${w.column ? `, column '${w.column}'` : ""}: ${w.message}` })));
}

function chooseFile(file) {
  if (!file) return;
  state.csv = file;
  state.mappingTouched = false;
  state.mapping = {};
  $("file-name").textContent = file.name;
  $("progress-box").hidden = true;
  schedulePreview();
}

async function loadDesigns() {
  const { designs } = await get("/api/designs");
  $("gallery").replaceChildren(...designs.map((design, index) => {
    const id = `design-${design.name}`;
    const input = el("input", { type: "radio", name: "design", id, value: design.name, checked: index === 0 });
    input.addEventListener("change", schedulePreview);
    return el("label", { for: id }, input, el("span", { text: design.title }),
      design.preview_url ? el("img", { src: design.preview_url, alt: `${design.title} design`, loading: "lazy" }) : null);
  }));
}

async function refreshUsage() {
  const me = await get("/api/me");
  $("usage-left").textContent = String(me.usage_left);
}

async function follow(jobId) {
  $("progress-box").hidden = false;
  $("download").hidden = true;
  for (;;) {
    const job = await get(`/api/jobs/${jobId}`);
    const fraction = (job.progress || 0) / 100; // the render job writes whole percents
    $("progress").value = Math.round((job.status === "done" ? 1 : fraction) * 100);
    $("progress-text").textContent = job.status === "done"
      ? `Done: ${job.badges} badges on ${job.pages} pages. We also emailed you the link.`
      : job.status === "failed" ? "" : `${job.status}… ${$("progress").value}%`;
    if (job.status === "done") {
      if (job.link) {
        $("download").href = job.link;
        $("download").hidden = false;
      } else if (job.link_error) {
        // e.g. no usage left for a job whose use was given back: say why instead of a dead button
        $("submit-error").textContent = describeError({ message: job.link_error.message, body: job.link_error });
      }
      await refreshUsage();
      return;
    }
    if (job.status === "failed") {
      $("submit-error").textContent = describeError({ message: job.error && job.error.message, body: job.error || {} });
      await refreshUsage();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
}

async function submit(event) {
  event.preventDefault();
  $("submit-error").textContent = "";
  $("submit").disabled = true;
  try {
    const job = await postForm("/api/jobs", formData());
    $("progress-text").textContent = "Queued…";
    await follow(job.id);
  } catch (err) {
    const target = err.body && err.body.field === "csv" ? "csv-error" : "submit-error";
    $(target).textContent = describeError(err);
  } finally {
    $("submit").disabled = !state.csv;
  }
}

function wireDropzone() {
  const zone = $("dropzone");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    chooseFile(e.dataTransfer.files[0]);
  });
  $("csv-file").addEventListener("change", () => chooseFile($("csv-file").files[0]));
}

async function start() {
  const me = await requireSignIn();
  $("app").hidden = false;
  $("usage-left").textContent = String(me.usage_left);
  wireDropzone();
  for (const id of ["paper", "badge-size", "event-name", "accent", "background-color", "logo", "background"]) {
    $(id).addEventListener(id === "event-name" ? "input" : "change", () => { state.touched.add(id); schedulePreview(); });
  }
  $("job-form").addEventListener("submit", submit);
  await loadDesigns();
}

start().catch((err) => { document.querySelector("main").prepend(el("p", { class: "error", role: "alert", text: describeError(err) })); });
