// The durable log queue: every log is stored first (with its device-made UUID), then
// sent in batches. A batch leaves the queue only after the server's 200; a log the
// server refuses (4xx) is set aside for the patient to see and never sent again; a
// network error or 5xx keeps the batch and retries with backoff. The server is
// idempotent by log id, so a batch sent twice (a lost answer) counts once.
//
// `store` is {all, put, delete} over entries {id, seq, log, state, error}; `post`
// sends an array of logs and answers {status, data} or throws when nothing came back.
export const BATCH_SIZE = 500;
export const MAX_BACKOFF_MS = 5 * 60 * 1000;

export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

// Per-index errors of a 400/404: {"logs": {"3": {...}}} -> Map(3 -> message).
export function rejectedIndexes(data) {
  const found = new Map();
  const logs = data && data.errors && data.errors.logs;
  if (logs && typeof logs === "object" && !Array.isArray(logs)) {
    for (const [index, fields] of Object.entries(logs)) {
      const messages = [];
      for (const [field, list] of Object.entries(fields || {})) {
        messages.push(`${field}: ${[].concat(list).join(" ")}`);
      }
      found.set(Number(index), messages.join("; "));
    }
  }
  return found;
}

export function createSyncQueue({
  store,
  post,
  onChange = () => {},
  batchSize = BATCH_SIZE,
  schedule = (fn, ms) => setTimeout(fn, ms),
  cancel = (handle) => clearTimeout(handle),
}) {
  let running = null;
  let attempt = 0;
  let timer = null;
  let lastSeq = 0;

  function nextSeq() {
    lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
    return lastSeq;
  }

  async function summary() {
    const entries = await store.all();
    return {
      pending: entries.filter((e) => e.state === "pending"),
      rejected: entries.filter((e) => e.state === "rejected"),
    };
  }

  async function changed() {
    onChange(await summary());
  }

  // `meta` travels with the entry for the patient's eyes (e.g. the exercise's name).
  async function add(log, meta = {}) {
    await store.put([{ ...meta, id: log.id, seq: nextSeq(), log, state: "pending", error: null }]);
    await changed();
  }

  function retryLater() {
    if (timer !== null) cancel(timer);
    const delay = backoffDelay(attempt);
    attempt += 1;
    timer = schedule(() => {
      timer = null;
      flush();
    }, delay);
    return { outcome: "retry", delay };
  }

  async function sendAll() {
    for (;;) {
      const { pending } = await summary();
      if (pending.length === 0) {
        attempt = 0;
        return { outcome: "synced" };
      }
      const batch = pending.slice(0, batchSize);
      let answer;
      try {
        answer = await post(batch.map((entry) => entry.log));
      } catch {
        return retryLater();
      }
      const { status, data } = answer;
      if (status === 200) {
        const conflicts = new Set(((data && data.conflicts) || []).map((c) => String(c.id)));
        const accepted = batch.filter((e) => !conflicts.has(String(e.id)));
        const refused = batch
          .filter((e) => conflicts.has(String(e.id)))
          .map((e) => ({ ...e, state: "rejected", error: { conflict: true } }));
        if (refused.length) await store.put(refused);
        await store.delete(accepted.map((e) => e.id));
        attempt = 0;
        await changed();
        continue;
      }
      if (status === 401 || status === 403) return { outcome: "unauthorized" };
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        // The whole batch was refused because of some of its logs: set those aside
        // and send the others again; without per-log errors, set aside the batch.
        const indexes = rejectedIndexes(data);
        const reason = (data && data.detail) || `HTTP ${status}`;
        const refused = indexes.size
          ? batch
              .map((e, i) => [e, i])
              .filter(([, i]) => indexes.has(i))
              .map(([e, i]) => ({ ...e, state: "rejected", error: { reason: indexes.get(i) } }))
          : batch.map((e) => ({ ...e, state: "rejected", error: { reason } }));
        await store.put(refused);
        await changed();
        continue;
      }
      return retryLater();
    }
  }

  // One sync at a time. A call while one runs waits for that one, and makes it look
  // at the queue once more before it ends: a log stored just after the running sync
  // last read the queue would otherwise wait for the next trigger.
  let again = false;
  function flush() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let result;
      do {
        again = false;
        result = await sendAll();
      } while (again && result.outcome === "synced");
      return result;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  async function dismiss(id) {
    await store.delete([id]);
    await changed();
  }

  return { add, flush, summary, dismiss, get attempt() { return attempt; } };
}
