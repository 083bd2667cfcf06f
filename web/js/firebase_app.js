// Firebase in the browser: the SDK bundled from npm (web/vendor/firebase/firebase.js, built by scripts/build_web.sh),
// set up once per page from /config.json. Hosting serves that file (and its web config at /__/firebase/init.json);
// `badgeforge serve` answers it from its settings, with the Auth emulator when FIREBASE_AUTH_EMULATOR_HOST is set.
// The SDK keeps its own ID and refresh tokens; nothing else about the account is stored in the browser.

let configPromise = null;
let firebasePromise = null;

// {"auth": "local"|"firebase", "live": "sse"|"rtdb", "firebase"?: web config, "authEmulator"?: origin}
export function pageConfig() {
  configPromise ||= fetch("/config.json", { cache: "no-store" })
    .then((response) => (response.ok ? response.json() : { auth: "local" }))
    .catch(() => ({ auth: "local" }));
  return configPromise;
}

async function webConfig(config) {
  if (config.firebase) return config.firebase;
  const response = await fetch("/__/firebase/init.json"); // Hosting's reserved URL: the project's web app config
  if (!response.ok) throw new Error("This site has no Firebase web configuration (/__/firebase/init.json).");
  return response.json();
}

// { sdk, app, auth, config } once the SDK knows whether someone is signed in.
export function firebase() {
  firebasePromise ||= (async () => {
    const config = await pageConfig();
    const sdk = await import("/vendor/firebase/firebase.js");
    const app = sdk.initializeApp(await webConfig(config));
    const auth = sdk.getAuth(app);
    if (config.authEmulator) sdk.connectAuthEmulator(auth, config.authEmulator, { disableWarnings: true });
    await auth.authStateReady();
    return { sdk, app, auth, config };
  })();
  return firebasePromise;
}

// Firebase's error codes as sentences a person can act on (the SDK's own messages name internals).
const MESSAGES = {
  "auth/invalid-credential": "Wrong email or password.",
  "auth/wrong-password": "Wrong email or password.",
  "auth/user-not-found": "Wrong email or password.",
  "auth/invalid-email": "That is not an email address.",
  "auth/missing-password": "Enter your password.",
  "auth/email-already-in-use": "There is already an account for this email: sign in, or reset its password.",
  "auth/weak-password": "Choose a longer password (at least 10 characters).",
  "auth/too-many-requests": "Too many attempts: wait a few minutes, then try again.",
  "auth/user-disabled": "This account is switched off; ask an administrator.",
  "auth/popup-closed-by-user": "The Google window was closed before you signed in.",
  "auth/popup-blocked": "The browser blocked the Google window: allow pop-ups for this site and try again.",
  "auth/cancelled-popup-request": "The Google window was closed before you signed in.",
  "auth/expired-action-code": "This link has expired: ask for a new one.",
  "auth/invalid-action-code": "This link was used already or is not valid: ask for a new one.",
  "auth/invalid-verification-code": "That code is not right; try the newest one from your app.",
  "auth/missing-code": "Enter the code from your authenticator app.",
  "auth/requires-recent-login": "For this, sign in again first (it has been a while).",
  "auth/unverified-email": "Confirm your email first (open the link we sent), then set up two-factor.",
  "auth/network-request-failed": "Could not reach the sign-in service; check your connection and try again.",
  "auth/operation-not-allowed": "This way of signing in is switched off for this site.",
};

export function authMessage(err) {
  const code = err && err.code;
  if (code && MESSAGES[code]) return MESSAGES[code];
  return (err && err.message) || "That did not work; try again.";
}
