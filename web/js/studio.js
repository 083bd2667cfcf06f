// The design studio (/studio): edit a design document (docs/design-format.md) on a true-scale SVG canvas, with
// pointer drag/resize/rotate and snapping, keyboard nudge, undo/redo, a property panel, layers, and the server's
// own preview with real attendees beside it; saved per organizer through /api/saved-designs.
import { ApiError, del, describeError, el, get, post, postForm, request } from "./api.js";
import { formatNumber, ready, t } from "./i18n.js";
import { requireSignIn } from "./signin.js";
import { backgroundSection, clearNote, SVG_TYPE } from "./studio_backgrounds.js";
import { columnList, conditionSection, field, overridesSection, ticketTypes, visibilitySection } from "./studio_variants.js";

// Every string the page shows, in one place; the texts live in web/i18n/<lang>.json (keys studio.*), so they are read
// through t() when used (after i18n.js's `ready`), and sentences with values fill their {placeholders} there.
// What a new text element prints: a design-document format (docs/design-format.md), not a text for people.
const NEW_TEXT_FORMAT = "{organization}";

const STRINGS = {
  get signInTitle() { return t("studio.sign_in_title"); },
  get bundled() { return t("studio.bundled"); },
  get saved() { return t("studio.saved_designs"); },
  get custom() { return t("studio.custom"); },
  get untitled() { return t("studio.untitled"); },
  get readOnly() { return t("studio.read_only"); },
  get canvasLabel() { return t("studio.canvas_label"); },
  get canvasHelp() { return t("studio.canvas_help"); },
  get saved_() { return t("studio.saved"); },
  savedAs: (title) => t("studio.saved_as", { title }),
  duplicated: (title) => t("studio.duplicated", { title }),
  renamed: (title) => t("studio.renamed", { title }),
  get deleted() { return t("jobs.deleted"); },
  confirmDelete: (title) => t("studio.confirm_delete", { title }),
  get notSaved() { return t("studio.not_saved"); },
  get conflict() { return t("studio.conflict"); },
  get noSelection() { return t("studio.no_selection"); },
  get previewing() { return t("index.js.rendering_preview"); },
  previewOf: (i, n, name, type) =>
    t(type ? "studio.preview_of_type" : "studio.preview_of", { index: formatNumber(i + 1), count: formatNumber(n), name, type }),
  get sampleNote() { return t("studio.sample_note"); },
  layerShow: (id) => t("studio.layer_show", { id }),
  layerUp: (id) => t("studio.layer_up", { id }),
  layerDown: (id) => t("studio.layer_down", { id }),
  get deleteElement() { return t("studio.delete_element"); },
  elementLabel: (kind, id) => t("studio.element_label", { kind: kindName(kind), id }),
};
const KINDS = ["text", "name", "event_name", "qr", "image", "photo", "rect", "ellipse", "line"];
const kindName = (kind) => (KINDS.includes(kind) ? t(`studio.kind_${kind}`) : kind);

const SAMPLE_CSV = "First Name,Last Name,Role,Company,Ticket Type,Email\n" +
  "Ada,Lovelace,Speaker,Analytical Engines,Speaker,ada@example.com\n" +
  "Grace,Hopper,Attendee,US Navy,Attendee,grace@example.com\n" +
  "Maximiliane Alexandra,Von Hohenzollern-Sigmaringen,Organizer,Badge Foundation,Staff,max@example.com\n";
const PT_MM = 25.4 / 72;
const PX_PER_MM = 96 / 25.4;
const SNAP_MM = 1.2; // how near an edge, centre or safe-area line pulls the element onto it
const TEXT_KINDS = new Set(["text", "name", "event_name"]);
const SHAPE_KINDS = new Set(["rect", "ellipse", "line"]);
const SVG_NS = "http://www.w3.org/2000/svg";
const FIELD_SAMPLE = { first_name: "Ada", last_name: "Lovelace", full_name: "Ada Lovelace", role: "Speaker",
  organization: "Analytical Engines", ticket_type: "Speaker", pronouns: "she/her", email: "ada@example.com" };

const $ = (id) => document.getElementById(id);
const state = {
  doc: null, id: null, version: null, title: "", selected: null, side: "front",
  undo: [], redo: [], readOnly: false, draft: null, row: 0, steps: null, previewTimer: null, previewSeq: 0,
  presets: [], guides: [], columns: [], types: [], mapping: {},
};
const SIZE_MIN_MM = 20; // the format's range for a badge's width and height (docs/design-format.md)
const SIZE_MAX_MM = 450;
const SAFE_SHEET_MM = 3; // a sheet label's safe area: the format's default, room for a 3 mm bleed's trim
// Label-printer stock neither bleeds nor prints to its edge (a Brother QL prints 696 dots = 58.9 mm of a 62 mm
// label), and a die-cut label moves a little on the roll: text keeps 4 mm from the edge.
const SAFE_LABEL_PRINTER_MM = 4;

const round = (v) => Math.round(v * 100) / 100;
const clone = (v) => JSON.parse(JSON.stringify(v));
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  return node;
}

// --- The document and its history ---

function elements() { return state.doc.elements; }
function element(id) { return elements().find((e) => e.id === id) || null; }
function size() { return [state.doc.size.width_mm, state.doc.size.height_mm]; }
function safe() { return state.doc.safe_area_mm ?? 3; }

function remember() {
  state.undo.push(JSON.stringify(state.doc));
  if (state.undo.length > 200) state.undo.shift();
  state.redo = [];
  updateHistoryButtons();
}
function restore(from, to) {
  if (!from.length) return;
  to.push(JSON.stringify(state.doc));
  state.doc = JSON.parse(from.pop());
  if (state.selected && !element(state.selected)) state.selected = null;
  changed({ history: false });
}
const undo = () => restore(state.undo, state.redo);
const redo = () => restore(state.redo, state.undo);
function updateHistoryButtons() {
  $("undo-button").disabled = state.readOnly || !state.undo.length;
  $("redo-button").disabled = state.readOnly || !state.redo.length;
}

// Redraw after a change. A text field's own change keeps the panels as they are (`keepPanel`): redrawing them
// would take the focus from the field the Tab key is moving to; any other change redraws them and gives the focus
// back to the control that had it (same id), or to `focus` when that control is gone (a removed row).
function changed({ keepPanel = false, focus = null } = {}) {
  const active = document.activeElement;
  const inPanel = active && active.id && active.closest && active.closest("#props, #design-props");
  drawCanvas();
  drawLayers();
  if (!keepPanel) {
    drawProps();
    drawDesignPanel();
    const again = (inPanel && $(active.id)) || (focus && $(focus));
    if (again && again !== active) again.focus();
  }
  $("side-select").disabled = !(state.doc.sides || []).includes("back");
  if ($("side-select").disabled && state.side === "back") { state.side = "front"; $("side-select").value = "front"; drawCanvas(); }
  updateHistoryButtons();
  schedulePreview();
}

// What the panels in studio_variants.js and studio_backgrounds.js work with: the document, undo, redraw, uploads,
// and what the preview learnt of the CSV (its columns and ticket types).
const panelContext = {
  doc: () => state.doc,
  remember: () => remember(),
  changed: (options) => changed(options),
  get readOnly() { return state.readOnly; },
  columns: () => state.columns,
  fieldFor: (column) => fieldFor(column),
  types: () => ticketTypes(state.doc, state.types),
  uploadAsset: (assetId, file) => uploadAsset(assetId, file),
};

// The name a document uses for a CSV column: a column the reader recognised ("First Name", "Order code") lives on
// the attendee as its field (first_name, ticket_id), as the job does for its QR column; any other column by its header.
function fieldFor(column) {
  const wanted = column.trim().toLowerCase();
  const known = Object.entries(state.mapping).find(([, header]) => String(header).trim().toLowerCase() === wanted);
  return known ? known[0] : column.trim();
}

// The design's own settings: size and safe area, sides and backgrounds, and the overrides per ticket type.
function drawDesignPanel() {
  const box = $("design-props");
  if (!box || !state.doc) return;
  const safeInput = el("input", { type: "number", id: "design-safe-area", min: 0, max: 20, step: "0.5", value: safe(), disabled: state.readOnly });
  safeInput.addEventListener("change", () => {
    const value = Number(safeInput.value);
    if (safeInput.value === "" || !(value >= 0 && value <= 20)) { message(t("studio.safe_area_range")); return; }
    remember();
    state.doc.safe_area_mm = value;
    changed({ keepPanel: true });
  });
  box.replaceChildren(
    el("p", { class: "muted small", text: t("studio.design_size", { width: formatNumber(size()[0]), height: formatNumber(size()[1]) }) }),
    field("design-safe-area", t("studio.safe_area"), safeInput),
    backgroundSection(panelContext),
    el("h3", { id: "types-title", text: t("studio.types_title") }),
    el("p", { class: "muted small", text: t("studio.types_help") }),
    overridesSection(panelContext),
  );
}

function blankDocument(widthMm, heightMm, title, safeMm = SAFE_SHEET_MM) {
  return {
    format: "badgeforge-design", version: 1, name: "custom", title,
    size: { width_mm: widthMm, height_mm: heightMm }, sides: ["front"], safe_area_mm: safeMm,
    elements: [{ id: "name", kind: "name", box: { x: widthMm * 0.06, y: heightMm * 0.3, width: widthMm * 0.88, height: heightMm * 0.3 },
      weight: "bold", max_size: 36, min_size: 10, fit: "wrap", max_lines: 2 }],
  };
}

function openDocument(doc, { id = null, version = null, title } = {}) {
  state.doc = doc;
  state.id = id;
  state.version = version;
  state.title = title || doc.title || STRINGS.untitled;
  state.selected = null;
  state.undo = [];
  state.redo = [];
  state.side = "front";
  clearNote();
  $("side-select").value = "front";
  $("design-title").value = state.title;
  $("side-select").disabled = !(doc.sides || []).includes("back");
  updateSavedButtons();
  changed();
}

function updateSavedButtons() {
  for (const name of ["duplicate-button", "rename-button", "delete-button"]) $(name).disabled = state.readOnly || !state.id;
  $("save-button").disabled = state.readOnly;
}

// --- Canvas: the badge at true scale (viewBox in mm), elements as plain SVG ---

function colour(value, fallback) {
  if (!value || value === "none") return value === "none" ? "none" : fallback;
  if (value.startsWith("#")) return value;
  const roles = { background: "#ffffff", accent: "#000000", text: "#000000", on_accent: "#ffffff", ...(state.doc.colors || {}) };
  if (value === "muted") return roles.muted || roles.text;
  return roles[value] || fallback;
}

function sampleText(e) {
  if (e.kind === "name") return "Ada Lovelace";
  if (e.kind === "event_name") return "Event name";
  if (e.column) return `{${e.column}}`;
  return String(e.text || "").replace(/\{([^}|]+)(\|[^}]*)?\}/g, (_, a) => FIELD_SAMPLE[a.trim()] ?? `{${a}}`);
}

function drawElement(e) {
  const { x, y, width: w, height: h } = e.box;
  const g = svg("g", { class: `studio-el${e.visible === false ? " hidden-el" : ""}${e.id === state.selected ? " selected" : ""}`,
    "data-id": e.id, tabindex: state.readOnly ? null : 0, role: "button", "aria-label": STRINGS.elementLabel(e.kind, e.id),
    transform: e.rotation ? `rotate(${e.rotation} ${x + w / 2} ${y + h / 2})` : null });
  const opacity = e.opacity ?? 1;
  if (e.kind === "rect") g.append(svg("rect", { x, y, width: w, height: h, rx: e.radius_mm || 0, fill: colour(e.fill, "none"), stroke: colour(e.stroke, "none"), "stroke-width": e.stroke_width_mm || 0, opacity }));
  else if (e.kind === "ellipse") g.append(svg("ellipse", { cx: x + w / 2, cy: y + h / 2, rx: w / 2, ry: h / 2, fill: colour(e.fill, "none"), stroke: colour(e.stroke, "none"), "stroke-width": e.stroke_width_mm || 0, opacity }));
  else if (e.kind === "line") g.append(svg("line", { x1: x, y1: y, x2: x + w, y2: y + h, stroke: colour(e.stroke, "#000"), "stroke-width": e.stroke_width_mm || 0.5, opacity }));
  else if (TEXT_KINDS.has(e.kind)) {
    const pt = Math.min(e.max_size || 36, (h / PT_MM) * 0.8);
    const anchor = { left: "start", start: "start", right: "end", end: "end" }[e.align] || "middle";
    const tx = anchor === "start" ? x + 0.5 : anchor === "end" ? x + w - 0.5 : x + w / 2;
    const text = svg("text", { x: tx, y: y + h / 2, "text-anchor": anchor, "dominant-baseline": "central",
      "font-size": pt * PT_MM, "font-weight": e.weight === "regular" ? 400 : 700, "font-style": e.style === "italic" ? "italic" : null,
      "font-family": e.family === "serif" ? "serif" : "sans-serif", fill: colour(e.color, "#000") });
    text.textContent = e.uppercase ? sampleText(e).toUpperCase() : sampleText(e);
    const clip = svg("clipPath", { id: `clip-${e.id}` });
    clip.append(svg("rect", { x, y, width: w, height: h }));
    text.setAttribute("clip-path", `url(#clip-${e.id})`);
    g.append(clip, text);
  } else {
    g.append(svg("rect", { x, y, width: w, height: h, fill: "#eef1f6", stroke: "#8a94a6", "stroke-width": 0.2 }));
    const label = svg("text", { x: x + w / 2, y: y + h / 2, "text-anchor": "middle", "dominant-baseline": "central", "font-size": Math.min(3.5, h / 3), fill: "#5b6475" });
    label.textContent = kindName(e.kind);
    g.append(label);
  }
  g.append(svg("rect", { class: "outline", x, y, width: Math.max(w, 0.3), height: Math.max(h, 0.3) }));
  if (e.id === state.selected && !state.readOnly) {
    g.append(svg("rect", { class: "handle resize", "data-handle": "resize", x: x + w - 1.2, y: y + h - 1.2, width: 2.4, height: 2.4 }));
    g.append(svg("line", { class: "guide", x1: x + w / 2, y1: y, x2: x + w / 2, y2: y - 4 }));
    g.append(svg("circle", { class: "handle rotate", "data-handle": "rotate", cx: x + w / 2, cy: y - 4, r: 1.3 }));
  }
  return g;
}

function drawCanvas() {
  const [w, h] = size();
  const zoom = Number($("zoom-select").value) || 1;
  let canvas = $("canvas");
  if (!canvas) { // made once: a drag keeps its pointer capture on it while the children are redrawn
    canvas = svg("svg", { id: "canvas", tabindex: 0, role: "application", "aria-label": STRINGS.canvasLabel,
      "aria-roledescription": "badge canvas" });
    canvas.addEventListener("pointerdown", pointerDown);
    canvas.addEventListener("keydown", keyDown);
    $("canvas-wrap").replaceChildren(canvas);
  }
  canvas.setAttribute("viewBox", `0 0 ${w} ${h}`);
  canvas.setAttribute("width", round(w * PX_PER_MM * zoom));
  canvas.setAttribute("height", round(h * PX_PER_MM * zoom));
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#canvas [data-id]");
  const bg = (state.doc.backgrounds || {})[state.side] || {};
  const children = [svg("rect", { x: 0, y: 0, width: w, height: h, fill: colour(bg.color || "background", "#fff") })];
  for (const e of elements()) if ((e.side || "front") === state.side) children.push(drawElement(e));
  const s = safe();
  children.push(svg("rect", { class: "safe-area", x: s, y: s, width: w - 2 * s, height: h - 2 * s, "pointer-events": "none" }));
  for (const guide of state.guides) children.push(svg("line", { class: "guide", ...guide, "pointer-events": "none" }));
  canvas.replaceChildren(...children);
  if (focused && state.selected) canvas.querySelector(`[data-id="${CSS.escape(state.selected)}"]`)?.focus();
}

// --- Pointer: drag, resize, rotate, with snapping ---

function toMm(canvas, event) {
  const point = canvas.createSVGPoint();
  point.x = event.clientX; point.y = event.clientY;
  const p = point.matrixTransform(canvas.getScreenCTM().inverse());
  return [p.x, p.y];
}

function snapTargets(exceptId) {
  const [w, h] = size();
  const s = safe();
  const xs = [0, w / 2, w, s, w - s];
  const ys = [0, h / 2, h, s, h - s];
  for (const e of elements()) {
    if (e.id === exceptId || (e.side || "front") !== state.side) continue;
    xs.push(e.box.x, e.box.x + e.box.width / 2, e.box.x + e.box.width);
    ys.push(e.box.y, e.box.y + e.box.height / 2, e.box.y + e.box.height);
  }
  return { xs, ys };
}

// Move `value` (and the box's other edges, `offsets` from it) onto the nearest target or the grid.
function snapAxis(value, offsets, targets, grid, axis) {
  let best = null;
  for (const offset of offsets) for (const t of targets) {
    const d = t - (value + offset);
    if (Math.abs(d) <= SNAP_MM && (best === null || Math.abs(d) < Math.abs(best.d))) best = { d, t };
  }
  if (best) {
    const [w, h] = size();
    state.guides.push(axis === "x" ? { x1: best.t, y1: 0, x2: best.t, y2: h } : { x1: 0, y1: best.t, x2: w, y2: best.t });
    return value + best.d;
  }
  return grid ? Math.round(value / grid) * grid : value;
}

function pointerDown(event) {
  if (state.readOnly) return;
  const canvas = event.currentTarget;
  const target = event.target.closest("[data-id]");
  if (!target) { state.selected = null; changed(); return; }
  const e = element(target.dataset.id);
  const handle = event.target.dataset.handle || "move";
  if (state.selected !== e.id) { state.selected = e.id; drawLayers(); drawProps(); }
  const start = toMm(canvas, event);
  const box0 = { ...e.box };
  const rotation0 = e.rotation || 0;
  let moved = false;
  canvas.setPointerCapture(event.pointerId);
  event.preventDefault();
  const grid = Number($("grid-select").value) || 0;
  const move = (ev) => {
    const [px, py] = toMm(canvas, ev);
    const dx = px - start[0];
    const dy = py - start[1];
    if (!moved && Math.hypot(dx, dy) < 0.2) return;
    if (!moved) { remember(); moved = true; }
    state.guides = [];
    const { xs, ys } = snapTargets(e.id);
    if (handle === "move") {
      e.box.x = round(snapAxis(box0.x + dx, [0, box0.width / 2, box0.width], xs, grid, "x"));
      e.box.y = round(snapAxis(box0.y + dy, [0, box0.height / 2, box0.height], ys, grid, "y"));
    } else if (handle === "resize") {
      const rad = (-rotation0 * Math.PI) / 180; // the drag in the element's own (unrotated) frame
      const lx = dx * Math.cos(rad) - dy * Math.sin(rad);
      const ly = dx * Math.sin(rad) + dy * Math.cos(rad);
      const right = snapAxis(box0.x + box0.width + lx, [0], xs, grid, "x");
      const bottom = snapAxis(box0.y + box0.height + ly, [0], ys, grid, "y");
      e.box.width = round(Math.max(e.kind === "line" ? 0 : 1, right - box0.x));
      e.box.height = round(Math.max(e.kind === "line" ? 0 : 1, bottom - box0.y));
    } else {
      const cx = box0.x + box0.width / 2;
      const cy = box0.y + box0.height / 2;
      let angle = (Math.atan2(py - cy, px - cx) * 180) / Math.PI + 90;
      angle = ev.shiftKey ? angle : Math.round(angle / 5) * 5;
      angle = ((angle + 540) % 360) - 180;
      e.rotation = round(angle);
    }
    drawCanvas();
  };
  const up = () => {
    canvas.removeEventListener("pointermove", move);
    canvas.removeEventListener("pointerup", up);
    canvas.removeEventListener("pointercancel", up);
    state.guides = [];
    changed();
  };
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
}

// --- Keyboard: nudge, undo/redo, choose with Tab/Enter ---

function keyDown(event) {
  if (state.readOnly) return;
  const target = event.target.closest && event.target.closest("[data-id]");
  if (target && (event.key === "Enter" || event.key === " ")) { state.selected = target.dataset.id; changed(); event.preventDefault(); return; }
  const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (!(event.key in steps)) return;
  if (target && state.selected !== target.dataset.id) state.selected = target.dataset.id;
  const e = state.selected && element(state.selected);
  if (!e) return;
  event.preventDefault();
  const step = event.shiftKey ? 5 : 1;
  remember();
  e.box.x = round(e.box.x + steps[event.key][0] * step);
  e.box.y = round(e.box.y + steps[event.key][1] * step);
  changed();
}

function globalKeys(event) {
  if (state.readOnly || !(event.ctrlKey || event.metaKey)) return;
  const inField = event.target.matches && event.target.matches("input, select, textarea");
  if (inField) return;
  const key = event.key.toLowerCase();
  if (key === "z" && event.shiftKey) { event.preventDefault(); redo(); }
  else if (key === "z") { event.preventDefault(); undo(); }
  else if (key === "y") { event.preventDefault(); redo(); }
}

// --- Layers: drawing order (top first), print or not ---

function drawLayers() {
  const list = elements().map((e, index) => ({ e, index })).filter(({ e }) => (e.side || "front") === state.side).reverse();
  $("layers").replaceChildren(...list.map(({ e, index }) => {
    const show = el("input", { type: "checkbox", id: `layer-show-${e.id}`, "aria-label": STRINGS.layerShow(e.id), checked: e.visible !== false, disabled: state.readOnly });
    show.addEventListener("change", () => { remember(); if (show.checked) delete e.visible; else e.visible = false; changed(); });
    const move = (delta, label, text) => el("button", { type: "button", class: "secondary small", "aria-label": label, text, disabled: state.readOnly,
      onclick: () => {
        const to = index + delta;
        if (to < 0 || to >= elements().length) return;
        remember();
        const list2 = elements();
        [list2[index], list2[to]] = [list2[to], list2[index]];
        changed();
      } });
    return el("li", { class: e.id === state.selected ? "selected" : null, "data-layer": e.id }, show,
      el("button", { type: "button", class: "layer-name", text: `${e.id} · ${kindName(e.kind)}`, "aria-pressed": String(e.id === state.selected),
        onclick: () => { state.selected = e.id; changed(); } }),
      move(1, STRINGS.layerUp(e.id), "▲"), move(-1, STRINGS.layerDown(e.id), "▼"));
  }));
}

// --- Property panel ---

// An input bound to one property: each committed change is one undo step.
function bound(e, key, { type = "text", choices = null, number = false, min, max, step, parse } = {}) {
  const id = `prop-${key.replace(/\./g, "-")}`;
  const path = key.split(".");
  const read = () => path.reduce((o, k) => (o ? o[k] : undefined), e);
  const write = (value) => {
    let o = e;
    for (const k of path.slice(0, -1)) o = o[k] = o[k] || {};
    if (value === undefined || value === "") delete o[path[path.length - 1]];
    else o[path[path.length - 1]] = value;
  };
  let input;
  if (choices) {
    input = el("select", { id, disabled: state.readOnly }, ...choices.map(([v, key]) => el("option", { value: v, text: t(key) })));
    input.value = read() ?? choices[0][0];
  } else if (type === "checkbox") {
    input = el("input", { type: "checkbox", id, checked: Boolean(read()), disabled: state.readOnly });
  } else {
    input = el("input", { type: number ? "number" : type, id, min, max, step, disabled: state.readOnly });
    const value = read();
    input.value = value ?? "";
  }
  input.addEventListener("change", () => {
    remember();
    let value = type === "checkbox" ? input.checked || undefined : input.value;
    if (number && value !== "") value = Number(value);
    if (parse) value = parse(value);
    write(value);
    changed({ keepPanel: !choices && type !== "checkbox" });
  });
  return [id, input];
}

function drawProps() {
  const box = $("props");
  const e = state.selected && element(state.selected);
  if (!e) { box.replaceChildren(el("p", { class: "muted", text: STRINGS.noSelection })); return; }
  const row = (key, label, opts) => { const [id, input] = bound(e, key, opts); return field(id, t(label), input); }; // label: a catalogue key
  const num = { number: true, step: "0.5" };
  const parts = [
    el("p", { class: "muted", text: `${kindName(e.kind)} · ${e.id}` }),
    el("div", { class: "pair" }, row("box.x", "studio.prop_x", num), row("box.y", "studio.prop_y", num),
      row("box.width", "studio.prop_width", { ...num, min: 0 }), row("box.height", "studio.prop_height", { ...num, min: 0 })),
    row("rotation", "studio.prop_rotation", { number: true, min: -360, max: 360, step: "1" }),
  ];
  if ((state.doc.sides || []).includes("back")) parts.push(row("side", "studio.side", { choices: [["front", "index.front"], ["back", "index.back"]] }));
  if (TEXT_KINDS.has(e.kind)) {
    if (e.kind === "text") {
      parts.push(e.column !== undefined ? row("column", "studio.prop_column", {}) : row("text", "studio.prop_text", {}));
    }
    parts.push(
      row("family", "studio.prop_font", { choices: [["", "studio.prop_font_job"], ["sans", "studio.prop_font_sans"], ["serif", "studio.prop_font_serif"], ["display", "studio.prop_font_display"]] }),
      el("div", { class: "pair" },
        row("weight", "studio.prop_weight", { choices: [["bold", "studio.prop_bold"], ["regular", "studio.prop_regular"]] }),
        row("style", "studio.prop_style", { choices: [["normal", "studio.prop_normal"], ["italic", "studio.prop_italic"]] })),
      el("div", { class: "pair" },
        row("max_size", "studio.prop_max_size", { number: true, min: 6, max: 200, step: "1" }),
        row("min_size", "studio.prop_min_size", { number: true, min: 6, max: 200, step: "1" })),
      row("color", "studio.prop_colour", {}),
      el("div", { class: "pair" },
        row("align", "studio.prop_align", { choices: [["center", "studio.prop_centre"], ["left", "studio.prop_left"], ["right", "studio.prop_right"], ["start", "studio.prop_start"], ["end", "studio.prop_end"]] }),
        row("fit", "studio.prop_fit", { choices: [["wrap", "studio.prop_wrap"], ["shrink", "studio.prop_shrink"], ["ellipsis", "studio.prop_ellipsis"]] })),
      row("max_lines", "studio.prop_max_lines", { number: true, min: 1, max: 10, step: "1" }),
      el("label", { class: "check", for: "prop-uppercase" }, bound(e, "uppercase", { type: "checkbox" })[1], t("studio.prop_uppercase")),
    );
  } else if (SHAPE_KINDS.has(e.kind)) {
    parts.push(row("fill", "studio.prop_fill", {}), row("stroke", "studio.prop_stroke", {}),
      row("stroke_width_mm", "studio.prop_stroke_width", { number: true, min: 0, max: 50, step: "0.1" }),
      row("opacity", "studio.prop_opacity", { number: true, min: 0, max: 1, step: "0.05" }));
  } else if (e.kind === "qr") {
    parts.push(row("data.column", "studio.prop_qr_column", {}));
  } else if (e.kind === "photo") {
    parts.push(photoFields(e));
  } else if (e.kind === "image") {
    parts.push(imageFields(e));
  }
  parts.push(conditionSection(e, panelContext), visibilitySection(e, panelContext),
    el("p", {}, el("button", { type: "button", class: "danger small", text: STRINGS.deleteElement, disabled: state.readOnly,
      onclick: () => { remember(); state.doc.elements = elements().filter((x) => x !== e); state.selected = null; changed(); } })));
  box.replaceChildren(...parts);
}

// A photo: the column naming each attendee's file in the photo ZIP, and the point kept in view when it is cropped.
function photoFields(e) {
  const column = el("input", { type: "text", id: "prop-column", list: "studio-columns", value: e.column || "", disabled: state.readOnly,
    autocomplete: "off" });
  column.addEventListener("change", () => {
    remember();
    e.column = fieldFor(column.value);
    changed({ keepPanel: true });
  });
  const focus = (axis) => {
    const id = `prop-focus-${axis}`;
    const input = el("input", { type: "number", id, min: 0, max: 1, step: "0.05", value: (e.focus || {})[axis] ?? 0.5, disabled: state.readOnly });
    input.addEventListener("change", () => {
      const value = Number(input.value);
      if (input.value === "" || !(value >= 0 && value <= 1)) { message(t("studio.focus_range")); return; }
      remember();
      e.focus = { x: 0.5, y: 0.5, ...(e.focus || {}), [axis]: value };
      if (e.focus.x === 0.5 && e.focus.y === 0.5) delete e.focus;
      changed({ keepPanel: true });
    });
    return field(id, t(axis === "x" ? "studio.focus_x" : "studio.focus_y"), input);
  };
  return el("div", {}, field("prop-column", t("studio.photo_column"), column), el("div", { class: "pair" }, focus("x"), focus("y")));
}

// An image: the job's logo, or one of the design's uploaded images (or a new upload for this element).
function imageFields(e) {
  const images = Object.entries(state.doc.assets || {}).filter(([, a]) => a.media_type !== SVG_TYPE);
  const select = el("select", { id: "prop-asset", disabled: state.readOnly }, el("option", { value: "", text: t("studio.image_logo") }),
    ...images.map(([id]) => el("option", { value: id, text: id })));
  select.value = e.asset || "";
  select.addEventListener("change", () => {
    remember();
    if (select.value) e.asset = select.value; else delete e.asset; // the picture stays among the assets, to go back to
    changed();
  });
  const upload = el("input", { type: "file", id: "prop-asset-file", accept: "image/png,image/jpeg,image/webp,image/gif", disabled: state.readOnly });
  upload.addEventListener("change", async () => {
    const file = upload.files[0];
    if (!file) return;
    try {
      const asset = await uploadAsset(`image-${e.id}`.slice(0, 64), file);
      remember();
      state.doc.assets = { ...(state.doc.assets || {}), [asset.id]: { media_type: asset.media_type } };
      e.asset = asset.id;
      changed();
      message(t("studio.uploaded", { name: file.name }));
    } catch (err) { message(describeError(err)); }
  });
  return el("div", {}, field("prop-asset", t("studio.image_source"), select), field("prop-asset-file", t("studio.image_upload"), upload));
}

function addElement() {
  const kind = $("add-kind").value;
  const [w, h] = size();
  let n = 1;
  while (element(`${kind}-${n}`)) n += 1;
  const e = { id: `${kind}-${n}`, kind, box: { x: round(w * 0.3), y: round(h * 0.4), width: round(w * 0.4), height: round(Math.min(12, h * 0.2)) } };
  if (state.side === "back") e.side = "back";
  if (kind === "text") Object.assign(e, { text: NEW_TEXT_FORMAT, max_size: 14, min_size: 7 });
  if (kind === "photo") Object.assign(e, { column: "Photo", box: { ...e.box, width: 25, height: 30 } });
  if (kind === "qr") e.box = { ...e.box, width: 20, height: 20 };
  if (kind === "rect" || kind === "ellipse") e.fill = "accent";
  if (kind === "line") e.box.height = 0;
  remember();
  elements().push(e);
  state.selected = e.id;
  changed();
}

// --- Server preview: the renderer draws the document with real attendees ---

function schedulePreview(delay = 400) {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(runPreview, delay);
}

function previewForm() {
  const form = new FormData();
  if (state.draft) form.append("draft", state.draft);
  else form.append("csv", new Blob([SAMPLE_CSV], { type: "text/csv" }), "sample.csv");
  form.append("design_document", JSON.stringify(state.doc));
  form.append("options", JSON.stringify({ ...(state.id ? { design_id: state.id } : {}), sides: (state.doc.sides || []).includes("back") ? "duplex" : "single" }));
  form.append("row", String(state.row));
  form.append("side", $("preview-side").value);
  form.append("scale", String(Math.min(3, window.devicePixelRatio || 1)));
  return form;
}

async function runPreview() {
  const seq = ++state.previewSeq;
  $("preview-status").textContent = STRINGS.previewing;
  try {
    const result = await postForm("/api/preview", previewForm());
    if (seq !== state.previewSeq) return;
    const img = $("preview-image");
    img.src = result.preview;
    img.hidden = false;
    const [w] = size();
    img.style.width = `${Math.round(w * PX_PER_MM)}px`;
    state.steps = result.steps;
    state.count = result.selected;
    const types = result.steps.types.map((step) => step.type).filter(Boolean);
    const learnt = JSON.stringify([result.columns, types]) !== JSON.stringify([state.columns, state.types]);
    state.columns = result.columns || [];
    state.mapping = result.mapping || {};
    state.types = types;
    if (learnt) offerCsv();
    const b = result.badge;
    $("preview-status").textContent = STRINGS.previewOf(b.index, result.selected, b.name, b.type) + (state.draft ? "" : ` ${STRINGS.sampleNote}`);
    $("type-steps").replaceChildren(...result.steps.types.map((step) => el("button", { type: "button", class: "secondary small",
      text: step.type || "—", translate: "no", "aria-pressed": String((b.type || "") === (step.type || "")),
      "aria-label": t("studio.preview_type", { type: step.type || "—" }),
      onclick: () => { state.row = step.index; runPreview(); } })));
  } catch (err) {
    if (seq !== state.previewSeq) return;
    if (err instanceof ApiError && (err.status === 410 || err.body.code === "draft_not_found")) { state.draft = null; runPreview(); return; }
    const problems = (err.body && err.body.problems) || [];
    $("preview-status").textContent = describeError(err) + (problems.length ? ` ${problems.slice(0, 3).join(" ")}` : "");
  }
}

// The CSV's columns go into the shared list the column fields suggest from, and its ticket types into the panels;
// not while a text field there is being typed in (its redraw would lose the typing): the next change redraws them.
function offerCsv() {
  $("studio-columns").replaceWith(columnList(state.columns));
  const active = document.activeElement;
  const typing = active && active.matches && active.matches("#props input, #design-props input") && active.type !== "checkbox";
  if (!typing) { drawProps(); drawDesignPanel(); }
}

async function chooseCsv() {
  const file = $("preview-csv").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("csv", file, file.name);
  try {
    const draft = await postForm("/api/drafts", form);
    state.draft = draft.id;
    state.row = 0;
    runPreview();
  } catch (err) { $("preview-status").textContent = describeError(err); }
}

// --- Open, save, duplicate, rename, delete ---

async function fillOpenList() {
  const [{ designs }, saved] = await Promise.all([get("/api/designs"), get("/api/saved-designs")]);
  const select = $("open-design");
  const bundled = el("optgroup", { label: STRINGS.bundled }, ...designs.map((d) => el("option", { value: `bundled:${d.name}`, text: d.title })));
  const mine = el("optgroup", { label: STRINGS.saved }, ...saved.designs.map((d) => el("option", { value: `saved:${d.id}`, text: d.title })));
  const current = select.value;
  select.replaceChildren(bundled, ...(saved.designs.length ? [mine] : []));
  if (current && [...select.options].some((o) => o.value === current)) select.value = current;
}

// "Blank at size or label": a free size (width × height in mm), a common size, or a label preset, which also sets
// the safe area its stock needs (SAFE_SHEET_MM on sheets, SAFE_LABEL_PRINTER_MM on label printers).
async function fillSizes() {
  const { presets } = await get("/api/presets").catch(() => ({ presets: [] }));
  state.presets = presets;
  const common = [["101.6x76.2", "studio.size_4x3in"], ["85.6x54", "studio.size_card"], ["148x105", "studio.size_a6_landscape"],
    ["105x148", "studio.size_a6_portrait"]];
  const choices = [["custom", STRINGS.custom], ...common.map(([v, key]) => [`size:${v}`, t(key)])];
  for (const p of presets) {
    if (!(p.badge && p.badge.width_mm && p.badge.height_mm)) continue; // a continuous roll has no height of its own
    choices.push([`preset:${p.name}`, p.title || p.name]);
  }
  $("blank-size").replaceChildren(...choices.map(([v, text]) => el("option", { value: v, text })));
  $("blank-size").value = "size:101.6x76.2";
  chooseBlankSize();
}

// The chosen size or preset as {width, height, safe} (null for a free size typed in the fields).
function blankChoice() {
  const [kind, value] = $("blank-size").value.split(/:(.*)/s);
  if (kind === "size") { const [width, height] = value.split("x").map(Number); return { width, height, safe: SAFE_SHEET_MM }; }
  if (kind === "preset") {
    const p = state.presets.find((x) => x.name === value);
    if (p) return { width: p.badge.width_mm, height: p.badge.height_mm, safe: p.kind === "sheet" ? SAFE_SHEET_MM : SAFE_LABEL_PRINTER_MM };
  }
  return null;
}

function chooseBlankSize() {
  const choice = blankChoice();
  if (!choice) return;
  $("blank-width").value = String(choice.width);
  $("blank-height").value = String(choice.height);
  for (const id of ["blank-width", "blank-height"]) $(id).removeAttribute("aria-invalid");
}

// A blank design at the size in the fields, checked against the format's range with a message that says so.
function startBlank() {
  const read = (id) => { const raw = $(id).value.trim(); const value = Number(raw); return raw && Number.isFinite(value) ? value : NaN; };
  const width = read("blank-width");
  const height = read("blank-height");
  const bad = [["blank-width", width], ["blank-height", height]].filter(([, v]) => !(v >= SIZE_MIN_MM && v <= SIZE_MAX_MM));
  for (const id of ["blank-width", "blank-height"]) $(id).removeAttribute("aria-invalid");
  if (bad.length) {
    for (const [id] of bad) $(id).setAttribute("aria-invalid", "true");
    message(t("studio.blank_range", { min: formatNumber(SIZE_MIN_MM), max: formatNumber(SIZE_MAX_MM) }));
    $(bad[0][0]).focus();
    return;
  }
  const choice = blankChoice();
  const fits = choice && choice.width === width && choice.height === height;
  const doc = blankDocument(round(width), round(height), STRINGS.untitled, fits ? choice.safe : SAFE_SHEET_MM);
  openDocument(doc, { title: STRINGS.untitled });
  message("");
}

async function openChosen() {
  const [kind, name] = $("open-design").value.split(":");
  try {
    if (kind === "bundled") openDocument(await get(`/api/designs/${encodeURIComponent(name)}/document`), { title: "" });
    else {
      const saved = await get(`/api/saved-designs/${encodeURIComponent(name)}`);
      openDocument(saved.document, { id: saved.id, version: saved.version, title: saved.title });
    }
    message("");
  } catch (err) { message(describeError(err)); }
}

function message(text) { $("studio-message").textContent = text; }

function currentTitle() { return $("design-title").value.trim() || state.title || STRINGS.untitled; }

async function save() {
  const title = currentTitle();
  try {
    let saved;
    if (state.id) saved = await request("PUT", `/api/saved-designs/${state.id}`, { json: { document: state.doc, title }, headers: { "If-Match": String(state.version) } });
    else saved = await post("/api/saved-designs", { title, document: state.doc });
    state.id = saved.id;
    state.version = saved.version;
    state.title = saved.title;
    state.doc = saved.document;
    message(STRINGS.savedAs(saved.title));
    updateSavedButtons();
    await fillOpenList();
    $("open-design").value = `saved:${saved.id}`;
  } catch (err) { showSaveError(err); }
}

function showSaveError(err) {
  const problems = (err.body && err.body.problems) || [];
  message(err.status === 412 ? STRINGS.conflict : describeError(err) + (problems.length ? ` ${problems.slice(0, 3).join(" ")}` : ""));
}

async function duplicate() {
  if (!state.id) { message(STRINGS.notSaved); return; }
  try {
    const copy = await post(`/api/saved-designs/${state.id}/duplicate`, {});
    openDocument(copy.document, { id: copy.id, version: copy.version, title: copy.title });
    await fillOpenList();
    $("open-design").value = `saved:${copy.id}`;
    message(STRINGS.duplicated(copy.title));
  } catch (err) { showSaveError(err); }
}

async function rename() {
  if (!state.id) { message(STRINGS.notSaved); return; }
  try {
    const saved = await request("POST", `/api/saved-designs/${state.id}/rename`, { json: { title: currentTitle() }, headers: { "If-Match": String(state.version) } });
    state.version = saved.version;
    state.title = saved.title;
    await fillOpenList();
    message(STRINGS.renamed(saved.title));
  } catch (err) { showSaveError(err); }
}

async function remove() {
  if (!state.id || !window.confirm(STRINGS.confirmDelete(state.title))) return;
  try {
    await del(`/api/saved-designs/${state.id}`);
    state.id = null;
    state.version = null;
    updateSavedButtons();
    await fillOpenList();
    message(STRINGS.deleted);
  } catch (err) { showSaveError(err); }
}

// An uploaded file for the design (background image, SVG artwork, an image element's picture), kept under
// `assetId`; a design not saved yet is saved first, since its assets live beside it. The server checks images by
// content and sanitises SVG; its refusal (an ApiError with the reason) is for the caller to show.
async function uploadAsset(assetId, file) {
  if (!state.id) await save();
  if (!state.id) throw new Error(STRINGS.notSaved);
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("asset_id", assetId);
  return postForm(`/api/saved-designs/${state.id}/assets`, form);
}

// --- Start ---

function wire() {
  const select = $("add-kind");
  select.replaceChildren(...KINDS.map((kind) => el("option", { value: kind, text: kindName(kind) })));
  $("add-button").addEventListener("click", addElement);
  $("undo-button").addEventListener("click", undo);
  $("redo-button").addEventListener("click", redo);
  $("open-button").addEventListener("click", openChosen);
  $("blank-button").addEventListener("click", startBlank);
  $("blank-size").addEventListener("change", chooseBlankSize);
  for (const id of ["blank-width", "blank-height"]) $(id).addEventListener("input", () => { $("blank-size").value = "custom"; });
  $("save-button").addEventListener("click", save);
  $("duplicate-button").addEventListener("click", duplicate);
  $("rename-button").addEventListener("click", rename);
  $("delete-button").addEventListener("click", remove);
  $("side-select").addEventListener("change", () => { state.side = $("side-select").value; state.selected = null; changed(); });
  $("zoom-select").addEventListener("change", drawCanvas);
  $("preview-side").addEventListener("change", () => runPreview());
  $("preview-csv").addEventListener("change", chooseCsv);
  $("prev-row").addEventListener("click", () => { state.row = Math.max(0, state.row - 1); runPreview(); });
  $("next-row").addEventListener("click", () => { state.row = Math.min((state.count || 1) - 1, state.row + 1); runPreview(); });
  $("longest-row").addEventListener("click", () => { if (state.steps) { state.row = state.steps.longest; runPreview(); } });
  document.addEventListener("keydown", globalKeys);
  $("canvas-help").textContent = STRINGS.canvasHelp;
  $("app").append(columnList([]));
}

function applyReadOnly() {
  state.readOnly = window.matchMedia("(max-width: 599px)").matches;
  const note = $("readonly-note");
  note.hidden = !state.readOnly;
  note.textContent = state.readOnly ? STRINGS.readOnly : "";
  for (const id of ["edit-tools", "blank-tools"]) { const node = $(id); if (node) node.hidden = state.readOnly; }
  for (const id of ["save-button", "duplicate-button", "rename-button", "delete-button"]) $(id).hidden = state.readOnly;
  $("design-title").readOnly = state.readOnly;
}

async function main() {
  await ready; // the catalogues STRINGS reads
  await requireSignIn({ title: STRINGS.signInTitle });
  $("app").hidden = false;
  wire();
  applyReadOnly();
  await Promise.all([fillOpenList(), fillSizes()]);
  const wanted = new URLSearchParams(location.search).get("design");
  if (wanted && [...$("open-design").options].some((o) => o.value === wanted)) $("open-design").value = wanted;
  await openChosen();
}

main().catch((err) => { document.body.append(el("p", { class: "error", role: "alert", text: describeError(err) })); });
