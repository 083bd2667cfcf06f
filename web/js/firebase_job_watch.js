// Live job progress in Firebase mode: the page listens to jobs/{uid}/{jobId} in the Realtime Database (the rules let
// only its owner read it) instead of asking the API every second. `onUpdate` gets the job as GET /api/jobs/{id}
// answers it (api/routes/jobs.py job_view), without the download link: ask the API for that once it is done.
import { firebase } from "./firebase_app.js";

// The fields job_view shows (PUBLIC_FIELDS there); everything else in the node (holds, attempts, output) is internal.
const PUBLIC_FIELDS = ["status", "progress", "badges", "pages", "warnings", "error", "created_at", "updated_at",
  "filename", "event_name", "design"];

// The database node as the API shows it; null when the job is gone or in the trash (the API answers 404 then).
export function jobView(jobId, node) {
  if (!node || typeof node !== "object" || Array.isArray(node) || node.deleted_at) return null;
  const view = { id: jobId };
  for (const key of PUBLIC_FIELDS) if (key in node) view[key] = node[key];
  if (!("progress" in view)) view.progress = 0;
  // The database keeps a list with numeric keys as an object ({"0": ..., "1": ...}); the API answers a list.
  if (view.warnings && typeof view.warnings === "object" && !Array.isArray(view.warnings)) view.warnings = Object.values(view.warnings);
  return view;
}

// Calls onUpdate(job or null) now and on every change; returns the function that stops listening.
export function watchJobFirebase(uid, jobId, onUpdate, onError = () => {}) {
  let stop = null;
  let stopped = false;
  firebase().then(({ sdk, app }) => {
    if (stopped) return;
    const node = sdk.ref(sdk.getDatabase(app), `jobs/${uid}/${jobId}`);
    stop = sdk.onValue(node, (snapshot) => onUpdate(jobView(jobId, snapshot.val())), onError);
  }).catch(onError);
  return () => { stopped = true; if (stop) stop(); };
}

