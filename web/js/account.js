// The account page: change the password; turn TOTP two-factor on (QR, first code, recovery codes) or off. Local
// accounts here; Firebase Authentication's in firebase_account.js.
import { el, get, post } from "./api.js";
import { pageConfig } from "./firebase_app.js";
import { formatNumber, ready, t } from "./i18n.js";
import { requireSignIn } from "./signin.js";

const $ = (id) => document.getElementById(id);

function onSubmit(id, errorId, handler) {
  $(id).addEventListener("submit", async (event) => {
    event.preventDefault();
    $(errorId).textContent = "";
    try { await handler($(id)); } catch (err) { $(errorId).textContent = err.message; }
  });
}

async function showTotp() {
  const account = await get("/api/account");
  $("totp-state").textContent = account.totp_enabled
    ? t("account.totp_on", { count: formatNumber(account.recovery_codes_left) })
    : "Two-factor is off.";
  $("totp-start").hidden = account.totp_enabled;
  $("totp-disable").hidden = !account.totp_enabled;
  $("totp-confirm").hidden = true;
}

async function main() {
  await ready; // t() reads the loaded catalogue
  await requireSignIn({ title: "Sign in to your account" });
  $("app").hidden = false;
  if ((await pageConfig()).auth === "firebase") {
    const { firebaseAccount } = await import("./firebase_account.js");
    await firebaseAccount();
    return;
  }
  await showTotp();

  onSubmit("password-form", "password-error", async (form) => {
    $("password-status").textContent = "";
    await post("/api/account/password", { current_password: form.current_password.value, new_password: form.new_password.value });
    form.reset();
    $("password-status").textContent = "Your password is changed; other sessions were signed out.";
  });
  onSubmit("totp-start", "totp-error", async (form) => {
    const setup = await post("/api/account/totp/setup", { password: form.password.value });
    form.reset();
    $("totp-qr").src = setup.qr;
    $("totp-secret").textContent = setup.secret;
    $("totp-start").hidden = true;
    $("totp-confirm").hidden = false;
    $("totp-code").focus();
  });
  onSubmit("totp-confirm", "totp-error", async (form) => {
    const result = await post("/api/account/totp/enable", { code: form.code.value.trim() });
    form.reset();
    $("totp-secret").textContent = "";
    $("totp-qr").removeAttribute("src");
    $("recovery-codes").replaceChildren(...result.recovery_codes.map((code) => el("li", { text: code })));
    $("totp-recovery").hidden = false;
    await showTotp();
  });
  onSubmit("totp-disable", "totp-error", async (form) => {
    await post("/api/account/totp/disable", { password: form.password.value, code: form.code.value.trim() });
    form.reset();
    $("totp-recovery").hidden = true;
    await showTotp();
  });
}

main();
