// The desk's offline label: one attendee's badge drawn by this browser from the job's label plan
// (GET /api/desk/{job}/label, badge_renderer/label_plan.py), printed through a hidden frame at the label's size.
//
// Why the browser draws it: offline, the server's PDF cannot come. The plan already holds every decision that
// depends on the label (boxes after the safe area, palettes per ticket type, the name's smallest size), made by the
// composer that draws the PDF; here the text is fitted into those boxes with canvas measureText in the job's own
// bundled fonts, and the QR code is encoded by the vendored qrcode-generator (MIT, web/vendor/qr/). The label is
// real DOM (text stays text, the QR an SVG), so it prints sharp at any printer resolution. What a browser cannot
// draw is in plan.unsupported and is left out, and the desk says so.
import qrcode from "../vendor/qr/qrcode.js";

const PT = 25.4 / 72; // mm per point
const LINE_HEIGHT = 1.15; // the server's fit_text line height
const WRAP_GAIN = 1.2; // a wrapped name must be this much bigger than one line to win (text/fitting.py)
const WRAP_BELOW_PT = 7; // other text wraps only to stay at this size or more (compose.py)
const BIG_NAME_PT = 18;
const NAME_FIRST_SHARE = 0.62; // the first name's share of the box when it is emphasised above the last name
const QUIET_ZONE = 4; // modules of white around the code (ISO/IEC 18004), as the PDF has
const SLANT_DEG = 12; // "italic" text is slanted, as the PDF's stamps are
const STEP = 0.5; // pt between the sizes tried
const EAST_ASIAN = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
const SVG = "http://www.w3.org/2000/svg";
const PRINT_CSS = "html, body { margin: 0; padding: 0; } body { print-color-adjust: exact; -webkit-print-color-adjust: exact; }";

// ---- fonts: fetched once (the service worker keeps them), registered in this page and in the print frame -----
// Each face is the family's own font plus, under the same family name, the script fallbacks the PDF uses (Arabic,
// Devanagari, CJK…), each limited to its unicode-range so the browser picks the font the renderer would. A fallback
// is fetched only when some text needs it (the roster's, while online; a walk-in's at print time).
const fontData = new Map(); // url -> ArrayBuffer
const familyName = (key) => `bf-${key.replace(/[^a-z0-9]+/gi, "-")}`; // "sans/bold" -> "bf-sans-bold"
const registered = new WeakMap(); // FontFaceSet -> Set of "family|url" already added to it

async function fontBytes(url) {
  if (!fontData.has(url)) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`font ${url}: ${response.status}`);
    fontData.set(url, await response.arrayBuffer());
  }
  return fontData.get(url);
}

async function addFace(fonts, family, url, range) {
  const done = registered.get(fonts) || new Set();
  registered.set(fonts, done);
  if (done.has(`${family}|${url}`)) return;
  const face = new FontFace(family, await fontBytes(url), range ? { unicodeRange: range } : {});
  fonts.add(await face.load());
  done.add(`${family}|${url}`);
}

async function loadFonts(plan, fonts) {
  await Promise.all(Object.entries(plan.fonts || {}).map(([key, url]) => addFace(fonts, familyName(key), url)));
  // the fallbacks this page already holds (needed by some text): the print frame gets them too
  await Promise.all(Object.entries(plan.fallback_fonts || {}).flatMap(([key, list]) => list
    .filter((f) => fontData.has(f.url)).map((f) => addFace(fonts, familyName(key), f.url, f.range))));
}

const rangeSpans = new Map(); // "U+600-6FF,U+FB50" -> [[0x600, 0x6ff], [0xfb50, 0xfb50]]
function spans(range) {
  if (!rangeSpans.has(range)) {
    rangeSpans.set(range, range.split(",").map((part) => {
      const [a, b = a] = part.trim().replace(/^U\+/i, "").split("-");
      return [parseInt(a, 16), parseInt(b, 16)];
    }));
  }
  return rangeSpans.get(range);
}

// The code points above ASCII in `texts` (the family's own font draws all of ASCII).
function wideCodepoints(texts) {
  const found = new Set();
  for (const text of texts) {
    if (typeof text !== "string" || !/[^\x00-\x7f]/.test(text)) continue;
    for (const ch of text) { const cp = ch.codePointAt(0); if (cp > 0x7f) found.add(cp); }
  }
  return [...found];
}

// Fetch and register (in this page) every fallback font some of `texts` needs; resolves when they are ready.
// A font that cannot be had (offline, never fetched) is left out: the browser's own font draws those letters.
export async function loadScriptFonts(plan, texts, fonts = document.fonts) {
  const wanted = wideCodepoints([...texts, plan.event_name]);
  if (!wanted.length) return;
  await Promise.all(Object.entries(plan.fallback_fonts || {}).flatMap(([key, list]) => list
    .filter((f) => wanted.some((cp) => spans(f.range).some(([a, b]) => cp >= a && cp <= b)))
    .map((f) => addFace(fonts, familyName(key), f.url, f.range).catch(() => {}))));
}

// ---- text fitting (canvas measureText in the same font the label prints in) -----------------------------------
let measurer = null;
function widthMm(text, font, sizePt) {
  if (!measurer) measurer = document.createElement("canvas").getContext("2d");
  measurer.font = `100px "${font}"`;
  return (measurer.measureText(text).width / 100) * sizePt * PT;
}

function wrap(words, font, size, width, maxLines) {
  const lines = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (widthMm(next, font, size) <= width) { line = next; continue; }
    if (!line || widthMm(word, font, size) > width) return null; // a word wider than the box: not at this size
    lines.push(line); line = word;
    if (lines.length >= maxLines) return null;
  }
  if (line) lines.push(line);
  return lines.length <= maxLines ? lines : null;
}

function ellipsized(words, font, size, width, room) {
  const lines = [];
  let rest = [...words];
  while (rest.length && lines.length < room) {
    let take = rest.length;
    while (take > 1 && widthMm(rest.slice(0, take).join(" "), font, size) > width) take -= 1;
    lines.push(rest.slice(0, take).join(" ")); rest = rest.slice(take);
  }
  let last = lines.pop() || "";
  if (rest.length || widthMm(last, font, size) > width) {
    while (last && widthMm(`${last}…`, font, size) > width) last = last.slice(0, -1);
    last = `${last.trimEnd()}…`;
  }
  return [...lines, last];
}

// The biggest size (max_size down to min_size) at which the text fits the box on one line, or wrapped on up to
// maxLines when that is clearly bigger; below min_size it is shortened with an ellipsis, as the PDF does.
export function fitText(text, { width, height, font, maxSize, minSize, maxLines, wrapGain = WRAP_GAIN }) {
  const words = text.split(/\s+/).filter(Boolean);
  if (!words.length) return { lines: [], size: maxSize, truncated: false };
  let single = null; let wrapped = null;
  for (let size = maxSize; size >= minSize - 1e-9; size -= STEP) {
    const room = Math.floor(height / (size * LINE_HEIGHT * PT) + 1e-9);
    if (room < 1) continue;
    if (!single && widthMm(words.join(" "), font, size) <= width) single = { lines: [words.join(" ")], size };
    if (!wrapped && maxLines > 1 && room > 1) {
      const lines = wrap(words, font, size, width, Math.min(maxLines, room));
      if (lines && lines.length > 1) wrapped = { lines, size };
    }
    if (single && (wrapped || maxLines < 2)) break;
  }
  if (single && (!wrapped || wrapped.size < single.size * wrapGain)) return { ...single, truncated: false };
  if (wrapped) return { ...wrapped, truncated: false };
  const floor = Math.min(minSize, height / (LINE_HEIGHT * PT));
  const room = Math.max(1, Math.min(maxLines, Math.floor(height / (LINE_HEIGHT * floor * PT) + 1e-9)));
  return { lines: ellipsized(words, font, floor, width, room), size: floor, truncated: true };
}

// ---- what an element prints for one attendee ------------------------------------------------------------------
function valueOf(person, name) {
  if (name === "name") return person.name || "";
  const fields = person.fields || {};
  if (name in fields) return fields[name] || "";
  return person[name] == null ? "" : String(person[name]);
}

// "{role|ticket_type}" -> the first filled field; empty parts around " · " are dropped (designs.fill_format).
export function fillFormat(template, person) {
  const filled = template.replace(/\{([^{}]+)\}/g, (_, names) => {
    for (const name of names.split("|").map((n) => n.trim())) {
      const value = valueOf(person, name).trim();
      if (value) return value;
    }
    return "";
  });
  return (template.includes("·") ? filled.split("·").map((p) => p.trim()).filter(Boolean).join(" · ") : filled).trim();
}

function holds(condition, person, plan) {
  if (condition.kind === "not_empty") return Boolean(valueOf(person, condition.column).trim());
  if (condition.kind === "equals") return valueOf(person, condition.column).trim().toLowerCase() === condition.value.trim().toLowerCase();
  if (condition.kind === "job") return condition.column === "logo" ? Boolean(plan.logo) : Boolean(plan.event_name);
  return (condition.any || []).some((c) => holds(c, person, plan));
}

function vcard(person) {
  const esc = (v) => String(v || "").replace(/\r\n?/g, "\n").replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\n/g, "\\n");
  // vCard 3.0 as badge_renderer/qr.py writes it (CRLF line ends: some phone address books refuse bare LF)
  const lines = ["BEGIN:VCARD", "VERSION:3.0", ["N", [esc(valueOf(person, "last_name")), esc(valueOf(person, "first_name")), "", "", ""].join(";")].join(":"), ["FN", esc(person.name)].join(":")];
  if (person.organization) lines.push(["ORG", esc(person.organization)].join(":"));
  if (person.email) lines.push(["EMAIL", esc(person.email)].join(":"));
  lines.push("END:VCARD");
  return lines.map((line) => line + "\r\n").join("");
}

function qrPayload(element, plan, person) {
  let field = plan.qr.field; let kind = plan.qr.kind;
  if (element.qr_field || element.qr_vcard) [field, kind] = element.qr_vcard ? ["", "vcard"] : [element.qr_field, "text"];
  if (kind === "vcard") return vcard(person);
  return field ? valueOf(person, field).trim() : "";
}

// ---- drawing -------------------------------------------------------------------------------------------------
function colour(role, palette) { return role && role.startsWith("#") ? role : palette[role || "text"] || "#000000"; }

function placedBox(doc, box, element = {}) {
  const [x, y, w, h] = box;
  const node = doc.createElement("div");
  Object.assign(node.style, { position: "absolute", left: `${x}mm`, top: `${y}mm`, width: `${w}mm`, height: `${h}mm` });
  const turns = [];
  if (element.rotation) turns.push(`rotate(${element.rotation}deg)`);
  if (element.italic) turns.push(`skewX(-${SLANT_DEG}deg)`);
  if (turns.length) node.style.transform = turns.join(" ");
  if (element.opacity != null && element.opacity !== 1) node.style.opacity = String(element.opacity);
  return node;
}

function drawShape(doc, element, palette) {
  const [, , w, h] = element.box;
  const node = placedBox(doc, element.box, element);
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("width", "100%"); svg.setAttribute("height", "100%");
  svg.setAttribute("preserveAspectRatio", "none"); svg.setAttribute("overflow", "visible");
  let shape;
  if (element.kind === "rect") {
    shape = doc.createElementNS(SVG, "rect");
    const r = Math.min(element.radius_mm || 0, w / 2, h / 2);
    for (const [k, v] of Object.entries({ width: w, height: h, rx: r, ry: r })) shape.setAttribute(k, String(v));
  } else if (element.kind === "ellipse") {
    shape = doc.createElementNS(SVG, "ellipse");
    for (const [k, v] of Object.entries({ cx: w / 2, cy: h / 2, rx: w / 2, ry: h / 2 })) shape.setAttribute(k, String(v));
  } else if (element.kind === "line") {
    shape = doc.createElementNS(SVG, "line");
    for (const [k, v] of Object.entries({ x1: 0, y1: 0, x2: w, y2: h })) shape.setAttribute(k, String(v));
  } else {
    shape = doc.createElementNS(SVG, "polygon");
    shape.setAttribute("points", (element.points || []).map(([px, py]) => `${px * w},${py * h}`).join(" "));
  }
  shape.setAttribute("fill", element.fill ? colour(element.fill, palette) : "none");
  if (element.stroke && element.stroke_width_mm > 0) {
    shape.setAttribute("stroke", colour(element.stroke, palette));
    shape.setAttribute("stroke-width", String(element.stroke_width_mm));
  }
  svg.append(shape); node.append(svg);
  return node;
}

function drawImage(doc, box, src, element, cover = false) {
  const node = placedBox(doc, box, element);
  const img = doc.createElement("img");
  img.src = src; img.alt = "";
  Object.assign(img.style, { width: "100%", height: "100%", objectFit: cover ? "cover" : "contain", display: "block" });
  node.append(img);
  return node;
}

function textBlock(doc, fitted, element, box, palette, valign = element.valign) {
  const node = placedBox(doc, box, element);
  Object.assign(node.style, {
    display: "flex", flexDirection: "column", overflow: "visible",
    justifyContent: { top: "flex-start", bottom: "flex-end" }[valign] || "center",
    alignItems: { start: "flex-start", left: "flex-start", end: "flex-end", right: "flex-end" }[element.align] || "center",
    textAlign: { start: "left", left: "left", end: "right", right: "right" }[element.align] || "center",
    color: colour(element.color, palette), fontFamily: `"${familyName(fontKey(element))}"`,
    fontSize: `${fitted.size}pt`, lineHeight: String(LINE_HEIGHT), whiteSpace: "pre",
  });
  for (const line of fitted.lines) {
    const span = doc.createElement("div");
    span.textContent = line;
    node.append(span);
  }
  node.dataset.kind = element.kind;
  return node;
}

const fontKey = (element) => `${element.family}/${/^(bold|700)$/i.test(String(element.weight)) ? "bold" : "regular"}`;

// As compose.py fits: a name may wrap when that is clearly bigger; other text wraps only to stay at 7 pt or more,
// then tries one line down to its own min_size before any ellipsis.
function fitIn(value, element, w, h, maxLines = element.max_lines) {
  const base = { width: w, height: h, font: familyName(fontKey(element)), maxSize: element.max_size, maxLines };
  if (element.kind === "name") return fitText(value, { ...base, minSize: Math.min(element.min_size, element.max_size) });
  const floor = Math.min(Math.max(element.min_size, WRAP_BELOW_PT), element.max_size);
  const fitted = fitText(value, { ...base, minSize: floor, wrapGain: Infinity });
  if (fitted.truncated && element.min_size < floor) {
    const single = fitText(value, { ...base, minSize: element.min_size, maxLines: 1 });
    if (!single.truncated) return single;
  }
  return fitted;
}

// The last name under an emphasised first name: smaller and regular (compose.py's _last_name_element).
function lastNameElement(element) {
  const maxSize = Math.max(element.max_size * 0.5, Math.min(element.min_size, BIG_NAME_PT));
  return { ...element, weight: "regular", max_size: maxSize, min_size: Math.min(element.min_size, maxSize) };
}

function drawName(doc, element, person, plan, palette) {
  const [x, y, w, h] = element.box;
  const first = valueOf(person, "first_name").trim(); const last = valueOf(person, "last_name").trim();
  const full = valueOf(person, "full_name").split(/\s+/).filter(Boolean).join(" ");
  const upper = (s) => (element.uppercase ? s.toUpperCase() : s);
  const split = plan.emphasize_first_name && element.emphasis && first && last
    && (full === "" || full === `${first} ${last}`) && !EAST_ASIAN.test(first + last);
  if (split) {
    const top = h * NAME_FIRST_SHARE;
    const lastElement = lastNameElement(element);
    const a = fitIn(upper(first), element, w, top, 1); const b = fitIn(upper(last), lastElement, w, h - top, 1);
    if (!a.truncated && !b.truncated) {
      return [textBlock(doc, a, element, [x, y, w, top], palette, "bottom"), textBlock(doc, b, lastElement, [x, y + top, w, h - top], palette, "top")];
    }
  }
  return [textBlock(doc, fitIn(upper(person.name || ""), element, w, h), element, element.box, palette)];
}

function drawQr(doc, element, payload) {
  const code = qrcode(0, "M");
  code.addData(String.fromCharCode(...new TextEncoder().encode(payload)), "Byte"); // UTF-8, one char per byte
  try { code.make(); } catch { return null; } // more than a QR code holds: left out, as the PDF leaves it out
  const modules = code.getModuleCount(); const size = modules + 2 * QUIET_ZONE;
  const [x, y, w, h] = element.box;
  const side = Math.min(w, h);
  const node = placedBox(doc, [x + (w - side) / 2, y + (h - side) / 2, side, side], element);
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("width", "100%"); svg.setAttribute("height", "100%");
  svg.setAttribute("shape-rendering", "crispEdges");
  const white = doc.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ width: size, height: size, fill: "#ffffff" })) white.setAttribute(k, String(v));
  let path = "";
  for (let r = 0; r < modules; r += 1) for (let c = 0; c < modules; c += 1) if (code.isDark(r, c)) path += `M${c + QUIET_ZONE} ${r + QUIET_ZONE}h1v1h-1z`;
  const dark = doc.createElementNS(SVG, "path");
  dark.setAttribute("d", path); dark.setAttribute("fill", "#000000");
  svg.append(white, dark); node.append(svg);
  node.dataset.kind = "qr"; node.dataset.payload = payload;
  return node;
}

// The label of one attendee as a DOM tree of `doc` (a div of the label's size, in millimetres).
export function drawLabel(plan, person, doc = document) {
  const type = valueOf(person, "ticket_type").trim().toLowerCase();
  const palette = plan.palettes[type] || plan.palettes[""];
  const root = doc.createElement("div");
  root.id = "label";
  Object.assign(root.style, {
    position: "relative", overflow: "hidden", width: `${plan.width_mm}mm`, height: `${plan.height_mm}mm`,
    background: colour((plan.background.color || {})[type] || (plan.background.color || {})[""] || "background", palette),
  });
  if (plan.background.image) root.append(drawImage(doc, [0, 0, plan.width_mm, plan.height_mm], plan.background.image, {}, true));
  const printed = new Set(); // a fallback never repeats a text already on the label (as the PDF)
  for (const element of plan.elements) {
    const toggled = (element.toggle || []).includes(type);
    if (element.hidden !== undefined && (element.hidden !== toggled)) continue;
    if (element.when && !element.when.every((c) => holds(c, person, plan))) continue;
    const [, , w, h] = element.box;
    if (["rect", "ellipse", "line", "polygon"].includes(element.kind)) root.append(drawShape(doc, element, palette));
    else if (element.kind === "logo" && plan.logo) root.append(drawImage(doc, element.box, plan.logo, element));
    else if (element.kind === "image" && element.src) root.append(drawImage(doc, element.box, element.src, element));
    else if (element.kind === "name") root.append(...drawName(doc, element, person, plan, palette));
    else if (element.kind === "event_name" || element.kind === "text") {
      if (element.option === "pronouns" && !plan.show_pronouns) continue;
      let value = element.kind === "event_name" ? plan.event_name || "" : fillFormat(element.format, person);
      if (element.uppercase) value = value.toUpperCase();
      if (!value || printed.has(value.toLowerCase())) continue;
      printed.add(value.toLowerCase());
      root.append(textBlock(doc, fitIn(value, element, w, h), element, element.box, palette));
    } else if (element.kind === "qr") {
      const payload = qrPayload(element, plan, person);
      const qr = payload ? drawQr(doc, element, payload) : null;
      if (qr) root.append(qr);
    }
  }
  return root;
}

// ---- the plan, kept ready, and the print frame ------------------------------------------------------------------
export async function prepareLabel(plan) {
  await loadFonts(plan, document.fonts); // measureText needs the faces in this page
  return plan;
}

// Draw `person`'s label in a hidden frame whose page is exactly the label (@page size, no margin) and open the
// print dialog. Resolves with the frame once the dialog was asked for.
export async function printOfflineLabel(plan, person, { frameId = "desk-print-frame", title = "" } = {}) {
  document.getElementById(frameId)?.remove();
  const frame = document.createElement("iframe");
  frame.id = frameId; frame.title = title; frame.tabIndex = -1;
  frame.setAttribute("aria-hidden", "true"); frame.className = "print-frame";
  frame.dataset.offline = "1";
  document.body.append(frame);
  const doc = frame.contentDocument;
  doc.open(); doc.close(); // an empty same-origin document (about:blank) the page fills through the DOM
  const sheet = new frame.contentWindow.CSSStyleSheet(); // no inline <style>: the CSP allows the CSSOM only
  const page = ["@page { size: ", plan.width_mm, "mm ", plan.height_mm, "mm; margin: 0 }"].join("");
  sheet.replaceSync([page, PRINT_CSS].join("\n"));
  doc.adoptedStyleSheets = [sheet];
  doc.documentElement.dataset.widthMm = String(plan.width_mm);
  doc.documentElement.dataset.heightMm = String(plan.height_mm);
  doc.title = title;
  await loadScriptFonts(plan, Object.values(person).flatMap((v) => (typeof v === "string" ? [v] : Object.values(v || {}))));
  await loadFonts(plan, doc.fonts);
  doc.body.append(drawLabel(plan, person, doc));
  await doc.fonts.ready;
  await Promise.all([...doc.images].map((img) => (img.complete ? null : new Promise((done) => { img.onload = done; img.onerror = done; }))));
  frame.contentWindow.focus();
  frame.contentWindow.print();
  return frame;
}
