// Following a job without polling the API: watchJob(jobId, onUpdate) -> unsubscribe.
//
// Locally (`badgeforge serve`) it reads GET /api/jobs/<id>/events, server-sent events read with fetch (EventSource
// cannot send the bearer token): onUpdate gets the same job view GET /api/jobs/<id> answers, each time it changes,
// the last one done or failed (with the download link). If the stream cannot be had (refused: too many open,
// Firebase mode's 404, a proxy that buffers), it falls back to slow polling (every POLL_MS).
//
// Firebase mode (/config.json "live": "rtdb"): signin.js hands every call to the Realtime Database listener
// (firebase_job_watch.js liveWatcher) through useJobWatcher once the user is signed in.
import { authHeader, get } from "./api.js";
import { language } from "./i18n.js";

export const POLL_MS = 5000;
const RETRY_MS = 1000;
const FINAL = new Set(["done", "failed"]);

let externalWatcher = null; // (jobId, onUpdate) -> unsubscribe, e.g. the Firebase listener

export function useJobWatcher(fn) { externalWatcher = fn; }

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
});

// One "event: x\ndata: {...}" block -> {event, data}; comments (heartbeats) and retry lines -> null.
function parseBlock(block) {
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  return data.length ? { event, data: data.join("\n") } : null;
}

// Reads the stream until the job is final ("final"), or the server ends it early ("closed"); throws if refused.
async function stream(jobId, onUpdate, signal) {
  // the page's language, as api.js sends it: the job's warnings and reason come back in it
  const headers = { ...(await authHeader()), Accept: "text/event-stream", "Accept-Language": language() };
  const response = await fetch(`/api/jobs/${encodeURIComponent(jobId)}/events`, { headers, signal, cache: "no-store" });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !response.body || !type.startsWith("text/event-stream")) {
    throw new Error(`no progress stream (${response.status})`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return "closed";
    buffer += value.replace(/\r\n/g, "\n");
    let at;
    while ((at = buffer.indexOf("\n\n")) >= 0) {
      const message = parseBlock(buffer.slice(0, at));
      buffer = buffer.slice(at + 2);
      if (!message) continue;
      if (message.event === "gone") return "final";
      if (message.event === "job") {
        const job = JSON.parse(message.data);
        onUpdate(job);
        if (FINAL.has(job.status)) { reader.cancel().catch(() => {}); return "final"; }
      }
    }
  }
}

async function poll(jobId, onUpdate, signal) {
  while (!signal.aborted) {
    const job = await get(`/api/jobs/${encodeURIComponent(jobId)}`);
    if (signal.aborted) return;
    onUpdate(job);
    if (FINAL.has(job.status)) return;
    await sleep(POLL_MS, signal);
  }
}

export function watchJob(jobId, onUpdate) {
  if (externalWatcher) return externalWatcher(jobId, onUpdate);
  const controller = new AbortController();
  const { signal } = controller;
  (async () => {
    let refused = 0;
    while (!signal.aborted) {
      try {
        if ((await stream(jobId, onUpdate, signal)) === "final") return;
        refused = 0; // the server ended a long stream: reconnect at once
      } catch (err) {
        if (signal.aborted) return;
        refused += 1;
        if (refused >= 2) { await poll(jobId, onUpdate, signal); return; }
        await sleep(RETRY_MS, signal);
      }
    }
  })().catch((err) => { if (!signal.aborted) console.warn("watchJob", jobId, err); });
  return () => controller.abort();
}
