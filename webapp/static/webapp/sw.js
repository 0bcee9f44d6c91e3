// The service worker of /app/: the shell and its assets from the cache (precached
// at install, replaced as a whole when the version changes), the API always from
// the network (the app keeps its own copies in IndexedDB), and reminder pushes.
// `self.HEP_APP` ({version, shell, assets}) is written above this file by /app/sw.js.
const { version, shell, assets } = self.HEP_APP;
const CACHE = `hep-app-${version}`;
const ASSETS = new Set(assets);
let opened = null;
const cache = () => (opened ||= caches.open(CACHE));

self.addEventListener("install", (event) => {
  event.waitUntil(
    cache()
      .then((c) => c.addAll([shell, ...assets]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith("hep-app-") && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    // Every screen is the same shell: serve it from the cache, whatever the query.
    event.respondWith(cache().then(async (c) => (await c.match(shell)) || fetch(request)));
    return;
  }
  if (ASSETS.has(url.pathname)) {
    event.respondWith(cache().then(async (c) => (await c.match(request)) || fetch(request)));
  }
});

self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : "" };
  }
  const title = payload.title || "Home exercises";
  const url = typeof payload.url === "string" && payload.url ? payload.url : "/app/today";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: payload.body || "",
      icon: assets.find((a) => a.includes("icon-192")),
      tag: "hep-reminder",
      data: { url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/app/today", self.location.origin);
  // Only this app is ever opened, on this origin, whatever the payload says.
  const path = target.pathname.startsWith("/app/") ? target.pathname + target.search : "/app/today";
  const url = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((w) => new URL(w.url).pathname.startsWith("/app/"));
      if (open) {
        const shown = await open.navigate(url).catch(() => null);
        await (shown || open).focus().catch(() => null);
        return;
      }
      await self.clients.openWindow(url);
    }),
  );
});
