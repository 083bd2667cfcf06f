// The email verification page: spends the link's token once and says what happened (or why the link is dead).
import { post } from "./api.js";
import { actionParams, firebaseVerify } from "./firebase_actions.js";
import { ready, t, tn } from "./i18n.js";
import { takeLinkToken } from "./link_token.js";

const $ = (id) => document.getElementById(id);

async function main() {
  const action = actionParams(); // a Firebase Authentication link (?mode=...&oobCode=...)
  if (action) { await firebaseVerify(action); return; }
  const token = takeLinkToken();
  await ready; // t() reads the loaded catalogue
  if (!token) { $("verify-status").textContent = "This link has no token; copy the whole link from the email."; return; }
  try {
    const result = await post("/api/auth/verify", { token });
    const thanks = t("verify.confirmed", { email: result.email });
    $("verify-status").textContent = result.granted ? `${thanks} ${tn("verify.granted", result.granted)}` : thanks;
    $("verify-next").hidden = false;
  } catch (err) {
    $("verify-status").textContent = `${err.message} ${t("verify.ask_again")}`;
    $("verify-next").hidden = false;
  }
}

main();
