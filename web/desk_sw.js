// The desk's service worker (registered by web/js/desk.js with scope /desk): a reload while offline still opens
// the desk, with the last roster, the label plan and its fonts, so search, check-ins and printing carry on.
//
// Network first, the cache only when the network fails: online, the desk always sees fresh data (a roster is
// never served stale while the server answers). What is kept: the desk page, its scripts, styles, catalogues,
// the vendored QR encoder and fonts, and the few GET answers the desk needs to start (sign-in config, who is
// signed in, the job list, the roster and label plan of the jobs opened here). Nothing else of the API, and no
// POST: check-ins and prints made offline wait in the page's own queue (localStorage) and sync with request ids.
// Why it lives at /desk_sw.js: a worker's scope may not reach above its own folder, and /js/ is not /desk.
const CACHE = "badgeforge-desk-v1";
const KEPT_API = [
  /^\/api\/me$/,
  /^\/api\/auth\/config$/,
  /^\/api\/jobs$/,
  /^\/api\/desk\/[A-Za-z0-9_-]+\/(roster|label)$/,
  /^\/api\/desk\/fonts\/[A-Za-z0-9._-]+$/,
];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) if (name.startsWith("badgeforge-desk-") && name !== CACHE) await caches.delete(name);
  await self.clients.claim();
})()));

function kept(url) {
  if (url.origin !== self.location.origin) return false;
  if (url.pathname.startsWith("/api/")) return KEPT_API.some((pattern) => pattern.test(url.pathname));
  return !url.pathname.startsWith("/d/"); // download links are never kept
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !kept(url)) return;
  const page = request.mode === "navigate";
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === "basic") await cache.put(page ? url.pathname : request, response.clone());
      return response;
    } catch (err) {
      // /desk?job=…&device=… opens from the kept /desk; an API answer only for exactly its URL
      const cached = await cache.match(page ? url.pathname : request, { ignoreVary: true });
      if (cached) return cached;
      throw err;
    }
  })());
});

// The page sends what it loaded before this worker controlled it (the first visit): kept now, so the next
// reload can happen offline. `answers` are the JSON bodies of GET answers the page already has (the roster…).
self.addEventListener("message", (event) => {
  const { keep, answers } = event.data || {};
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const path of keep || []) {
      const url = new URL(path, self.location.origin);
      const signedIn = url.pathname.startsWith("/api/") && !/^\/api\/(auth\/config|desk\/fonts\/)/.test(url.pathname);
      if (!kept(url) || signedIn) continue; // answers that need the sign-in come in `answers`, not fetched here
      try { await cache.add(url.pathname === "/desk" ? "/desk" : url.href); } catch { /* kept at the next load */ }
    }
    for (const [path, body] of Object.entries(answers || {})) {
      const url = new URL(path, self.location.origin);
      if (!url.pathname.startsWith("/api/") || !kept(url)) continue;
      await cache.put(url.href, new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } }));
    }
    if (event.source) event.source.postMessage({ kept: true });
  })());
});
