// Firebase mode's job watcher for job_progress.js (useJobWatcher): the Realtime Database listener while the job runs,
// then the API's own view of it once it is done or failed (the download link is minted there, never stored where
// the browser can read it). Kept apart from firebase_job_watch.js, whose mapping is tested in Node without a page.
import { get } from "./api.js";
import { watchJobFirebase } from "./firebase_job_watch.js";

export function liveWatcher(uid) {
  return (jobId, onUpdate) => {
    let final = false;
    const stop = watchJobFirebase(uid, jobId, (job) => {
      if (final) return;
      if (job && (job.status === "done" || job.status === "failed")) {
        final = true;
        get(`/api/jobs/${encodeURIComponent(jobId)}`).then(onUpdate, () => onUpdate(job));
        stop();
        return;
      }
      onUpdate(job);
    });
    return stop;
  };
}
