// Kiosk and desk links on the desk page: the organizer makes a session for one device at this job (a kiosk, or
// another desk), sees its link and QR code once, lists the sessions and revokes them; and a desk opened with a
// desk session's link (#token=) runs on that token instead of a sign-in. The tokens are the server's
// (services/desk_sessions.py, stored hashed); this page never keeps the organizer's own sign-in on a device.
import { del, describeError, el, get, post, useTokenSource } from "./api.js";
import { formatDate, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const DESK_TOKEN_KEY = "badgeforge.desk.token";

// A desk opened with a desk session's link: {job_id, device} (the token is used for every request), else null.
export async function openDeskLink() {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (fromLink) {
    sessionStorage.setItem(DESK_TOKEN_KEY, fromLink);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  const token = fromLink || sessionStorage.getItem(DESK_TOKEN_KEY);
  if (!token) return null;
  useTokenSource(async () => token);
  try {
    return await get("/api/desk/session");
  } catch (err) {
    sessionStorage.removeItem(DESK_TOKEN_KEY);
    throw err;
  }
}

function sessionRow(job, session, refresh) {
  const state = { live: t("desk.session_live"), expired: t("desk.session_expired"), revoked: t("desk.session_revoked") }[session.state];
  const revoke = session.state === "live"
    ? el("button", { type: "button", class: "secondary", "data-action": "revoke", "aria-label": t("desk.action_for", { action: t("desk.session_revoke"), name: session.device }), text: t("desk.session_revoke"),
      onclick: async () => {
        try { await del(`/api/desk/${encodeURIComponent(job)}/sessions/${encodeURIComponent(session.id)}`); } catch (err) { $("sessions-message").textContent = describeError(err); }
        refresh();
      } })
    : null;
  return el("tr", { "data-session": session.id },
    el("td", { text: session.device }),
    el("td", { text: session.mode === "kiosk" ? t("desk.session_kiosk") : t("desk.session_desk") }),
    el("td", { text: state }),
    el("td", { text: formatDate(session.expires_at) }),
    el("td", {}, revoke));
}

export async function showSessions(job) {
  const refresh = () => showSessions(job);
  try {
    const { sessions } = await get(`/api/desk/${encodeURIComponent(job)}/sessions`);
    $("sessions-list").querySelector("tbody").replaceChildren(...sessions.map((s) => sessionRow(job, s, refresh)));
    $("sessions-list").dataset.count = String(sessions.length);
  } catch (err) { $("sessions-message").textContent = describeError(err); }
}

// The create form; `job()` and `station()` read the desk's current choices.
export function setUpSessions(job, station) {
  $("desk-sessions").hidden = false;
  $("session-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sessions-message").textContent = "";
    const body = { device: $("session-device").value.trim(), mode: $("session-mode").value,
      expires_in_hours: Number($("session-hours").value) || undefined, origin: window.location.origin,
      station: station() || undefined };
    try {
      const made = await post(`/api/desk/${encodeURIComponent(job())}/sessions`, body);
      $("session-url").value = new URL(made.url, window.location.origin).href;
      $("session-qr").src = made.qr || "";
      $("session-qr").hidden = !made.qr;
      $("session-made").hidden = false;
      $("session-url").focus(); $("session-url").select();
      showSessions(job());
    } catch (err) { $("sessions-message").textContent = describeError(err); }
  });
}
