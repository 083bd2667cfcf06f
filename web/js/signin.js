// Sign-in for every page: email + password locally, Firebase Auth (served by Hosting at /__/firebase/) in the cloud.
import { ApiError, el, get, post, setToken, token, useTokenSource } from "./api.js";

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

function renderForm(box, onSubmit, title) {
  const error = el("p", { class: "error", id: "signin-error", role: "alert" });
  const form = el("form", { id: "signin-form" },
    el("h2", { id: "signin-title", text: title }),
    el("label", { for: "signin-email", text: "Email" }),
    el("input", { type: "email", id: "signin-email", name: "email", autocomplete: "username", required: true }),
    el("label", { for: "signin-password", text: "Password" }),
    el("input", { type: "password", id: "signin-password", name: "password", autocomplete: "current-password", required: true }),
    el("p", {}, el("button", { type: "submit", id: "signin-submit", text: "Sign in" })),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try { await onSubmit(form.email.value.trim(), form.password.value); }
    catch (err) { error.textContent = err.message || "Could not sign in."; }
  });
  box.replaceChildren(form);
  box.hidden = false;
}

function showWho(me, signOut) {
  const who = document.getElementById("who");
  if (who) {
    who.replaceChildren(`${me.email} `, el("button", { type: "button", class: "secondary", id: "signout", text: "Sign out", onclick: signOut }));
  }
  document.querySelectorAll("[data-admin-only]").forEach((node) => { node.hidden = !me.admin; });
}

// Resolves with /api/me once the user is signed in (showing the form first if needed).
export async function requireSignIn({ title = "Sign in to BadgeForge" } = {}) {
  const box = document.getElementById("signin");
  const { mode } = await get("/api/auth/config");
  let signOut;
  if (mode === "firebase") {
    const auth = await firebaseAuth();
    signOut = async () => { await auth.signOut(); location.reload(); };
    if (!auth.currentUser) {
      await new Promise((resolve) => renderForm(box, async (email, password) => {
        await auth.signInWithEmailAndPassword(email, password); resolve();
      }, title));
    }
  } else {
    signOut = () => { setToken(null); location.reload(); };
    if (!token()) {
      await new Promise((resolve) => renderForm(box, async (email, password) => {
        const result = await post("/api/auth/signin", { email, password });
        setToken(result.token); resolve();
      }, title));
    }
  }
  try {
    const me = await get("/api/me");
    box.hidden = true;
    showWho(me, signOut);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { setToken(null); return requireSignIn({ title }); }
    throw err;
  }
}
