// The bytes of added compact indexes (.ehx files from `entity-highlighter
// index`), kept in the extension's IndexedDB rather than `storage.local`.
// An index of a million names is tens of megabytes of binary data:
// `storage.local` holds only what JSON can, so it would have to be a
// base64 string a third larger, parsed on every start of the service
// worker, while IndexedDB stores and hands back the ArrayBuffer itself.
// The list of dictionaries (lib/store.js) stays in `storage.local`, whose
// change events tell every part of the extension to reload; this store
// is read only for what that list names.

const DB_NAME = 'entity-highlighter';
const STORE = 'compact-indexes';

function opened(request, withStore) {
  return new Promise((resolve, reject) => {
    request.onupgradeneeded = () => {
      if (withStore) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('the extension\'s database could not be opened'));
    request.onblocked = () => reject(new Error('the extension\'s database is held open by another of its pages; close them and try again'));
  });
}

/** The database, with its store made if it is not there yet (also when
 * the database exists without it). */
async function openDb(indexedDb = globalThis.indexedDB) {
  const db = await opened(indexedDb.open(DB_NAME), true);
  if (db.objectStoreNames.contains(STORE)) return db;
  const version = db.version + 1;
  db.close();
  return opened(indexedDb.open(DB_NAME, version), true);
}

/** Runs `work(store)` in one transaction and resolves once it has
 * committed (what requests give, their own listeners take). */
async function inTransaction(mode, work) {
  const db = await openDb();
  try {
    await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('the extension\'s database refused the change'));
      transaction.onabort = () => reject(transaction.error ?? new Error('the extension\'s database dropped the change'));
    });
  } finally {
    db.close();
  }
}

/** Stores the bytes of the compact index added as `id`. */
export async function writeCompactIndex(id, bytes) {
  const buffer = bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer;
  await inTransaction('readwrite', (store) => store.put(buffer, id));
}

/** The bytes of the compact indexes `ids`, as a Map from id to
 * Uint8Array; an id with nothing stored is left out. */
export async function readCompactIndexes(ids) {
  const found = new Map();
  if (ids.length === 0) return found;
  await inTransaction('readonly', (store) => {
    for (const id of ids) {
      const request = store.get(id);
      request.onsuccess = () => {
        if (request.result instanceof ArrayBuffer) found.set(id, new Uint8Array(request.result));
      };
    }
  });
  return found;
}

/** Forgets the bytes of the compact index `id` (nothing to forget is fine). */
export async function deleteCompactIndex(id) {
  await inTransaction('readwrite', (store) => store.delete(id));
}
