// Firebase Authentication's emailed links, when its templates' action URL points at this site (docs/deploy.md):
// /verify.html?mode=verifyEmail&oobCode=... confirms the address, mode=resetPassword goes on to /reset.html, and
// mode=signIn (an emailed sign-in link) goes on to the page that finishes signing in.
import { authMessage, firebase } from "./firebase_app.js";

const $ = (id) => document.getElementById(id);

export const actionParams = () => {
  const params = new URLSearchParams(location.search);
  return params.get("oobCode") ? { mode: params.get("mode"), code: params.get("oobCode"), params } : null;
};

// Where an emailed sign-in link finishes: the page it was asked from (continueUrl, this site only), with the link's
// parameters, which the SDK's isSignInWithEmailLink/signInWithEmailLink read there.
function signInTarget(params) {
  const next = params.get("continueUrl");
  const target = next && new URL(next, location.origin).origin === location.origin ? new URL(next, location.origin) : new URL("/", location.origin);
  for (const [name, value] of params) if (name !== "continueUrl") target.searchParams.set(name, value);
  return target.toString();
}

// verify.html: spend the code once and say what happened.
export async function firebaseVerify({ mode, code, params }) {
  if (mode === "resetPassword") { location.replace(`/reset.html${location.search}`); return; }
  if (mode === "signIn") { location.replace(signInTarget(params)); return; }
  const { sdk, auth } = await firebase();
  try {
    await sdk.applyActionCode(auth, code);
    if (auth.currentUser) await auth.currentUser.reload();
    $("verify-status").textContent = "Thank you: your email is confirmed. Your free badge generations start now.";
  } catch (err) {
    // two text nodes, each a catalogue text the page translates
    $("verify-status").replaceChildren(authMessage(err), " ", "You can ask for a new link after signing in.");
  }
  history.replaceState(null, "", location.pathname); // the one-time code leaves the address bar
  const next = params.get("continueUrl");
  if (next && new URL(next, location.origin).origin === location.origin) $("verify-next").href = next;
  $("verify-next").hidden = false;
}

// reset.html: the new password for the account the code belongs to.
export async function firebaseReset({ code }, password) {
  const { sdk, auth } = await firebase();
  try {
    const email = await sdk.verifyPasswordResetCode(auth, code);
    await sdk.confirmPasswordReset(auth, code, password);
    history.replaceState(null, "", location.pathname);
    return email;
  } catch (err) {
    throw new Error(authMessage(err));
  }
}
