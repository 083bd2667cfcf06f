// The upload page: the CSV, the logo, the background and the photo ZIP go up once, when chosen (drafts the server
// keeps for 30 minutes; previews and the job name them by id), every option the renderer has
// (GET /api/options), a live preview beside the form (any row, front/back, the printed sheet), every warning, and
// a "Make badges" button that says what it costs.
import { del, describeError, el, fetchBlob, get, postForm } from "./api.js";
import { formatNumber, ready, t, tn } from "./i18n.js";
import { watchJob } from "./job_progress.js";
import { OptionFields } from "./option_fields.js";
import { pngSize } from "./png_size.js";
import { requireSignIn } from "./signin.js";

// The mapping's fields and their labels' catalogue keys.
const FIELDS = [
  ["full_name", "index.js.full_name"], ["first_name", "index.js.first_name"], ["last_name", "index.js.last_name"],
  ["role", "index.js.role"], ["organization", "index.js.organization"], ["pronouns", "index.js.pronouns"],
  ["ticket_type", "index.js.ticket_type"], ["email", "signin.email"], ["ticket_id", "index.js.ticket_id"],
];
const FORM_KEY = "badgeforge.form.v1"; // option values and draft ids (opaque) with file names: no attendee data, no files
const RECENT_KEY = "badgeforge.recent-jobs"; // digests of recent jobs' inputs, to ask before the same job twice
const REPEAT_MINUTES = 15;
const IMAGE_FIELDS = { logo_image: "logo", background_image: "background" }; // option -> its draft kind
const ASSETS = ["logo", "background", "photos"]; // draft kinds besides the CSV; the form sends `${kind}_draft`
const $ = (id) => document.getElementById(id);
const state = {
  csv: null, draft: null, mapping: {}, mappingTouched: false, previewTimer: null, previewSeq: 0, fields: null,
  designs: [], row: 0, side: "front", view: "badge", result: null, warningsOffset: 0, usageLeft: 0,
  lastJobSig: null, confirmedSig: null, previewOk: false, gallerySides: {},
  csvInfo: null, // {name, size, lastModified} of the CSV whose draft is state.draft (kept for a reload)
  oldDraft: null, // the CSV draft a newly chosen file replaces
  assets: {}, // kind -> {id, name, bytes, file?}: the draft the server keeps for that field
  uploads: {}, // kind -> the draft upload in flight (a preview waits for it)
  designPhotos: {}, // saved design id -> whether it has a photo element
};
const CALIBRATION_FILE = "printer-calibration.pdf";

function design() {
  const checked = $("job-form").querySelector("input[name=design]:checked");
  return checked ? checked.value : (state.designs[0] && state.designs[0].name);
}

// A saved design (the studio's, "saved:<id>") travels as design_id; the server reads the document itself.
function options() {
  const chosen = design();
  if (!chosen || !chosen.startsWith("saved:")) return state.fields.options(chosen);
  const opts = state.fields.options(state.designs[0] && state.designs[0].name);
  delete opts.design;
  return { ...opts, design_id: chosen.slice("saved:".length) };
}

// Files travel by draft id only: the bytes went up once, when they were chosen.
function formData(extra = {}) {
  const data = new FormData();
  if (state.draft) data.append("draft", state.draft);
  else data.append("csv", state.csv, state.csv.name);
  data.append("options", JSON.stringify(options()));
  if (state.mappingTouched) data.append("mapping", JSON.stringify(state.mapping));
  for (const kind of ASSETS) if (state.assets[kind]) data.append(`${kind}_draft`, state.assets[kind].id);
  for (const [key, value] of Object.entries(extra)) data.append(key, String(value));
  return data;
}

function save() {
  const assets = Object.fromEntries(ASSETS.filter((k) => state.assets[k]).map((k) => {
    const { id, name, bytes } = state.assets[k];
    return [k, { id, name, bytes }];
  }));
  const csv = state.draft && state.csvInfo ? { id: state.draft, ...state.csvInfo } : null;
  try {
    localStorage.setItem(FORM_KEY, JSON.stringify({ ...state.fields.snapshot(), design: design(), drafts: { csv, assets } }));
  } catch { /* private mode: nothing to keep */ }
}

// After a reload: the drafts the server may still keep (if one expired, the next preview says which file to choose).
function restoreDrafts(saved) {
  const drafts = (saved && saved.drafts) || {};
  if (drafts.csv && drafts.csv.id) {
    state.draft = drafts.csv.id;
    state.csvInfo = { name: drafts.csv.name, size: drafts.csv.size, lastModified: drafts.csv.lastModified };
    $("file-name").textContent = keptText(drafts.csv.name, drafts.csv.size);
  }
  for (const kind of ASSETS) {
    const kept = drafts.assets && drafts.assets[kind];
    if (kept && kept.id) state.assets[kind] = { id: kept.id, name: kept.name, bytes: kept.bytes };
    showKept(kind);
  }
}

function keptText(name, bytes) {
  return t("upload.kept", { name, size: formatNumber(bytes / 1e6, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }) });
}

const keptBox = (kind) => $(kind === "photos" ? "opt-photos-kept" : `${state.fields.id(`${kind}_image`)}-kept`);
const fileInput = (kind) => (kind === "photos" ? $("opt-photos") : state.fields.input(`${kind}_image`));

function showKept(kind, note = null) {
  const box = keptBox(kind);
  if (!box) return;
  const asset = state.assets[kind];
  if (note !== null || !asset) { box.replaceChildren(note || ""); return; }
  const remove = el("button", { type: "button", class: "secondary small", text: t("upload.remove_file") });
  remove.addEventListener("click", () => removeAsset(kind));
  box.replaceChildren(el("span", { text: keptText(asset.name, asset.bytes) }), " ", remove);
}

function showAssetError(kind, message) {
  const id = kind === "photos" ? "opt-photos" : state.fields.id(`${kind}_image`);
  $(`${id}-error`).textContent = message;
  if (message) $(id).setAttribute("aria-invalid", "true"); else $(id).removeAttribute("aria-invalid");
}

// A file goes up once, when chosen; the draft it replaces goes at once (the server deletes it). A file chosen while
// the field's last one is still going up goes after it, so it replaces that one and a refusal leaves that one in use
// (sent side by side, the older file could win, or a refusal drop the file kept meanwhile).
function uploadAsset(kind, file) {
  showUploading(kind, file);
  const upload = (state.uploads[kind] || Promise.resolve()).then(() => sendAsset(kind, file)).finally(() => {
    if (state.uploads[kind] === upload) delete state.uploads[kind];
  });
  state.uploads[kind] = upload;
  return upload;
}

function showUploading(kind, file) {
  showKept(kind, t("upload.uploading", { name: file.name }));
  showAssetError(kind, "");
}

function sendAsset(kind, file) {
  const previous = state.assets[kind];
  state.assets[kind] = null; // until the new one is kept: no preview with the old file
  showUploading(kind, file); // again: the upload it waited for showed its own outcome
  const data = new FormData();
  data.append(kind, file, file.name);
  if (previous) data.append("replaces", previous.id);
  return postForm("/api/drafts", data)
    .then((draft) => { state.assets[kind] = { id: draft.id, name: draft.filename, bytes: draft.bytes, file }; })
    .catch((err) => { // refused (the server kept nothing and dropped nothing): the previous file stays in use
      state.assets[kind] = previous && previous.id ? previous : null;
      fileInput(kind).value = "";
      showAssetError(kind, describeError(err));
    })
    .finally(() => {
      showKept(kind);
      save();
    });
}

function removeAsset(kind) {
  const asset = state.assets[kind];
  state.assets[kind] = null;
  fileInput(kind).value = "";
  if (asset) del(`/api/drafts/${encodeURIComponent(asset.id)}`).catch(() => { /* it expires by itself */ });
  showKept(kind);
  changed();
}

// A draft the server no longer has (expired, or swept): upload the file again when the page still holds it,
// else forget it and say which file to choose again. True when the request is worth repeating.
async function recoverDraft(err) {
  const code = err.body && err.body.code;
  if (code !== "draft_expired" && code !== "draft_not_found") return false;
  const kind = err.body.field;
  if (kind === "csv") {
    state.draft = null;
    if (state.csv) { await uploadDraft(); return true; }
    state.csvInfo = null;
    $("file-name").textContent = "";
    save();
    return false;
  }
  const asset = state.assets[kind];
  if (!ASSETS.includes(kind) || !asset) return false;
  state.assets[kind] = null; // the server has no such draft: nothing to replace
  if (asset.file) { await uploadAsset(kind, asset.file); return Boolean(state.assets[kind]); }
  showKept(kind);
  save();
  return false;
}

function designChoice() {
  const spec = state.fields && state.fields.specs.design;
  return spec && (spec.choices || []).find((c) => c.value === design());
}

function changed() {
  state.previewOk = false; // "Make badges" waits for a preview of exactly these options
  state.fields.setDesign(designChoice());
  save();
  updateGallery();
  updatePhotosField();
  updateSubmit();
  schedulePreview();
}

// The photo ZIP field: shown for a design with a photo element (bundled or saved), or while a ZIP is kept.
async function updatePhotosField() {
  const chosen = design();
  let wanted = Boolean(state.assets.photos || (state.result && (state.result.photo_columns || []).length));
  if (chosen && chosen.startsWith("saved:")) {
    const id = chosen.slice("saved:".length);
    if (!(id in state.designPhotos)) {
      const saved = await get(`/api/saved-designs/${encodeURIComponent(id)}`).catch(() => null);
      state.designPhotos[id] = Boolean(saved && (saved.document.elements || []).some((e) => e.kind === "photo"));
    }
    wanted = wanted || state.designPhotos[id];
  }
  if (chosen === design()) state.fields.setPhotosWanted(wanted);
}

function schedulePreview(delay = 350) {
  clearTimeout(state.previewTimer);
  if (state.csv || state.draft) state.previewTimer = setTimeout(runPreview, delay);
}

async function uploadDraft() {
  const data = new FormData();
  data.append("csv", state.csv, state.csv.name);
  if (state.oldDraft) data.append("replaces", state.oldDraft);
  const draft = await postForm("/api/drafts", data);
  state.draft = draft.id;
  state.oldDraft = null;
  save();
}

async function runPreview() {
  const seq = ++state.previewSeq;
  if (Object.keys(state.fields.sync()).length) {
    state.previewOk = false;
    $("preview-status").textContent = "No preview: fix the options marked in the form.";
    updateSubmit();
    return;
  }
  $("preview-status").textContent = "Rendering the preview…";
  try {
    await Promise.all(Object.values(state.uploads)); // a file being chosen: preview with it
    if (!state.draft) await uploadDraft();
    const result = await postForm("/api/preview", formData({
      row: state.row, side: state.side, scale: Math.min(3, window.devicePixelRatio || 1), warnings_offset: state.warningsOffset,
    }));
    if (seq !== state.previewSeq) return; // a newer preview is on its way
    $("csv-error").textContent = "";
    $("options-error").textContent = "";
    state.fields.showProblems({});
    showDetected(result);
    showPreview(result);
    updatePhotosField();
    state.previewOk = true;
  } catch (err) {
    if (seq !== state.previewSeq) return;
    state.previewOk = false;
    if (err.status === 429 && err.body.code === "preview_busy") { // earlier previews still drawing: ask again
      schedulePreview(700);
      return;
    }
    if (seq === state.previewSeq && await recoverDraft(err).catch(() => false)) { // the server let it go: uploaded again
      schedulePreview(0);
      return;
    }
    const field = err.body && err.body.field;
    if (ASSETS.includes(field)) {
      showAssetError(field, describeError(err));
      $("preview-status").textContent = t("index.js.no_preview_options");
    } else if (field === "csv" || field === "mapping") {
      showCsvError(err);
    } else { // an option, or the server itself: never blame the file for it
      if (!field || !state.fields.showServerError(field, describeError(err))) $("options-error").textContent = describeError(err);
      $("preview-status").textContent = field ? t("index.js.no_preview_options") : t("index.js.no_preview_now");
    }
  } finally {
    updateSubmit();
  }
}

function showCsvError(err) {
  $("csv-error").textContent = describeError(err);
  $("preview-image").hidden = true;
  $("preview-status").textContent = t("index.js.no_preview_file");
  if (err.body && err.body.columns) { // fixable here: keep the mapping on the file's columns, mark the name field
    showMapping(err.body.columns, err.body.required || []);
    $("detected").hidden = false;
    $("detected-summary").textContent = t("index.js.which_names");
  } else if (!state.result) {
    $("detected").hidden = true;
  }
}

function showMapping(columns, required = []) {
  $("mapping").replaceChildren(...FIELDS.map(([field, labelKey]) => {
    const label = t(labelKey);
    const id = `map-${field}`;
    const needed = required.includes(field);
    const select = el("select", { id, name: id, "aria-invalid": needed ? "true" : null, "aria-required": needed ? "true" : null },
      el("option", { value: "", text: t("index.js.not_used") }),
      ...columns.map((col) => el("option", { value: col, text: col, selected: state.mapping[field] === col })));
    select.addEventListener("change", () => {
      state.mappingTouched = true;
      if (select.value) state.mapping[field] = select.value; else delete state.mapping[field];
      state.row = 0;
      changed();
    });
    return el("div", { class: needed ? "needed" : null }, el("label", { for: id, text: needed ? t("index.js.needed", { label }) : label }), select);
  }));
}

function showDetected(result) {
  state.result = result;
  $("detected").hidden = false;
  const values = { count: formatNumber(result.count), selected: formatNumber(result.selected),
    columns: formatNumber(result.columns.length), format: result.source_format, encoding: result.encoding };
  $("detected-summary").textContent =
    t(result.selected !== result.count ? "index.js.detected_chosen" : "index.js.detected", values);
  if (!state.mappingTouched) state.mapping = { ...result.mapping };
  showMapping(result.columns);
  state.fields.setColumns(result.columns);
  state.fields.setTicketTypes(result.steps.types);
  $("first-rows").replaceChildren(
    el("thead", {}, el("tr", {}, ...result.columns.map((c) => el("th", { scope: "col", text: c })))),
    el("tbody", {}, ...result.rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", { text: cell }))))));
}

function describeWarning(w) {
  const where = w.row ? t("index.js.row", { row: formatNumber(w.row) }) : t("index.js.all_badges");
  return `${w.column ? t("index.js.where_column", { where, column: w.column }) : where}: ${w.message}`;
}

function showPreview(result) {
  const image = $("preview-image");
  // Its size before its pixels (width/height give the aspect ratio, CSS px at print size the width): the status,
  // the stepper and the warnings below do not move when the picture arrives (nor does a click aimed at "Next").
  const { width, height } = pngSize(result.preview);
  Object.assign(image, { width, height });
  image.style.width = `${width / (result.dpi / 96)}px`;
  image.src = result.preview;
  image.alt = t(`index.js.preview_alt_${result.side === "back" ? "back" : "front"}`, { name: result.badge.name });
  image.hidden = false;
  const b = result.badge;
  $("preview-status").textContent =
    t(result.side === "back" ? "index.js.badge_of_back" : "index.js.badge_of", { index: formatNumber(b.index + 1),
      total: formatNumber(result.selected), name: b.name, row: formatNumber(b.row) });
  $("view-switch").hidden = false;
  $("stepper").hidden = false;
  $("step-prev").disabled = b.index === 0;
  $("step-next").disabled = b.index >= result.selected - 1;
  $("step-type").replaceChildren(el("option", { value: "", text: t("index.js.choose_type") }),
    ...result.steps.types.map((ty) => el("option", { value: String(ty.index), text: `${ty.type || t("index.js.no_type")} (${formatNumber(ty.count)})` })));
  $("side-front").hidden = $("side-back").hidden = !result.has_back;
  if (!result.has_back) state.side = "front";
  $("side-front").setAttribute("aria-pressed", String(state.side === "front"));
  $("side-back").setAttribute("aria-pressed", String(state.side === "back"));
  showSheet(result);
  showWarnings(result);
}

function showSheet(result) {
  const s = result.sheet;
  const badges = tn("index.js.per_sheet", s.per_sheet);
  const paper = s.page.name || `${formatNumber(s.page.w)} × ${formatNumber(s.page.h)} mm`;
  const duplex = s.duplex ? ` ${t("index.js.fronts_backs")}` : "";
  $("sheet-summary").textContent =
    tn("index.js.sheet_pages", s.pages, { badges, page: paper, total: formatNumber(result.selected), duplex });
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${s.page.w} ${s.page.h}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("index.js.printed_page", { badges }));
  const add = (tag, attrs) => { const n = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); svg.append(n); return n; };
  add("rect", { x: 0, y: 0, width: s.page.w, height: s.page.h, class: "paper" });
  for (const slot of s.fronts) {
    const turned = slot.rotation % 180 !== 0;
    const [w, h] = turned ? [slot.h, slot.w] : [slot.w, slot.h];
    const cx = slot.x + slot.w / 2, cy = slot.y + slot.h / 2;
    add("image", { href: result.side === "front" ? result.preview : "", x: cx - w / 2, y: cy - h / 2, width: w, height: h,
      transform: `rotate(${slot.rotation} ${cx} ${cy})`, preserveAspectRatio: "none" });
    add("rect", { x: slot.x, y: slot.y, width: slot.w, height: slot.h, class: "slot" });
  }
  for (const slot of s.backs) add("rect", { x: slot.x, y: slot.y, width: slot.w, height: slot.h, class: "slot back" });
  $("sheet").replaceChildren(svg);
  $("badge-view").hidden = state.view !== "badge";
  $("sheet-view").hidden = state.view !== "sheet";
}

function showWarnings(result) {
  const total = result.warning_count;
  $("warnings-box").hidden = total === 0;
  const shown = result.warnings.length;
  $("warnings-title").textContent = total
    ? t("index.js.warnings_showing", { total: formatNumber(total), from: formatNumber(result.warnings_offset + 1),
      to: formatNumber(result.warnings_offset + shown) })
    : t("index.warnings");
  $("warnings").replaceChildren(...result.warnings.map((w) => el("li", { text: describeWarning(w) })));
  $("warnings-prev").disabled = result.warnings_offset === 0;
  $("warnings-next").disabled = result.warnings_offset + shown >= total;
}

async function downloadFile(path, form, filename = "badge-warnings.csv") {
  const blob = await fetchBlob(path, form);
  const link = el("a", { href: URL.createObjectURL(blob), download: filename, hidden: true });
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

function chooseFile(file) {
  if (!file) return;
  state.csv = file;
  state.oldDraft = state.draft || state.oldDraft;
  state.draft = null;
  state.csvInfo = { name: file.name, size: file.size, lastModified: file.lastModified };
  state.result = null;
  state.mappingTouched = false;
  state.mapping = {};
  state.row = 0;
  state.warningsOffset = 0;
  $("file-name").textContent = file.name;
  $("progress-box").hidden = true;
  changed();
  schedulePreview(0);
}

// The gallery shows what the form will produce: no QR code when the form has none, and a design's back when asked.
function designThumb(d) {
  const opts = state.fields ? options() : {};
  const params = new URLSearchParams();
  if (!opts.qr_field && opts.qr_kind !== "vcard") params.set("qr", "0");
  if (d.has_back && state.gallerySides[d.name] === "back") params.set("side", "back");
  return `${d.preview_url}${params.toString() ? `?${params}` : ""}`;
}

function updateGallery() {
  for (const d of state.designs) {
    const card = document.getElementById(`design-${d.name}-card`);
    const img = card && card.querySelector("img");
    if (img && d.preview_url) { const src = designThumb(d); if (img.getAttribute("src") !== src) img.src = src; }
    const button = card && card.querySelector("button");
    if (button) {
      const back = state.gallerySides[d.name] === "back";
      button.textContent = t(back ? "index.js.show_front" : "index.js.show_back");
      button.setAttribute("aria-label", `${t(back ? "index.js.show_front" : "index.js.show_back")}: ${d.title}`);
      button.setAttribute("aria-pressed", String(back));
    }
  }
}

async function loadDesigns(saved) {
  const { designs } = await get("/api/designs");
  state.designs = designs;
  $("gallery").replaceChildren(...designs.map((d, index) => {
    const id = `design-${d.name}`;
    const input = el("input", { type: "radio", name: "design", id, value: d.name,
      checked: saved && saved.design ? saved.design === d.name : index === 0, "aria-describedby": `${id}-about` });
    input.addEventListener("change", changed);
    const back = d.has_back ? el("button", { type: "button", class: "secondary small", text: t("index.js.show_back") }) : null;
    if (back) {
      back.addEventListener("click", (e) => {
        e.preventDefault();
        state.gallerySides[d.name] = state.gallerySides[d.name] === "back" ? "front" : "back";
        updateGallery();
      });
    }
    // The preview's pixel size as its width and height (CSS keeps `height: auto`): the card has its final height
    // before the lazy picture arrives, so no card moves under the pointer (a click on one design checked another).
    const preview = d.preview_url
      ? el("img", { src: d.preview_url, alt: "", loading: "lazy", width: d.preview_width, height: d.preview_height })
      : null;
    return el("div", { class: "design", id: `${id}-card` }, input,
      el("label", { for: id }, el("span", { text: d.title }), preview),
      el("small", { id: `${id}-about`, class: "muted", text: d.description }), back);
  }));
  const mine = await get("/api/saved-designs").catch(() => ({ designs: [] }));
  $("gallery").append(...mine.designs.map((d) => {
    const id = `saved-design-${d.id}`;
    const input = el("input", { type: "radio", name: "design", id, value: `saved:${d.id}`,
      checked: Boolean(saved && saved.design === `saved:${d.id}`) });
    input.addEventListener("change", changed);
    return el("div", { class: "design", id: `${id}-card` }, input, el("label", { for: id }, el("span", { text: d.title })),
      el("small", { class: "muted" }, t("upload.saved_design"), el("a", { href: `/studio?design=saved:${encodeURIComponent(d.id)}`, text: t("upload.edit_in_studio") })));
  }));
  updateGallery();
}

// --- Make badges: what it costs, nothing twice by accident ---

async function signature() {
  if (!state.csvInfo) return null;
  const files = ASSETS.map((k) => state.assets[k] && [state.assets[k].name, state.assets[k].bytes]);
  const { name, size, lastModified } = state.csvInfo;
  const text = JSON.stringify([name, size, lastModified, options(), state.mapping, files]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function recentJobs() {
  try { return JSON.parse(sessionStorage.getItem(RECENT_KEY) || "[]"); } catch { return []; }
}

async function updateSubmit() {
  const sig = await signature();
  const left = state.usageLeft;
  let note;
  let enabled = false;
  if (left <= 0) note = t("index.js.none_left");
  else if (!state.csvInfo) note = tn("index.js.uses_one_of", left);
  else if (sig && sig === state.lastJobSig) note = t("index.js.just_made");
  else {
    enabled = state.previewOk;
    note = t("index.js.uses_one", { left: formatNumber(left), after: formatNumber(left - 1) });
  }
  $("usage-note").textContent = note;
  $("submit").textContent = left > 0 ? t("index.js.make_uses_one") : t("index.js.make_none_left");
  $("submit").disabled = !enabled;
}

async function refreshUsage() {
  const me = await get("/api/me");
  state.usageLeft = me.usage_left;
  $("usage-left").textContent = formatNumber(me.usage_left);
  await updateSubmit();
}

async function showJobWarnings(jobId, offset = 0) {
  const page = await get(`/api/jobs/${jobId}/warnings?offset=${offset}&limit=100`);
  $("job-warnings-box").hidden = page.total === 0;
  const items = page.warnings.map((w) => el("li", { text: describeWarning(w) }));
  if (offset === 0) $("job-warnings").replaceChildren(...items); else $("job-warnings").append(...items);
  $("job-warnings-title").textContent = t("index.js.job_warnings_count", { total: formatNumber(page.total) });
  const more = $("job-warnings-more");
  more.hidden = offset + page.warnings.length >= page.total;
  more.onclick = () => showJobWarnings(jobId, offset + page.warnings.length);
  $("job-warnings-csv").onclick = () => downloadFile(`/api/jobs/${jobId}/warnings.csv`).catch((err) => { $("submit-error").textContent = describeError(err); });
}

async function follow(jobId) {
  $("progress-box").hidden = false;
  $("download").hidden = true;
  $("job-warnings-box").hidden = true;
  // Pushed, not polled: job_progress.js streams the job's changes (SSE locally, the database listener on Firebase).
  const job = await new Promise((resolve) => {
    let stop = null;
    let ended = false;
    stop = watchJob(jobId, (update) => {
      if (ended) return;
      showProgress(update);
      if (update.status === "done" || update.status === "failed") {
        ended = true;
        setTimeout(() => stop && stop(), 0);
        resolve(update);
      }
    });
  });
  await finished(jobId, job);
}

function showProgress(job) {
  const fraction = (job.progress || 0) / 100; // the render job writes whole percents
  $("progress").value = Math.round((job.status === "done" ? 1 : fraction) * 100);
  $("progress-text").textContent = job.status === "done"
    ? t("index.js.done", { badges: formatNumber(job.badges), pages: formatNumber(job.pages) })
    : job.status === "failed" ? "" : `${t(`jobs.status_${job.status}`)}… ${formatNumber($("progress").value / 100, { style: "percent" })}`;
}

async function finished(jobId, update) {
  let job = update;
  // a database update has no link, and its reason is stored in English (the API answers in the page's language)
  if (job.status === "failed" || (job.status === "done" && !job.link && !job.link_error)) job = await get(`/api/jobs/${jobId}`);
  if (job.status === "done") {
    if (job.link) {
      $("download").href = job.link;
      $("download").hidden = false;
    } else if (job.link_error) {
      // e.g. no usage left for a job whose use was given back: say why instead of a dead button
      $("submit-error").textContent = describeError({ message: job.link_error.message, body: job.link_error });
    }
    await showJobWarnings(jobId);
  } else {
    $("submit-error").textContent = describeError({ message: job.error && job.error.message, body: job.error || {} });
  }
  await refreshUsage();
}

async function submit(event) {
  event.preventDefault();
  $("submit-error").textContent = "";
  const sig = await signature();
  const recent = recentJobs().find((j) => j.sig === sig && Date.now() - j.at < REPEAT_MINUTES * 60_000);
  if (recent && state.confirmedSig !== sig) {
    const minutes = Math.max(1, Math.round((Date.now() - recent.at) / 60_000));
    $("repeat-text").textContent =
      tn("index.js.repeat", minutes);
    $("repeat-box").hidden = false;
    $("repeat-yes").focus();
    return;
  }
  $("repeat-box").hidden = true;
  $("submit").disabled = true;
  try {
    let job;
    try {
      await Promise.all(Object.values(state.uploads));
      job = await postForm("/api/jobs", formData());
    } catch (err) {
      if (!(await recoverDraft(err))) throw err; // a draft expired meanwhile: its file went up once more
      job = await postForm("/api/jobs", formData());
    }
    state.lastJobSig = sig;
    state.confirmedSig = null;
    sessionStorage.setItem(RECENT_KEY, JSON.stringify([{ sig, at: Date.now() }, ...recentJobs()].slice(0, 10)));
    $("progress-text").textContent = "Queued…";
    await follow(job.id);
  } catch (err) {
    const field = err.body && err.body.field;
    if (ASSETS.includes(field)) showAssetError(field, describeError(err));
    const target = field === "csv" ? "csv-error" : "submit-error";
    $(target).textContent = describeError(err);
  } finally {
    await updateSubmit();
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

function wirePreview() {
  const go = (row) => { state.row = row; schedulePreview(0); };
  $("step-prev").addEventListener("click", () => go(Math.max(0, state.row - 1)));
  $("step-next").addEventListener("click", () => go(state.row + 1));
  $("step-longest").addEventListener("click", () => state.result && go(state.result.steps.longest));
  $("step-type").addEventListener("change", () => { if ($("step-type").value !== "") go(Number($("step-type").value)); });
  const view = (name) => {
    state.view = name;
    $("view-badge").setAttribute("aria-pressed", String(name === "badge"));
    $("view-sheet").setAttribute("aria-pressed", String(name === "sheet"));
    $("badge-view").hidden = name !== "badge";
    $("sheet-view").hidden = name !== "sheet";
  };
  $("view-badge").addEventListener("click", () => view("badge"));
  $("view-sheet").addEventListener("click", () => view("sheet"));
  $("side-front").addEventListener("click", () => { state.side = "front"; schedulePreview(0); });
  $("side-back").addEventListener("click", () => { state.side = "back"; schedulePreview(0); });
  $("warnings-prev").addEventListener("click", () => { state.warningsOffset = Math.max(0, state.warningsOffset - 100); schedulePreview(0); });
  $("warnings-next").addEventListener("click", () => { state.warningsOffset += 100; schedulePreview(0); });
  $("warnings-csv").addEventListener("click", () => downloadFile("/api/preview/warnings.csv", formData())
    .catch((err) => { $("options-error").textContent = describeError(err); }));
  state.fields.calibrationButton.addEventListener("click", () => {
    $("calibration-error").textContent = "";
    downloadFile(`/api/calibration.pdf?${state.fields.calibrationQuery()}`, undefined, CALIBRATION_FILE)
      .catch((err) => { $("calibration-error").textContent = describeError(err); });
  });
  $("repeat-yes").addEventListener("click", async () => { state.confirmedSig = await signature(); $("job-form").requestSubmit(); });
  $("repeat-no").addEventListener("click", () => { $("repeat-box").hidden = true; $("submit").focus(); });
}

async function start() {
  await ready; // t() reads the loaded catalogue
  const me = await requireSignIn();
  state.usageLeft = me.usage_left;
  $("usage-left").textContent = formatNumber(me.usage_left);
  const schema = await get("/api/options");
  state.fields = new OptionFields(schema, changed);
  state.fields.build({ print: $("group-print"), content: $("group-content"), look: $("group-look") });
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(FORM_KEY) || "null"); } catch { saved = null; }
  state.fields.restore(saved);
  restoreDrafts(saved);
  for (const [option, kind] of Object.entries(IMAGE_FIELDS)) {
    const input = state.fields.input(option);
    input.addEventListener("change", () => { if (input.files[0]) uploadAsset(kind, input.files[0]); });
  }
  $("opt-photos").addEventListener("change", () => {
    if (!$("opt-photos").files[0]) return;
    uploadAsset("photos", $("opt-photos").files[0]);
    changed(); // the preview waits for the upload
  });
  wireDropzone();
  wirePreview();
  $("job-form").addEventListener("submit", submit);
  await loadDesigns(saved);
  state.fields.setDesign(designChoice());
  await updatePhotosField();
  await updateSubmit();
  schedulePreview(0); // a reload: the kept drafts preview at once
  $("app").hidden = false; // only now: every control is wired
}

start().catch((err) => { document.querySelector("main").prepend(el("p", { class: "error", role: "alert", text: describeError(err) })); });
