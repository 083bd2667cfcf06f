// The email verification page: spends the link's token once and says what happened (or why the link is dead).
import { post } from "./api.js";
import { actionParams, firebaseVerify } from "./firebase_actions.js";
import { takeLinkToken } from "./link_token.js";

const $ = (id) => document.getElementById(id);

async function main() {
  const action = actionParams(); // a Firebase Authentication link (?mode=...&oobCode=...)
  if (action) { await firebaseVerify(action); return; }
  const token = takeLinkToken();
  if (!token) { $("verify-status").textContent = "This link has no token; copy the whole link from the email."; return; }
  try {
    const result = await post("/api/auth/verify", { token });
    const gift = result.granted ? ` You have ${result.granted} free badge generation${result.granted === 1 ? "" : "s"}.` : "";
    $("verify-status").textContent = `Thank you: ${result.email} is confirmed.${gift}`;
    $("verify-next").hidden = false;
  } catch (err) {
    $("verify-status").textContent = `${err.message} You can ask for a new link after signing in.`;
    $("verify-next").hidden = false;
  }
}

main();
