// The app's one sync queue over IndexedDB and POST /api/v1/me/logs, and the status
// region that says what waits to sync.
import { api } from "./api.js";
import { queueStore } from "./db.js";
import { element, plural, t } from "./dom.js";
import { createSyncQueue } from "./queue.js";

const listeners = new Set();

function render({ pending, rejected }) {
  const status = document.getElementById("sync-status");
  if (status) {
    const text = pending.length ? plural("waiting", pending.length) : t("all_synced");
    if (status.textContent !== text) status.textContent = text;
  }
  const problems = document.getElementById("sync-problems");
  if (problems) {
    problems.replaceChildren(
      ...rejected.map((entry) => {
        const reason = entry.error && entry.error.conflict ? t("conflict") : entry.error?.reason;
        const title = entry.title || "";
        const item = element("li", t("rejected", { title, date: entry.log.date, reason }));
        return item;
      }),
    );
    problems.hidden = rejected.length === 0;
  }
  for (const listener of listeners) listener({ pending, rejected });
}

export const queue = createSyncQueue({
  store: queueStore,
  post: (logs) => api("me/logs", { method: "POST", body: { logs } }),
  onChange: render,
});

export function onQueueChange(listener) {
  listeners.add(listener);
}

export async function refreshStatus() {
  render(await queue.summary());
}

export async function sync() {
  const result = await queue.flush();
  await refreshStatus();
  return result;
}

export function startSync() {
  window.addEventListener("online", () => sync());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sync();
  });
  refreshStatus();
  return sync();
}
