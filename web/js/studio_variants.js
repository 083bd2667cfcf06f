// The studio's panels for what changes per attendee and per ticket type (docs/design-format.md: "Conditions",
// "Overrides per ticket type"): an element's condition rows and its visibility per ticket type, and the design's
// colour and background overrides per ticket type. Each takes the studio's context (`ctx`: the document, undo,
// redraw, the CSV's columns and ticket types) and returns plain DOM, so studio.js stays the page's one owner of state.
import { el } from "./api.js";
import { t } from "./i18n.js";

// The fields every attendee file can be read for, whatever its headers (badge_renderer's known fields).
export const KNOWN_FIELDS = ["first_name", "last_name", "full_name", "role", "organization", "email", "pronouns",
  "ticket_type", "ticket_id"];
export const MAX_TICKET_TYPES = 50; // the format's cap on overrides
const COLOUR_ROLES = ["accent", "background", "text"];

export function field(id, label, input) { return el("div", { class: "field" }, el("label", { for: id, text: label }), input); }

// A column condition the rows can edit: {column, not_empty} or {column, equals}.
const isColumnCondition = (c) => c && typeof c === "object" && typeof c.column === "string"
  && Object.keys(c).every((k) => ["column", "not_empty", "equals"].includes(k));

// The element's conditions as rows and how they combine, or null when the element holds ones the rows cannot show
// (a job condition, nested "any"): those are kept exactly as they are.
function readConditions(e) {
  const when = e.when || [];
  if (when.length === 1 && when[0] && Array.isArray(when[0].any) && when[0].any.every(isColumnCondition)) {
    return { match: "any", rows: when[0].any.map((c) => ({ ...c })) };
  }
  if (when.every(isColumnCondition)) return { match: "all", rows: when.map((c) => ({ ...c })) };
  return null;
}

function writeConditions(e, match, rows, fieldFor) {
  // a row without its column, or "equals" without a value yet, is not a condition yet (the format refuses it)
  const clean = rows.filter((r) => r.column.trim() && (r.test !== "equals" || r.value.trim())).map((r) => (r.test === "equals"
    ? { column: fieldFor(r.column), equals: r.value.trim() } : { column: fieldFor(r.column), not_empty: true }));
  if (!clean.length) delete e.when;
  else e.when = match === "any" && clean.length > 1 ? [{ any: clean }] : clean;
}

// One datalist of the CSV's columns and the known fields, shared by every column input on the page.
export function columnList(columns) {
  const names = [...new Set([...(columns || []), ...KNOWN_FIELDS])];
  return el("datalist", { id: "studio-columns" }, ...names.map((name) => el("option", { value: name })));
}

// Rows being edited per element id, with what they wrote: a row not complete yet ("equals" before its value) is not in
// the document but stays on screen across redraws, until the element's conditions change elsewhere (undo).
const drafts = new Map();

function rowsOf(e) {
  const draft = drafts.get(e.id);
  if (draft && draft.written === JSON.stringify(e.when ?? null)) return draft;
  const read = readConditions(e);
  if (!read) return null;
  const rows = read.rows.map((c) => ({ column: c.column, test: "equals" in c ? "equals" : "not_empty", value: String(c.equals ?? "") }));
  return { match: read.match, rows };
}

// "Print only when": rows of column · test · value, combined by all or any.
export function conditionSection(e, ctx) {
  const draft = rowsOf(e);
  const box = el("fieldset", { class: "studio-group", id: "conditions" }, el("legend", { text: t("studio.when_title") }));
  if (!draft) {
    box.append(el("p", { class: "muted small", text: t("studio.when_kept") }));
    return box;
  }
  const { rows } = draft;
  let { match } = draft;
  const commit = (options = {}) => {
    const probe = { ...e };
    writeConditions(probe, match, rows, ctx.fieldFor);
    if (JSON.stringify(probe.when ?? null) !== JSON.stringify(e.when ?? null)) { // an undo step only for a real change
      ctx.remember();
      writeConditions(e, match, rows, ctx.fieldFor);
    }
    drafts.set(e.id, { match, rows, written: JSON.stringify(e.when ?? null) });
    ctx.changed(options);
  };
  rows.forEach((r, i) => {
    const n = i + 1;
    const column = el("input", { type: "text", id: `when-${i}-column`, list: "studio-columns", value: r.column, disabled: ctx.readOnly,
      autocomplete: "off" });
    column.addEventListener("change", () => { r.column = column.value; commit({ keepPanel: true }); });
    const test = el("select", { id: `when-${i}-test`, disabled: ctx.readOnly },
      el("option", { value: "not_empty", text: t("studio.when_not_empty") }), el("option", { value: "equals", text: t("studio.when_equals") }));
    test.value = r.test;
    test.addEventListener("change", () => { r.test = test.value; commit(); });
    const value = el("input", { type: "text", id: `when-${i}-value`, value: r.value, disabled: ctx.readOnly || r.test !== "equals" });
    value.addEventListener("change", () => { r.value = value.value; commit({ keepPanel: true }); });
    const remove = el("button", { type: "button", class: "secondary small", id: `when-${i}-remove`, disabled: ctx.readOnly,
      text: t("studio.remove"), "aria-label": t("studio.when_remove", { n: String(n) }),
      onclick: () => { rows.splice(i, 1); commit({ focus: "when-add" }); } });
    box.append(el("div", { class: "condition", "data-condition": String(i) },
      field(column.id, t("studio.when_column", { n: String(n) }), column), field(test.id, t("studio.when_test"), test),
      field(value.id, t("studio.when_value"), value), remove));
  });
  if (rows.length > 1) {
    const combine = el("select", { id: "when-match", disabled: ctx.readOnly },
      el("option", { value: "all", text: t("studio.when_all") }), el("option", { value: "any", text: t("studio.when_any") }));
    combine.value = match;
    combine.addEventListener("change", () => { match = combine.value; commit(); });
    box.append(field("when-match", t("studio.when_match"), combine));
  }
  box.append(el("button", { type: "button", class: "secondary small", id: "when-add", disabled: ctx.readOnly, text: t("studio.when_add"),
    onclick: () => { rows.push({ column: ctx.columns()[0] || "ticket_type", test: "not_empty", value: "" }); commit(); } }));
  return box;
}

// The override key a ticket type already has (matched case-insensitively, as the renderer matches it), or the type.
export function overrideKey(doc, type) {
  const wanted = type.trim().toLowerCase();
  return Object.keys(doc.overrides || {}).find((k) => k.trim().toLowerCase() === wanted) ?? type;
}

// The ticket types to offer: the CSV's (from the preview) and those the document already overrides, once each.
export function ticketTypes(doc, fromCsv) {
  const seen = new Map();
  for (const type of [...(fromCsv || []), ...Object.keys(doc.overrides || {})]) {
    const key = String(type || "").trim();
    if (key && !seen.has(key.toLowerCase())) seen.set(key.toLowerCase(), key);
  }
  return [...seen.values()].slice(0, MAX_TICKET_TYPES);
}

function editOverride(doc, type, change) {
  doc.overrides = doc.overrides || {};
  const key = overrideKey(doc, type);
  const o = { ...(doc.overrides[key] || {}) };
  change(o);
  for (const name of ["hide", "show"]) if (o[name] && !o[name].length) delete o[name];
  for (const name of ["colors", "backgrounds"]) if (o[name] && !Object.keys(o[name]).length) delete o[name];
  if (Object.keys(o).length) doc.overrides[key] = o;
  else delete doc.overrides[key];
  if (!Object.keys(doc.overrides).length) delete doc.overrides;
}

// Per ticket type: does this element print? (overrides[type].hide for a shown element, .show for a hidden one)
export function visibilitySection(e, ctx) {
  const doc = ctx.doc();
  const types = ctx.types();
  const box = el("fieldset", { class: "studio-group", id: "type-visibility" }, el("legend", { text: t("studio.types_print") }));
  if (!types.length) { box.append(el("p", { class: "muted small", text: t("studio.types_none") })); return box; }
  const hiddenByDefault = e.visible === false;
  types.forEach((type, i) => {
    const o = (doc.overrides || {})[overrideKey(doc, type)] || {};
    const prints = hiddenByDefault ? (o.show || []).includes(e.id) : !(o.hide || []).includes(e.id);
    const box2 = el("input", { type: "checkbox", id: `type-print-${i}`, checked: prints, disabled: ctx.readOnly });
    box2.addEventListener("change", () => {
      ctx.remember();
      editOverride(ctx.doc(), type, (over) => {
        const list = hiddenByDefault ? "show" : "hide";
        const ids = new Set(over[list] || []);
        if (box2.checked === hiddenByDefault) ids.add(e.id); else ids.delete(e.id);
        over[list] = [...ids];
      });
      ctx.changed();
    });
    box.append(el("label", { class: "check", for: box2.id }, box2, el("span", { translate: "no", text: type })));
  });
  return box;
}

// Which ticket types' groups the organizer opened or closed (lower case -> open), kept across the panel's redraws;
// a type not touched yet opens when it overrides something.
const opened = new Map();

// Per design and ticket type, each in a group that opens: colour roles (accent, background, text) and each side's
// background artwork.
export function overridesSection(ctx) {
  const doc = ctx.doc();
  const types = ctx.types();
  const box = el("div", { id: "type-overrides" });
  if (!types.length) { box.append(el("p", { class: "muted small", text: t("studio.types_none") })); return box; }
  const assets = Object.entries(doc.assets || {});
  const sides = (doc.sides || []).includes("back") ? ["front", "back"] : ["front"];
  types.forEach((type, i) => {
    const o = (doc.overrides || {})[overrideKey(doc, type)] || {};
    const key = type.toLowerCase();
    const open = opened.has(key) ? opened.get(key) : Object.keys(o).length > 0;
    const summary = el("summary", { translate: "no", text: type });
    // the organizer's click (Enter and Space click a summary too), not the toggle event, which a group drawn open fires
    summary.addEventListener("click", () => opened.set(key, !group.open));
    const group = el("details", { class: "studio-group", "data-type": type, open }, summary);
    const pair = el("div", {});
    for (const role of COLOUR_ROLES) {
      const id = `type-${i}-colour-${role}`;
      const input = el("input", { type: "text", id, value: (o.colors || {})[role] || "", disabled: ctx.readOnly,
        autocomplete: "off" });
      input.addEventListener("change", () => {
        ctx.remember();
        editOverride(ctx.doc(), type, (over) => {
          over.colors = { ...(over.colors || {}) };
          if (input.value.trim()) over.colors[role] = input.value.trim(); else delete over.colors[role];
        });
        ctx.changed({ keepPanel: true });
      });
      pair.append(field(id, t(`studio.role_${role}`), input));
    }
    group.append(pair);
    for (const side of sides) {
      if (!assets.length) break;
      const id = `type-${i}-background-${side}`;
      const current = (o.backgrounds || {})[side] || {};
      const select = el("select", { id, disabled: ctx.readOnly }, el("option", { value: "", text: t("studio.as_design") }),
        ...assets.map(([name]) => el("option", { value: name, text: name })));
      select.value = current.svg || current.image || "";
      select.addEventListener("change", () => {
        ctx.remember();
        const chosen = select.value;
        editOverride(ctx.doc(), type, (over) => {
          over.backgrounds = { ...(over.backgrounds || {}) };
          if (!chosen) { delete over.backgrounds[side]; return; }
          const base = ((ctx.doc().backgrounds || {})[side] || {}).color || "background";
          const svgAsset = (ctx.doc().assets[chosen] || {}).media_type === "image/svg+xml";
          over.backgrounds[side] = { color: base, [svgAsset ? "svg" : "image"]: chosen };
        });
        ctx.changed();
      });
      group.append(field(id, t(side === "back" ? "studio.type_background_back" : "studio.type_background_front"), select));
    }
    box.append(group);
  });
  return box;
}
