// The account page with Firebase Authentication: change the password, and turn Auth's TOTP second factor on or off.
// Both need a recent sign-in, so each asks for the current password first (reauthenticateWithCredential). Google
// accounts have no password here: Google protects them (two-step verification is set up at Google).
import { el } from "./api.js";
import { authMessage, firebase } from "./firebase_app.js";

const $ = (id) => document.getElementById(id);
const ISSUER = "BadgeForge"; // the name an authenticator app lists the key under

function onSubmit(id, errorId, handler) {
  $(id).addEventListener("submit", async (event) => {
    event.preventDefault();
    $(errorId).textContent = "";
    try { await handler($(id)); } catch (err) { $(errorId).textContent = authMessage(err); }
  });
}

export async function firebaseAccount() {
  const { sdk, auth } = await firebase();
  const user = auth.currentUser;
  const reauthenticate = (password) => sdk.reauthenticateWithCredential(user, sdk.EmailAuthProvider.credential(user.email, password));
  const totpFactors = () => sdk.multiFactor(user).enrolledFactors.filter((f) => f.factorId === sdk.TotpMultiFactorGenerator.FACTOR_ID);
  let secret = null;

  const showTotp = () => {
    const on = totpFactors().length > 0;
    $("totp-state").textContent = on ? "Two-factor is on." : "Two-factor is off.";
    $("totp-start").hidden = on;
    $("totp-disable").hidden = !on;
    $("totp-confirm").hidden = true;
  };

  if (!user.providerData.some((p) => p.providerId === "password")) {
    for (const id of ["password-form", "totp-start", "totp-confirm", "totp-disable"]) $(id).hidden = true;
    $("totp-state").textContent = "You sign in with Google: your password and two-step verification are managed at Google.";
    return;
  }
  // Auth's TOTP needs no code to turn off (the password proves a recent sign-in) and has no recovery codes.
  for (const node of [$("totp-disable-code"), document.querySelector('label[for="totp-disable-code"]')]) {
    node.hidden = true;
    node.required = false;
  }
  $("totp-qr").hidden = true; // no QR image here: the key, or the otpauth:// link on a phone, sets up the app
  showTotp();

  onSubmit("password-form", "password-error", async (form) => {
    $("password-status").textContent = "";
    if (form.new_password.value.length < 10) throw new Error("Choose a longer password (at least 10 characters).");
    await reauthenticate(form.current_password.value);
    await sdk.updatePassword(user, form.new_password.value);
    form.reset();
    $("password-status").textContent = "Your password is changed; other sessions were signed out.";
  });
  onSubmit("totp-start", "totp-error", async (form) => {
    await reauthenticate(form.password.value);
    form.reset();
    secret = await sdk.TotpMultiFactorGenerator.generateSecret(await sdk.multiFactor(user).getSession());
    $("totp-secret").replaceChildren(secret.secretKey, " ",
      el("a", { href: secret.generateQrCodeUrl(user.email, ISSUER), id: "totp-uri", text: "open in an authenticator app" }));
    $("totp-start").hidden = true;
    $("totp-confirm").hidden = false;
    $("totp-code").focus();
  });
  onSubmit("totp-confirm", "totp-error", async (form) => {
    const assertion = sdk.TotpMultiFactorGenerator.assertionForEnrollment(secret, form.code.value.trim());
    await sdk.multiFactor(user).enroll(assertion, "Authenticator app");
    form.reset();
    secret = null;
    $("totp-secret").textContent = "";
    showTotp();
  });
  onSubmit("totp-disable", "totp-error", async (form) => {
    await reauthenticate(form.password.value);
    for (const factor of totpFactors()) await sdk.multiFactor(user).unenroll(factor);
    form.reset();
    showTotp();
  });
}
