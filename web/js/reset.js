// The password reset page: a new password for the account the emailed link belongs to (the link works once).
import { post } from "./api.js";
import { actionParams, firebaseReset } from "./firebase_actions.js";
import { t } from "./i18n.js";
import { takeLinkToken } from "./link_token.js";

const $ = (id) => document.getElementById(id);
const action = actionParams(); // a Firebase Authentication link (?mode=resetPassword&oobCode=...)
const token = action ? null : takeLinkToken();

$("reset-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("reset-error").textContent = "";
  const password = $("reset-password").value;
  if (password !== $("reset-repeat").value) { $("reset-error").textContent = "The two passwords are not the same."; return; }
  if (action) {
    try {
      const email = await firebaseReset(action, password);
      $("reset-form").hidden = true;
      $("reset-status").textContent = t("reset.saved_firebase", { email });
      $("reset-next").hidden = false;
    } catch (err) { $("reset-error").textContent = err.message; }
    return;
  }
  if (!token) { $("reset-error").textContent = "This link has no token; copy the whole link from the email."; return; }
  try {
    const result = await post("/api/auth/reset", { token, password });
    $("reset-form").hidden = true;
    $("reset-status").textContent = t("reset.saved", { email: result.email });
    $("reset-next").hidden = false;
  } catch (err) {
    $("reset-error").textContent = err.message;
  }
});
