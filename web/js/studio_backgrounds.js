// The studio's panel for the design's sides and backgrounds (docs/design-format.md: "Background"): a back or not,
// and per side a colour, an uploaded image and uploaded SVG artwork. Uploads go through the saved-designs API, which
// checks images by content and sanitises SVG (svg_safety.py); its refusal is shown beside the file field.
import { describeError, el } from "./api.js";
import { t } from "./i18n.js";
import { field } from "./studio_variants.js";

export const SVG_TYPE = "image/svg+xml";
const SIDES = ["front", "back"];
let note = ""; // the last upload's outcome, kept across the panel's redraws until the next upload or design

// Say how an upload went in the panel's status line (redrawn panels show it again).
function say(text) {
  note = text;
  const status = document.getElementById("background-status");
  if (status) status.textContent = text;
}
export function clearNote() { note = ""; }

// Asset ids the document still names (backgrounds, overrides' backgrounds, image elements).
function referenced(doc) {
  const ids = new Set();
  const addBackground = (b) => { if (b) { if (b.image) ids.add(b.image); if (b.svg) ids.add(b.svg); } };
  for (const side of SIDES) addBackground((doc.backgrounds || {})[side]);
  for (const o of Object.values(doc.overrides || {})) for (const side of SIDES) addBackground((o.backgrounds || {})[side]);
  for (const e of doc.elements) if (e.asset) ids.add(e.asset);
  return ids;
}

// Drop assets nothing names any more, so a saved design keeps no orphaned files.
function pruneAssets(doc) {
  if (!doc.assets) return;
  const keep = referenced(doc);
  for (const id of Object.keys(doc.assets)) if (!keep.has(id)) delete doc.assets[id];
  if (!Object.keys(doc.assets).length) delete doc.assets;
}

function setBackground(doc, side, change) {
  doc.backgrounds = { ...(doc.backgrounds || {}) };
  const b = { ...(doc.backgrounds[side] || {}) };
  change(b);
  if (Object.keys(b).length) doc.backgrounds[side] = b; else delete doc.backgrounds[side];
  if (!Object.keys(doc.backgrounds).length) delete doc.backgrounds;
}

function sideGroup(ctx, side) {
  const doc = ctx.doc();
  const current = (doc.backgrounds || {})[side] || {};
  const group = el("fieldset", { class: "studio-group", id: `background-${side}` },
    el("legend", { text: t(side === "back" ? "studio.background_back" : "studio.background_front") }));
  const colourId = `bg-${side}-color`;
  const colour = el("input", { type: "text", id: colourId, value: current.color || "", disabled: ctx.readOnly, autocomplete: "off" });
  colour.addEventListener("change", () => {
    ctx.remember();
    setBackground(ctx.doc(), side, (b) => { if (colour.value.trim()) b.color = colour.value.trim(); else delete b.color; });
    ctx.changed({ keepPanel: true });
  });
  group.append(field(colourId, t("studio.background_colour"), colour));
  for (const slot of ["image", "svg"]) {
    const id = `bg-${side}-${slot}`;
    const input = el("input", { type: "file", id, disabled: ctx.readOnly,
      accept: slot === "svg" ? "image/svg+xml,.svg" : "image/png,image/jpeg,image/webp,image/gif" });
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      say(t("studio.uploading"));
      try {
        const asset = await ctx.uploadAsset(`background-${side}-${slot}`, file);
        ctx.remember();
        const d = ctx.doc();
        d.assets = { ...(d.assets || {}), [asset.id]: { media_type: asset.media_type } };
        setBackground(d, side, (b) => { b[asset.media_type === SVG_TYPE ? "svg" : "image"] = asset.id; });
        ctx.changed();
        say(t("studio.uploaded", { name: file.name }));
      } catch (err) {
        say(describeError(err));
      }
    });
    const parts = [field(id, t(slot === "svg" ? "studio.background_svg" : "studio.background_image"), input)];
    if (current[slot]) {
      parts.push(el("p", { class: "small" }, el("span", { translate: "no", text: current[slot] }), " ",
        el("button", { type: "button", class: "secondary small", id: `${id}-remove`, disabled: ctx.readOnly, text: t("studio.remove"),
          "aria-label": t(slot === "svg" ? "studio.remove_svg" : "studio.remove_image"),
          onclick: () => {
            ctx.remember();
            const d = ctx.doc();
            setBackground(d, side, (b) => { delete b[slot]; });
            pruneAssets(d);
            ctx.changed({ focus: id });
          } })));
    }
    group.append(...parts);
  }
  return group;
}

// Two-sided or not, then each side's background, and a status line (role=status) saying how an upload went.
export function backgroundSection(ctx) {
  const doc = ctx.doc();
  const twoSided = (doc.sides || []).includes("back");
  const status = el("p", { id: "background-status", role: "status", "aria-live": "polite", class: "small", text: note });
  const back = el("input", { type: "checkbox", id: "design-has-back", checked: twoSided, disabled: ctx.readOnly });
  back.addEventListener("change", () => {
    const d = ctx.doc();
    if (!back.checked && d.elements.some((e) => e.side === "back")) {
      back.checked = true;
      say(t("studio.back_in_use"));
      return;
    }
    ctx.remember();
    if (back.checked) d.sides = ["front", "back"];
    else {
      d.sides = ["front"];
      setBackground(d, "back", (b) => { for (const k of Object.keys(b)) delete b[k]; });
      for (const o of Object.values(d.overrides || {})) if (o.backgrounds) delete o.backgrounds.back;
      pruneAssets(d);
    }
    ctx.changed();
  });
  const box = el("div", { id: "design-backgrounds" }, el("label", { class: "check", for: back.id }, back, t("studio.two_sided")));
  for (const side of twoSided ? SIDES : ["front"]) box.append(sideGroup(ctx, side));
  box.append(status);
  return box;
}
