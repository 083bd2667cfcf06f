// The parts of the Firebase JS SDK the pages use, bundled by scripts/build_web.sh into web/vendor/firebase/firebase.js
// (one ES module, same origin, no CDN). Add an import here before using a new SDK function in web/js/.
export { initializeApp } from "firebase/app";
export {
  applyActionCode,
  connectAuthEmulator,
  confirmPasswordReset,
  createUserWithEmailAndPassword,
  EmailAuthProvider,
  getAuth,
  getMultiFactorResolver,
  GoogleAuthProvider,
  isSignInWithEmailLink,
  multiFactor,
  onAuthStateChanged,
  reauthenticateWithCredential,
  sendEmailVerification,
  sendPasswordResetEmail,
  sendSignInLinkToEmail,
  signInWithEmailAndPassword,
  signInWithEmailLink,
  signInWithPopup,
  signOut,
  TotpMultiFactorGenerator,
  TotpSecret,
  updatePassword,
  verifyPasswordResetCode,
} from "firebase/auth";
export { getDatabase, onValue, ref } from "firebase/database";
