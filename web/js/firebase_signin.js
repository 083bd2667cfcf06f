// Sign-in with Firebase Authentication (the cloud, or `badgeforge serve` with BADGEFORGE_AUTH=firebase): email and
// password with a verification email, a password reset email, a one-time sign-in link by email, Google, and the
// TOTP second factor when the account has one. The SDK holds its own tokens; the API verifies its ID token.
import { el } from "./api.js";
import { authMessage, firebase } from "./firebase_app.js";
import { ready, t } from "./i18n.js";
import { emailField, field, link, message, showForm } from "./signin_forms.js";

const here = () => `${location.origin}${location.pathname}`;
const LINK_MARK = "signin=link";
const GOOGLE_UNREACHABLE = "Google sign-in could not start (Google's sign-in script did not load). Try again, or sign in with your email."; // where an emailed sign-in link lands (the SDK adds its own query parameters)

// The second step when the account has TOTP on: Auth throws auth/multi-factor-auth-required after the first factor.
function secondFactor(box, fb, err, done, back) {
  const { sdk, auth } = fb;
  const resolver = sdk.getMultiFactorResolver(auth, err);
  const hint = resolver.hints.find((h) => h.factorId === sdk.TotpMultiFactorGenerator.FACTOR_ID);
  if (!hint) throw new Error("This account's second factor is not an authenticator app; ask an administrator.");
  showForm(box, {
    title: "Two-factor code", submit: "Verify code", describe: authMessage,
    note: el("p", { class: "muted", text: "Enter the 6-digit code from your authenticator app." }),
    fields: [field("signin-code", "Code", { type: "text", name: "code", autocomplete: "one-time-code", inputmode: "numeric", maxlength: "8" })],
    links: [link("Start again", back)],
    onSubmit: async (form) => {
      const assertion = sdk.TotpMultiFactorGenerator.assertionForSignIn(hint.uid, form.code.value.trim());
      await resolver.resolveSignIn(assertion);
      done();
    },
  });
}

// Runs a first-factor sign-in; a required second factor continues in `secondFactor`.
async function firstFactor(box, fb, attempt, done, back) {
  try { await attempt(); done(); }
  catch (err) {
    if (err && err.code === "auth/multi-factor-auth-required") secondFactor(box, fb, err, done, back);
    else throw err;
  }
}

// The person came back through an emailed sign-in link: ask which address it was sent to (not kept in the browser).
function finishEmailLink(box, fb, done, signIn) {
  const { sdk, auth } = fb;
  showForm(box, {
    title: "Finish signing in", submit: "Sign in", describe: authMessage,
    note: el("p", { class: "muted", text: "Enter the email address the sign-in link was sent to." }),
    fields: [emailField()], links: [link("Back to sign in", signIn)],
    onSubmit: async (form) => {
      const url = location.href;
      await firstFactor(box, fb, () => sdk.signInWithEmailLink(auth, form.email.value.trim(), url), () => {
        history.replaceState(null, "", here()); // the one-time code leaves the address bar
        done();
      }, signIn);
    },
  });
}

export async function firebaseForms(box, settings, title, done) {
  const fb = await firebase();
  await ready; // t() reads the loaded catalogue
  const { sdk, auth } = fb;
  const open = settings.signup === "open"; // invite-only: no sign-up, and no way in that would create an account
  const access = settings.access ? el("p", { class: "muted", id: "signin-access", text: settings.access }) : null;
  const passwordField = () => field("signin-password", "Password", { type: "password", name: "password", autocomplete: "current-password" });
  const google = () => el("p", {}, el("button", { type: "button", class: "secondary", id: "signin-google", text: "Sign in with Google",
    onclick: async (event) => {
      const line = box.querySelector("#signin-error");
      try { await firstFactor(box, fb, () => sdk.signInWithPopup(auth, new sdk.GoogleAuthProvider()), done, signIn); }
      catch (err) {
        // internal-error here: Google's gapi script (apis.google.com), which the pop-up needs, did not load
        const googleDown = err && err.code === "auth/internal-error";
        if (line) line.textContent = googleDown ? GOOGLE_UNREACHABLE : authMessage(err);
        event.target.focus();
      }
    } }));

  const signIn = () => showForm(box, {
    title, submit: "Sign in", note: access, describe: authMessage,
    fields: [emailField(), passwordField()],
    extra: open ? google() : null,
    links: [...(open ? [link("Create an account", signUp), link("Email me a sign-in link", emailLink)] : []),
      link("Forgot your password?", forgot)],
    onSubmit: (form) => firstFactor(box, fb,
      () => sdk.signInWithEmailAndPassword(auth, form.email.value.trim(), form.password.value), done, signIn),
  });
  const signUp = () => showForm(box, {
    title: "Create your BadgeForge account", submit: "Create account", note: access, describe: authMessage,
    fields: [emailField(), field("signup-password", "Choose a password", { type: "password", name: "password", autocomplete: "new-password", minlength: "10" })],
    links: [link("I have an account", signIn)],
    onSubmit: async (form) => {
      if (form.password.value.length < 10) throw new Error("Choose a longer password (at least 10 characters).");
      const { user } = await sdk.createUserWithEmailAndPassword(auth, form.email.value.trim(), form.password.value);
      await sdk.sendEmailVerification(user, { url: `${location.origin}/` });
      done(); // signed in now; the page says to open the emailed link before the free generations start
    },
  });
  const forgot = () => showForm(box, {
    title: "Reset your password", submit: "Email me a reset link", describe: authMessage,
    fields: [emailField()], links: [link("Back to sign in", signIn)],
    onSubmit: async (form) => {
      const email = form.email.value.trim();
      try { await sdk.sendPasswordResetEmail(auth, email, { url: `${location.origin}/` }); }
      catch (err) { if (err.code !== "auth/user-not-found") throw err; } // do not tell who has an account
      message(box, "Check your inbox", t("firebase.reset_sent", { email }), signIn);
    },
  });
  const emailLink = () => showForm(box, {
    title: "Sign in with a link", submit: "Email me a sign-in link", describe: authMessage,
    note: el("p", { class: "muted", text: "We email you a link that signs you in once, without a password." }),
    fields: [emailField()], links: [link("Back to sign in", signIn)],
    onSubmit: async (form) => {
      const email = form.email.value.trim();
      await sdk.sendSignInLinkToEmail(auth, email, { url: `${here()}?${LINK_MARK}`, handleCodeInApp: true });
      message(box, "Check your inbox", t("firebase.link_sent", { email }), signIn);
    },
  });

  if (sdk.isSignInWithEmailLink(auth, location.href)) finishEmailLink(box, fb, done, signIn);
  else signIn();
}

// For requireSignIn: who is signed in (null if nobody), how to sign out, and how to send the verification again.
export async function firebaseSession() {
  const { sdk, auth } = await firebase();
  return {
    auth,
    signedIn: () => Boolean(auth.currentUser),
    idToken: async () => (auth.currentUser ? auth.currentUser.getIdToken() : null),
    signOut: async () => { await sdk.signOut(auth); location.reload(); },
    forget: () => sdk.signOut(auth),
    resendVerification: async () => {
      await sdk.sendEmailVerification(auth.currentUser, { url: `${location.origin}/` });
      return "The confirmation email is on its way.";
    },
  };
}
