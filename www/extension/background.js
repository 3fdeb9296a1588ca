// The extension's background: a module service worker in Chromium, an event
// page in Firefox. It is the only place that runs WebAssembly for web pages:
// the page's own Content-Security-Policy governs a content script's WASM
// (a page with `script-src 'self'` could not compile it), while this
// context runs under the extension's CSP (`'wasm-unsafe-eval'`), so it works
// on every page.
//
// Messages (only from this extension's own content scripts and pages):
//   { type: 'info' }                → { info: DictionaryInfo & { dictionaries, skipped, revision } }
//   { type: 'match', text, revision? } → { triples: number[], entities: { [index]: EntityRecord } }
// A failure answers { error: { kind, message, problems } }.
//
// The matcher is built once from the active dictionaries and reused for
// every tab. The browser may stop this worker at any time; the next message
// simply builds it again (listeners are registered at the top level so the
// browser can wake the worker for them).

import { createLocalMatcher } from '../core/index.js';
import { api, BUNDLED_PATH, errorToJson, isDictionaryKey, mergeDictionaries, readActiveDictionaries, WASM_PATH } from './lib/store.js';

/** @type {Promise<{ matcher: import('../core/index.js').LocalMatcher, info: object, revision: number, freed?: boolean }> | null} */
let current = null;
/** Built matchers replaced by a newer one, freed once that one is ready. */
const retired = [];

async function fetchBundled() {
  const response = await fetch(api.runtime.getURL(BUNDLED_PATH));
  if (!response.ok) throw new Error(`the bundled dictionary could not be read (HTTP ${response.status})`);
  return response.text();
}

async function build() {
  const { revision, sources } = await readActiveDictionaries(fetchBundled);
  const { json, report } = mergeDictionaries(sources);
  const matcher = await createLocalMatcher({ dictionary: json, wasmUrl: api.runtime.getURL(WASM_PATH) });
  const engineInfo = await matcher.info();
  // One dictionary is passed through unparsed; the engine counts it.
  if (report.dictionaries.length === 1) report.dictionaries[0].entities = engineInfo.entityCount;
  const info = { ...engineInfo, dictionaries: report.dictionaries, skipped: report.skipped, revision };
  for (const old of retired.splice(0)) {
    old.freed = true;
    old.matcher.free();
  }
  return { matcher, info, revision };
}

/** The matcher for the current dictionaries; `revision`, when given, is
 * the least index revision the caller needs (see lib/store.js). */
async function getMatcher(revision) {
  for (let attempt = 0; attempt < 3; attempt++) {
    current ??= build().catch((error) => {
      // Keep the failure (every page would hit the same refused dictionary)
      // until the dictionaries change.
      return { error };
    });
    const built = await current;
    if (built.error) throw built.error;
    if (built.freed) continue;
    if (Number.isInteger(revision) && built.revision < revision) {
      invalidate();
      continue;
    }
    return built;
  }
  throw new Error('the dictionaries kept changing; try again');
}

function invalidate() {
  const old = current;
  current = null;
  old?.then((built) => {
    if (!built.error) retired.push(built);
  });
}

async function handle(message) {
  if (message.type === 'info') {
    const { info } = await getMatcher(message.revision);
    return { info };
  }
  if (typeof message.text !== 'string') throw new TypeError('match: text must be a string');
  const { matcher } = await getMatcher(message.revision);
  const { triples, entities } = matcher.matchNow(message.text);
  // Messages are JSON-serialised (Chromium) or structured-cloned (Firefox):
  // a plain array travels the same way in both.
  return { triples: Array.from(triples), entities };
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only this extension's own content scripts and pages. Web pages cannot
  // reach runtime.onMessage at all (the manifest has no
  // externally_connectable, and onMessageExternal has no listener); the
  // check keeps it that way should either ever change.
  if (sender.id !== api.runtime.id) return false;
  if (!message || typeof message !== 'object' || (message.type !== 'match' && message.type !== 'info')) return false;
  handle(message).then(sendResponse, (error) => sendResponse({ error: errorToJson(error) }));
  return true; // the answer comes asynchronously
});

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && Object.keys(changes).some(isDictionaryKey)) invalidate();
});
