// What the desk page (desk.js) and the kiosk page (kiosk.js) share: the print dialog for one label, the camera scan
// of a ticket QR (where the browser has BarcodeDetector), request ids, and the browser's time zone.
import { el } from "./api.js";
import { t } from "./i18n.js";

export const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
export const newId = () => `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

// The label in a hidden frame, printed from there (the browser's own print dialog); `link` (optional) keeps the
// last label openable when a browser blocks printing from a frame.
export function openPrintDialog(blob, link) {
  const url = URL.createObjectURL(blob);
  if (link) {
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = url; link.textContent = t("desk.open_label"); link.hidden = false;
  }
  document.getElementById("desk-print-frame")?.remove();
  const frame = el("iframe", { id: "desk-print-frame", title: t("desk.open_label"), tabindex: "-1", "aria-hidden": "true", class: "print-frame" });
  frame.addEventListener("load", () => {
    try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch { window.open(url, "_blank", "noopener"); }
  });
  frame.src = url;
  document.body.append(frame);
}

export const canScan = () => "BarcodeDetector" in window && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)
  && (!document.permissionsPolicy || document.permissionsPolicy.allowsFeature("camera"));

// A scan button: shown only where scanning works; the first QR code read goes to onCode.
export function setUpScan(button, video, onCode, onError) {
  if (!canScan()) return;
  button.hidden = false; button.textContent = t("desk.scan");
  let stream = null;
  const stop = () => { if (stream) stream.getTracks().forEach((track) => track.stop()); stream = null; video.hidden = true; button.textContent = t("desk.scan"); };
  button.addEventListener("click", async () => {
    if (stream) { stop(); return; }
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream; video.hidden = false; await video.play(); button.textContent = t("desk.stop_scan");
      const tick = async () => {
        if (!stream) return;
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) { stop(); onCode(codes[0].rawValue); return; }
        requestAnimationFrame(tick);
      };
      tick();
    } catch (err) { stop(); onError(err); }
  });
}
