// Dead download link: the server-rendered page already says why (no script needed); this adds "email me a fresh
// link" for the signed-in owner. The static /link#<token> page (older Hosting links) asks /api/links instead.
import { describeError, get, post } from "./api.js";
import { t } from "./i18n.js";
import { requireSignIn } from "./signin.js";

const $ = (id) => document.getElementById(id);
const REASONS = {
  expired: "This download link has expired.",
  revoked: "This download link was withdrawn (the badges were deleted or a newer link replaced it).",
  invalid: "This is not a valid BadgeForge download link.",
  deleted: "These badges are no longer available.",
};

async function linkInfo() {
  if (document.body.dataset.state) return { state: document.body.dataset.state, job_id: document.body.dataset.job };
  const token = decodeURIComponent(location.hash ? location.hash.slice(1) : location.pathname.replace(/^\/d\//, ""));
  const info = await get(`/api/links/${encodeURIComponent(token)}`);
  if (info.state === "valid") { $("link-reason").textContent = "The link works: your download starts now."; location.reload(); return null; }
  $("link-reason").textContent = info.message || REASONS[info.state] || REASONS.invalid;
  return info;
}

async function start() {
  const info = await linkInfo();
  const button = $("new-link");
  if (!info || !info.job_id || !button) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await requireSignIn({ title: "Sign in to get a fresh link" });
      await post(`/api/jobs/${encodeURIComponent(info.job_id)}/link`, { email: true });
      $("new-link-result").textContent = "We emailed you a fresh link.";
    } catch (err) {
      $("new-link-result").textContent = err.status === 404 ? t("download.owner_only") : describeError(err);
    }
  });
}

start().catch((err) => { $("link-reason").textContent = describeError(err); });
