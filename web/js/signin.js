// Sign-in for every page: email + password (then a TOTP code if two-factor is on) locally, Firebase Auth in the
// cloud. Locally the same box also signs people up and sends password-reset links; the browser keeps only the
// opaque session token the server hands out.
import { ApiError, el, get, post, setToken, token, useTokenSource } from "./api.js";
import { t } from "./i18n.js";

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = el("script", { src });
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

async function firebaseAuth() {
  // Hosting's reserved URLs: same origin, no third-party CDN.
  await loadScript("/__/firebase/10.14.1/firebase-app-compat.js");
  await loadScript("/__/firebase/10.14.1/firebase-auth-compat.js");
  await loadScript("/__/firebase/init.js");
  const auth = window.firebase.auth();
  useTokenSource(async () => (auth.currentUser ? auth.currentUser.getIdToken() : null));
  await new Promise((resolve) => { const stop = auth.onAuthStateChanged(() => { stop(); resolve(); }); });
  return auth;
}

const field = (id, label, attrs) => [el("label", { for: id, text: label }), el("input", { id, required: true, ...attrs })];
const link = (text, onclick) => el("button", { type: "button", class: "link", text, onclick });

// One form in the sign-in box: fields, a submit button, an error line, and links to the other forms.
function showForm(box, { title, fields, submit, onSubmit, links = [], note }) {
  const error = el("p", { class: "error", id: "signin-error", role: "alert" });
  const form = el("form", { id: "signin-form" },
    el("h2", { id: "signin-title", text: title }), note || null,
    ...fields.flat(),
    el("p", {}, el("button", { type: "submit", id: "signin-submit", text: submit })),
    error, links.length ? el("p", { class: "muted" }, ...links.flatMap((l, i) => (i ? [" · ", l] : [l]))) : null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try { await onSubmit(form); }
    catch (err) { error.textContent = err.message || "That did not work; try again."; }
  });
  box.replaceChildren(form);
  box.hidden = false;
  form.querySelector("input")?.focus();
}

function message(box, title, text, back) {
  box.replaceChildren(el("h2", { id: "signin-title", text: title }), el("p", { id: "signin-message", role: "status", text }),
    el("p", {}, link("Back to sign in", back)));
}

function localForms(box, config, title, done) {
  const emailField = () => field("signin-email", "Email", { type: "email", name: "email", autocomplete: "username" });
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
    const account = me.local ? el("a", { href: "/account.html", id: "account-link", text: "Account" }) : null;
    who.replaceChildren(`${me.email} `, account || "", account ? " " : "",
      el("button", { type: "button", class: "secondary", id: "signout", text: "Sign out", onclick: signOut }));
  }
  document.querySelectorAll("[data-admin-only]").forEach((node) => { node.hidden = !me.admin; });
}

// Unverified accounts may sign in, but get no generations until the link in their email is opened.
function showUnverified(me) {
  const main = document.querySelector("main");
  if (!main || me.email_verified !== false || document.getElementById("unverified")) return;
  const result = el("span", { id: "resend-result", role: "status" });
  const resend = el("button", { type: "button", class: "secondary", id: "resend", text: "Send the link again", onclick: async () => {
    try { result.textContent = (await post("/api/auth/resend-verification", { email: me.email })).message; }
    catch (err) { result.textContent = err.message; }
  } });
  main.prepend(el("section", { class: "card", id: "unverified", role: "status" },
    el("p", { text: t("signin.please_confirm", { email: me.email }) }),
    el("p", {}, resend, " ", result)));
}

// Resolves with /api/me once the user is signed in (showing the form first if needed).
export async function requireSignIn({ title = "Sign in to BadgeForge" } = {}) {
  const box = document.getElementById("signin");
  const config = await get("/api/auth/config");
  let signOut;
  if (config.mode === "firebase") {
    const auth = await firebaseAuth();
    signOut = async () => { await auth.signOut(); location.reload(); };
    if (!auth.currentUser) {
      await new Promise((resolve) => showForm(box, {
        title, submit: "Sign in",
        fields: [field("signin-email", "Email", { type: "email", name: "email", autocomplete: "username" }),
          field("signin-password", "Password", { type: "password", name: "password", autocomplete: "current-password" })],
        onSubmit: async (form) => { await auth.signInWithEmailAndPassword(form.email.value.trim(), form.password.value); resolve(); },
      }));
    }
  } else {
    signOut = async () => { await post("/api/auth/signout", {}).catch(() => {}); setToken(null); location.reload(); };
    if (!token()) await new Promise((resolve) => localForms(box, config, title, resolve));
  }
  try {
    const me = await get("/api/me");
    box.hidden = true;
    showWho({ ...me, local: config.mode !== "firebase" }, signOut);
    showUnverified(me);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { setToken(null); return requireSignIn({ title }); }
    throw err;
  }
}
