// IndexedDB, in two stores: `kv` (token, profile, cached days) and `queue` (logs not
// yet accepted by the server, keyed by their UUID). Small enough to write by hand.
const NAME = "hep-app";
const VERSION = 1;
let opening = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function open() {
  if (!opening) {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
      if (!db.objectStoreNames.contains("queue")) {
        db.createObjectStore("queue", { keyPath: "id" }).createIndex("seq", "seq");
      }
    };
    opening = request(req);
  }
  return opening;
}

async function run(storeName, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const store = tx.objectStore(storeName);
    let result;
    Promise.resolve(work(store)).then((value) => {
      result = value;
    }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const kv = {
  get: (key) => run("kv", "readonly", (s) => request(s.get(key))),
  set: (key, value) => run("kv", "readwrite", (s) => void s.put(value, key)),
  delete: (key) => run("kv", "readwrite", (s) => void s.delete(key)),
  // Removes every key that starts with `prefix` (a patient's cached days).
  deletePrefix: (prefix) =>
    run("kv", "readwrite", (s) => void s.delete(IDBKeyRange.bound(prefix, prefix + "\uffff"))),
};

// The queue as the sync logic (queue.js) sees it: put, list in order, delete.
export const queueStore = {
  all: () => run("queue", "readonly", (s) => request(s.index("seq").getAll())),
  put: (entries) =>
    run("queue", "readwrite", (s) => {
      for (const entry of entries) s.put(entry);
    }),
  delete: (ids) =>
    run("queue", "readwrite", (s) => {
      for (const id of ids) s.delete(id);
    }),
  clear: () => run("queue", "readwrite", (s) => void s.clear()),
};
