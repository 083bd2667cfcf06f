// Download page for a link that no longer works: say why, and let the signed-in owner get a new one by email.
import { describeError, get, post } from "./api.js";
import { requireSignIn } from "./signin.js";

const $ = (id) => document.getElementById(id);
const REASONS = {
  expired: "This download link has expired.",
  revoked: "This download link was withdrawn (the badges were deleted or a newer link replaced it).",
  invalid: "This is not a valid BadgeForge download link.",
};

async function start() {
  // /d/<token> locally (served by the API); /link#<token> on Hosting (the API redirects there).
  const token = decodeURIComponent(location.hash ? location.hash.slice(1) : location.pathname.replace(/^\/d\//, ""));
  const info = await get(`/api/links/${encodeURIComponent(token)}`);
  if (info.state === "valid") { $("link-reason").textContent = "The link works: your download starts now."; location.reload(); return; }
  $("link-reason").textContent = info.message || REASONS[info.state] || REASONS.invalid;
  if (!info.job_id) return;
  const button = $("new-link");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await requireSignIn({ title: "Sign in to get a new link" });
      await post(`/api/jobs/${encodeURIComponent(info.job_id)}/link`, { email: true });
      $("new-link-result").textContent = "We emailed you a new link.";
    } catch (err) {
      $("new-link-result").textContent = err.status === 404 ? "Only the owner of these badges can get a new link." : describeError(err);
    }
  });
}

start().catch((err) => { $("link-reason").textContent = describeError(err); });
