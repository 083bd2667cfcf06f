// Sign-in for every page. Local accounts: email + password (then a TOTP code if two-factor is on), sign-up and
// password-reset links in the same box; the browser keeps only the opaque session token the server hands out.
// Firebase Authentication (firebase_signin.js) when /config.json says so: the SDK keeps its own ID token.
import { ApiError, el, get, post, setToken, token, useTokenSource } from "./api.js";
import { pageConfig } from "./firebase_app.js";
import { t } from "./i18n.js";
import { emailField, field, link, message, showForm } from "./signin_forms.js";

function localForms(box, config, title, done) {
  const access = config.access ? el("p", { class: "muted", id: "signin-access", text: config.access }) : null;
  const signIn = () => showForm(box, {
    title, submit: "Sign in", note: access,
    fields: [emailField(), field("signin-password", "Password", { type: "password", name: "password", autocomplete: "current-password" })],
    links: [...(config.signup === "open" ? [link("Create an account", signUp)] : []), link("Forgot your password?", forgot)],
    onSubmit: async (form) => {
      const result = await post("/api/auth/signin", { email: form.email.value.trim(), password: form.password.value });
      if (result.second_factor) secondFactor(result.challenge);
      else { setToken(result.token); done(); }
    },
  });
  const secondFactor = (challenge) => showForm(box, {
    title: "Two-factor code", submit: "Verify code",
    note: el("p", { class: "muted", text: "Enter the 6-digit code from your authenticator app, or one of your recovery codes." }),
    fields: [field("signin-code", "Code", { type: "text", name: "code", autocomplete: "one-time-code", inputmode: "text", maxlength: "20" })],
    links: [link("Start again", signIn)],
    onSubmit: async (form) => {
      const result = await post("/api/auth/signin/second-factor", { challenge, code: form.code.value.trim() });
      setToken(result.token); done();
    },
  });
  const signUp = () => showForm(box, {
    title: "Create your BadgeForge account", submit: "Create account", note: access,
    fields: [emailField(), field("signup-password", "Choose a password", { type: "password", name: "password", autocomplete: "new-password", minlength: "10" })],
    links: [link("I have an account", signIn)],
    onSubmit: async (form) => {
      const result = await post("/api/auth/signup", { email: form.email.value.trim(), password: form.password.value });
      message(box, "Check your inbox", `${result.message} ${t("signin.then_sign_in")}`, signIn);
    },
  });
  const forgot = () => showForm(box, {
    title: "Reset your password", submit: "Email me a reset link",
    fields: [emailField()], links: [link("Back to sign in", signIn)],
    onSubmit: async (form) => {
      const result = await post("/api/auth/reset-request", { email: form.email.value.trim() });
      message(box, "Check your inbox", result.message, signIn);
    },
  });
  signIn();
}

function showWho(me, signOut) {
  const who = document.getElementById("who");
  if (who) {
    const account = el("a", { href: "/account.html", id: "account-link", text: "Account" });
    who.replaceChildren(`${me.email} `, account || "", account ? " " : "",
      el("button", { type: "button", class: "secondary", id: "signout", text: "Sign out", onclick: signOut }));
  }
  document.querySelectorAll("[data-admin-only]").forEach((node) => { node.hidden = !me.admin; });
}

// Unverified accounts may sign in, but get no generations until the link in their email is opened.
function showUnverified(me, resendVerification) {
  const main = document.querySelector("main");
  if (!main || me.email_verified !== false || document.getElementById("unverified")) return;
  const result = el("span", { id: "resend-result", role: "status" });
  const resend = el("button", { type: "button", class: "secondary", id: "resend", text: "Send the link again", onclick: async () => {
    try { result.textContent = await resendVerification(me); }
    catch (err) { result.textContent = err.message; }
  } });
  main.prepend(el("section", { class: "card", id: "unverified", role: "status" },
    el("p", { text: t("signin.please_confirm", { email: me.email }) }),
    el("p", {}, resend, " ", result)));
}

// The desk's service worker keeps the roster and /api/me for offline use: they leave with the session (queued
// check-ins are kept: they are the desk's record until they sync).
async function forgetOfflineCopies() {
  if (!("caches" in window)) return;
  for (const name of await caches.keys().catch(() => [])) {
    if (name.startsWith("badgeforge-desk-")) await caches.delete(name).catch(() => {});
  }
}

// Resolves with /api/me once the user is signed in (showing the form first if needed). /config.json says which
// sign-in this site uses; /api/auth/config whether people may sign up and what to tell them about access.
export async function requireSignIn({ title = "Sign in to BadgeForge" } = {}) {
  const box = document.getElementById("signin");
  const [page, settings] = await Promise.all([pageConfig(), get("/api/auth/config")]);
  let signOut;
  let resendVerification = async (me) => (await post("/api/auth/resend-verification", { email: me.email })).message;
  let forget = async () => setToken(null);
  if (page.auth === "firebase") {
    const { firebaseForms, firebaseSession } = await import("./firebase_signin.js");
    const session = await firebaseSession();
    useTokenSource(session.idToken);
    ({ signOut, resendVerification, forget } = session);
    if (!session.signedIn()) await new Promise((resolve) => firebaseForms(box, settings, title, resolve));
  } else {
    signOut = async () => { await post("/api/auth/signout", {}).catch(() => {}); setToken(null); location.reload(); };
    if (!token()) await new Promise((resolve) => localForms(box, settings, title, resolve));
  }
  try {
    const me = await get("/api/me");
    if (page.live === "rtdb") { // Firebase mode: job progress from the database listener, not the API
      const [{ useJobWatcher }, { liveWatcher }] = await Promise.all([import("./job_progress.js"), import("./firebase_live.js")]);
      useJobWatcher(liveWatcher(me.uid));
    }
    box.hidden = true;
    showWho(me, async () => { await forgetOfflineCopies(); await signOut(); });
    showUnverified(me, resendVerification);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await forgetOfflineCopies();
      await forget(); // an ended session, a revoked or deleted account: start again from the form
      return requireSignIn({ title });
    }
    throw err;
  }
}
