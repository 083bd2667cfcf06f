// The render options as form controls, built from GET /api/options (badge_renderer.option_schema): the page offers
// exactly what the renderer accepts, and explains impossible combinations beside the field before any submit.
import { el } from "./api.js";
import { formatNumber, language, t } from "./i18n.js";

const CUSTOM = "__custom__";
const SIZE = /^\s*\d+(\.\d+)?\s*[x×]\s*\d+(\.\d+)?\s*(mm|cm|in)\s*$/i;
const FIRST_CHOICE = { badge_size: "Design default", preset: "No label sheet (plain paper)" };
const WITH_CUSTOM = new Set(["paper", "badge_size"]);
const BUILT_ELSEWHERE = new Set(["design"]); // the gallery
// qr_kind is a choice of the QR code select: a vCard is built from name, organization, job title and email whatever column is
// chosen, so "column X as a contact card" was a combination that printed something else than it said.
const DERIVED = new Set(["qr_kind"]);
const VCARD = "__vcard__";
const FROM_FILE = new Set(["qr_field", "ticket_types", "accents_by_type"]); // choices come from the attendee file
const SET_BY_PRESET = ["paper", "badge_size", "margin_mm", "gutter_mm", "rotate", "one_per_page"];
const DESIGN_COLOURS = { accent: "accent", background_color: "background" }; // colour option -> the design's colour

// "Custom badge size" in English; German nouns keep their capital ("Badge-Größe (eigene Angabe)").
const lowerInEnglish = (label) => (language() === "en" ? label.toLowerCase() : label);

export class OptionFields {
  constructor(schema, onChange) {
    this.schema = schema;
    this.onChange = onChange;
    this.specs = {};
    this.touched = new Set();
    this.fileTypes = []; // [{type, colour}] from the preview
    this.columns = [];
    for (const group of Object.values(schema.groups)) for (const spec of group) this.specs[spec.name] = spec;
  }

  build(containers) {
    for (const [group, specs] of Object.entries(this.schema.groups)) {
      const box = containers[group];
      box.replaceChildren(...specs.filter((s) => !BUILT_ELSEWHERE.has(s.name) && !DERIVED.has(s.name)).map((s) => this.field(s)));
    }
    containers.print.append(this.calibrationField());
    containers.look.append(this.photosField());
  }

  // The photo ZIP (a file of its own, not a render option): shown when the design has a photo element
  // (setPhotosWanted); upload.js sends it up once, when chosen, like the images.
  photosField() {
    const id = "opt-photos";
    const control = el("input", { type: "file", id, name: "photos", accept: ".zip,application/zip",
      "aria-describedby": `${id}-help ${id}-kept ${id}-error` });
    const wrap = el("div", { class: "field", id: "field-photos" },
      el("label", { for: id, text: t("upload.photos_label") }), control,
      el("p", { class: "muted help", id: `${id}-help`, text: t("upload.photos_help") }),
      el("p", { class: "muted kept", id: `${id}-kept`, "aria-live": "polite" }),
      el("p", { class: "field-error", id: `${id}-error`, role: "status" }));
    wrap.hidden = true;
    return wrap;
  }

  setPhotosWanted(wanted) { document.getElementById("field-photos").hidden = !wanted; }

  // The printable calibration page, for the paper and offsets chosen here (upload.js downloads it).
  calibrationField() {
    this.calibrationButton = el("button", { type: "button", class: "secondary", id: "calibration",
      text: t("index.js.calibration_button"), "aria-describedby": "calibration-help calibration-error" });
    return el("div", { class: "field wide", id: "field-calibration" }, this.calibrationButton,
      el("p", { class: "muted help", id: "calibration-help", text: t("index.js.calibration_help") }),
      el("p", { class: "field-error", id: "calibration-error", role: "status" }));
  }

  // The paper (or label sheet) and offsets the calibration page is printed for.
  calibrationQuery() {
    const query = new URLSearchParams();
    const preset = this.value("preset");
    if (preset) query.set("preset", preset); else query.set("paper", this.value("paper") || "A4");
    for (const name of ["offset_x_mm", "offset_y_mm"]) {
      const value = String(this.value(name) || "").trim();
      if (value) query.set(name, value);
    }
    return query;
  }

  // The chosen design's own colours in the colour pickers, until the organizer picks one: a picker never shows a
  // colour that will not print.
  setDesign(choice) {
    if (!choice) return;
    for (const [name, key] of Object.entries(DESIGN_COLOURS)) {
      const input = this.input(name);
      if (input && !this.touched.has(name) && choice[key]) input.value = choice[key];
    }
  }

  id(name) { return `opt-${name.replaceAll("_", "-")}`; }
  input(name) { return document.getElementById(this.id(name)); }

  field(spec) {
    const id = this.id(spec.name);
    const help = spec.help ? el("p", { class: "muted help", id: `${id}-help`, text: spec.help }) : null;
    const error = el("p", { class: "field-error", id: `${id}-error`, role: "status" });
    const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" ");
    const changed = () => { this.touched.add(spec.name); this.sync(); this.onChange(spec.name); };
    let control;
    if (spec.kind === "boolean") {
      control = el("input", { type: "checkbox", id, name: spec.name, checked: spec.default === true, "aria-describedby": described });
      control.addEventListener("change", changed);
      return el("div", { class: "field check", id: `field-${spec.name}` },
        el("label", { for: id }, control, ` ${spec.label}`), help, error);
    }
    if (spec.kind === "list" || spec.kind === "colour_map") {
      control = el("div", { id, class: "choices", role: "group", "aria-labelledby": `${id}-label`, "aria-describedby": described });
      const wrap = el("div", { class: "field wide", id: `field-${spec.name}` },
        el("p", { class: "label", id: `${id}-label`, text: spec.label }), control, help, error);
      wrap.hidden = true; // filled once the file's ticket types are known
      return wrap;
    }
    if (spec.kind === "choice" || spec.name === "qr_field") {
      control = el("select", { id, name: spec.name, "aria-describedby": described });
      this.fillChoices(spec, control);
    } else if (spec.kind === "number") {
      control = el("input", { type: "number", id, name: spec.name, step: "0.5", min: spec.min, max: spec.max,
        inputmode: "decimal", placeholder: spec.default === null ? "auto" : String(spec.default), "aria-describedby": described });
    } else if (spec.kind === "colour") {
      control = el("input", { type: "color", id, name: spec.name, "aria-describedby": described }); // setDesign fills it
    } else if (spec.kind === "image") {
      control = el("input", { type: "file", id, name: spec.name, accept: "image/png,image/jpeg,image/webp,image/gif",
        "aria-describedby": `${described} ${id}-kept` });
    } else {
      control = el("input", { type: "text", id, name: spec.name, maxlength: "120", "aria-describedby": described });
    }
    control.addEventListener(control.type === "text" || control.type === "number" ? "input" : "change", changed);
    const parts = [el("label", { for: id, text: spec.label }), control];
    if (WITH_CUSTOM.has(spec.name)) {
      const custom = el("input", { type: "text", id: `${id}-custom`, name: `${spec.name}_custom`, hidden: true,
        placeholder: "e.g. 100x70mm or 4x3in", "aria-describedby": described });
      custom.addEventListener("input", changed);
      parts.push(el("label", { for: `${id}-custom`, class: "sr-only", text: t("index.js.custom_of", { label: lowerInEnglish(spec.label) }) }), custom);
    }
    if (spec.kind === "image") parts.push(el("p", { class: "muted kept", id: `${id}-kept`, "aria-live": "polite" })); // upload.js: the kept draft
    return el("div", { class: "field", id: `field-${spec.name}` }, ...parts, help, error);
  }

  fillChoices(spec, select) {
    const keep = select.value;
    const options = [];
    if (spec.name === "qr_field") {
      options.push(el("option", { value: "", text: t("index.js.no_qr") }), el("option", { value: VCARD, text: t("index.js.qr_vcard") }),
        el("option", { value: "ticket_id", text: t("index.js.ticket_id") }));
      for (const col of this.columns) options.push(el("option", { value: col, text: t("index.js.qr_column", { column: col }) }));
    } else {
      if (spec.name in FIRST_CHOICE) options.push(el("option", { value: "", text: FIRST_CHOICE[spec.name] }));
      for (const c of spec.choices || []) options.push(el("option", { value: c.value, text: c.title }));
      if (WITH_CUSTOM.has(spec.name)) options.push(el("option", { value: CUSTOM, text: "Custom size…" }));
    }
    select.replaceChildren(...options);
    const want = keep || (spec.default == null ? "" : String(spec.default));
    if ([...select.options].some((o) => o.value === want)) select.value = want;
  }

  setColumns(columns) {
    this.columns = columns;
    const select = this.input("qr_field");
    if (select) this.fillChoices(this.specs.qr_field, select);
  }

  // The file's ticket types: a filter checkbox and an editable colour each (prefilled with what will print).
  setTicketTypes(types) {
    const known = this.fileTypes.map((t) => t.type).join("\n");
    this.fileTypes = types;
    if (known === types.map((t) => t.type).join("\n")) { this.refreshColours(types); return; }
    const filter = this.input("ticket_types");
    const colours = this.input("accents_by_type");
    filter.replaceChildren(...types.map((t, i) => {
      const id = `opt-ticket-type-${i}`;
      const box = el("input", { type: "checkbox", id, value: t.type, checked: true });
      box.addEventListener("change", () => { this.touched.add("ticket_types"); this.sync(); this.onChange("ticket_types"); });
      return el("label", { for: id }, box, ` ${t.type || "(no type)"} (${t.count})`);
    }));
    colours.replaceChildren(...types.filter((t) => t.type).map((t, i) => {
      const id = `opt-type-colour-${i}`;
      const input = el("input", { type: "color", id, value: t.colour || "#2357d9", "data-type": t.type });
      input.addEventListener("change", () => { input.dataset.edited = "1"; this.sync(); this.onChange("accents_by_type"); });
      return el("div", { class: "colour-pick" }, el("label", { for: id, text: `${t.type}` }), input);
    }));
    document.getElementById("field-ticket_types").hidden = types.length < 2;
    document.getElementById("field-accents_by_type").hidden = !types.some((t) => t.type);
  }

  refreshColours(types) {
    for (const input of this.input("accents_by_type").querySelectorAll("input[type=color]")) {
      const t = types.find((x) => x.type === input.dataset.type);
      if (t && !input.dataset.edited && t.colour) input.value = t.colour;
    }
  }

  // Enable, disable and explain what depends on other choices; then the inline checks.
  sync() {
    const preset = this.value("preset");
    for (const name of SET_BY_PRESET) {
      const input = this.input(name);
      if (!input) continue;
      input.disabled = Boolean(preset);
      document.getElementById(`field-${name}`).classList.toggle("off", Boolean(preset));
    }
    for (const name of WITH_CUSTOM) {
      const custom = document.getElementById(`${this.id(name)}-custom`);
      custom.hidden = this.input(name).value !== CUSTOM || Boolean(preset);
    }
    return this.check();
  }

  value(name) {
    const input = this.input(name);
    if (!input) return undefined;
    if (WITH_CUSTOM.has(name) && input.value === CUSTOM) return document.getElementById(`${this.id(name)}-custom`).value.trim();
    if (input.type === "checkbox") return input.checked;
    return input.value;
  }

  // Only what differs from the renderer's defaults (or was touched), as RenderOptions keys.
  options(design) {
    const opts = { design };
    for (const spec of Object.values(this.specs)) {
      const { name, kind } = spec;
      if (BUILT_ELSEWHERE.has(name) || DERIVED.has(name) || kind === "image") continue;
      const input = this.input(name);
      if (!input || input.disabled) continue;
      if (name === "ticket_types") {
        const boxes = [...input.querySelectorAll("input")];
        if (boxes.some((b) => !b.checked)) opts.ticket_types = boxes.filter((b) => b.checked).map((b) => b.value);
      } else if (name === "accents_by_type") {
        const map = {};
        const accent = this.touched.has("accent") ? this.value("accent") : null;
        for (const c of input.querySelectorAll("input[type=color]")) {
          if (c.dataset.edited) map[c.dataset.type] = c.value;
          else if (accent) map[c.dataset.type] = accent; // the accent the organizer chose wins over the design's type colours
        }
        if (Object.keys(map).length) opts.accents_by_type = map;
      } else if (kind === "boolean") {
        if (input.checked !== spec.default) opts[name] = input.checked;
      } else if (kind === "number") {
        if (input.value.trim() !== "") opts[name] = Number(input.value);
      } else if (kind === "colour") {
        if (this.touched.has(name)) opts[name] = input.value;
      } else {
        const v = String(this.value(name) || "").trim();
        if (v && v !== String(spec.default ?? "")) opts[name] = v;
      }
    }
    if (opts.qr_field === VCARD) { delete opts.qr_field; opts.qr_kind = "vcard"; }
    return opts;
  }

  // The combinations the renderer would refuse, said beside the field (the server's answer is shown the same way).
  check() {
    const problems = {};
    for (const spec of Object.values(this.specs)) {
      const input = this.input(spec.name);
      if (!input || input.disabled) continue;
      if (spec.kind === "number" && input.value.trim() !== "") {
        const n = Number(input.value);
        if (!Number.isFinite(n) || n < spec.min || n > spec.max) {
          problems[spec.name] = t("index.js.between", { label: spec.label, min: formatNumber(spec.min), max: formatNumber(spec.max) });
        }
      }
      if (WITH_CUSTOM.has(spec.name) && input.value === CUSTOM && !SIZE.test(this.value(spec.name))) {
        problems[spec.name] = "Write the size as width x height with a unit, like 100x70mm or 4x3in.";
      }
    }
    const box = this.input("ticket_types");
    if (box && box.querySelectorAll("input").length && !box.querySelector("input:checked")) {
      problems.ticket_types = "Choose at least one ticket type; with none, there is nothing to print.";
    }
    this.showProblems(problems);
    return problems;
  }

  showProblems(problems) {
    for (const spec of Object.values(this.specs)) {
      const error = document.getElementById(`${this.id(spec.name)}-error`);
      if (!error) continue;
      const text = problems[spec.name] || "";
      error.textContent = text;
      for (const input of [this.input(spec.name), document.getElementById(`${this.id(spec.name)}-custom`)]) {
        if (!input) continue;
        if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      }
    }
  }

  // Saved option values (never files, attendee data or ticket types) for a reload.
  snapshot() {
    const values = {};
    for (const spec of Object.values(this.specs)) {
      if (spec.kind === "image" || FROM_FILE.has(spec.name) || BUILT_ELSEWHERE.has(spec.name)) continue;
      const input = this.input(spec.name);
      if (!input) continue;
      values[spec.name] = input.type === "checkbox" ? input.checked : input.value;
      if (WITH_CUSTOM.has(spec.name)) values[`${spec.name}_custom`] = document.getElementById(`${this.id(spec.name)}-custom`).value;
    }
    return { values, touched: [...this.touched].filter((n) => !FROM_FILE.has(n)) };
  }

  restore(saved) {
    if (!saved || !saved.values) return;
    for (const [name, value] of Object.entries(saved.values)) {
      if (name.endsWith("_custom")) {
        const custom = document.getElementById(`${this.id(name.slice(0, -7))}-custom`);
        if (custom) custom.value = String(value);
        continue;
      }
      const input = this.input(name);
      if (!input) continue;
      if (input.type === "checkbox") input.checked = Boolean(value);
      else if ([...(input.options || [])].length === 0 || [...input.options].some((o) => o.value === value)) input.value = String(value);
    }
    for (const name of saved.touched || []) this.touched.add(name);
    this.sync();
  }

  // Put the server's answer about an option beside that option.
  showServerError(field, message) {
    const name = { layout: "badge_size", logo: "logo_image", background: "background_image" }[field] || field;
    if (!this.specs[name] || !this.input(name)) return false;
    this.showProblems({ [name]: message });
    return true;
  }
}
