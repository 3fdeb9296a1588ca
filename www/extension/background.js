// The extension's background: a module service worker in Chromium, an event
// page in Firefox. It is the only place that runs WebAssembly for web pages:
// the page's own Content-Security-Policy governs a content script's WASM
// (a page with `script-src 'self'` could not compile it), while this
// context runs under the extension's CSP (`'wasm-unsafe-eval'`), so it works
// on every page.
//
// It also decides where the content script runs. The manifest names no
// site: the content script reaches a page only
//   - once, when the user clicks "Highlight this page" in the popup
//     (activeTab: the click on the toolbar button lends access to that tab
//     until it navigates), or
//   - on every page load of a site the user turned "always on" in the popup,
//     which asks the browser for access to that one site
//     (optional_host_permissions); a content script registered here
//     (scripting.registerContentScripts) then matches exactly the sites
//     that are both listed in storage and granted.
//
// Messages, from this extension only (see accept() below):
//   from content scripts (http/https tabs) and the extension's pages:
//     { type: 'info', revision? }         → { info: DictionaryInfo & { dictionaries, skipped, revision } }
//     { type: 'match', text, revision? }  → { triples: number[], entities: { [index]: EntityRecord } }
//   from the extension's pages (the popup) only:
//     { type: 'site', site }              → { site, always: boolean }
//     { type: 'set-site', site, always, tabId? } → { site, always }
//     { type: 'highlight-tab', tabId }    → { injected: true }
// A failure answers { error: { kind, message, problems, problemCount } }.
//
// The matcher is built once from the active dictionaries (one engine for
// the JSON ones merged, one for each compact index, answering together
// through lib/combined-matcher.js) and reused for every tab; when the
// dictionaries change, only the engines of parts that changed are built
// again (see SharedEngine below). The browser
// may stop this worker at any time; the next message simply builds it
// again (listeners are registered at the top level so the browser can
// wake the worker for them).

import { createLocalMatcher } from '../core/index.js';
import { CombinedMatcher } from './lib/combined-matcher.js';
import { readCompactIndexes } from './lib/compact-store.js';
import {
  api, BUNDLED_PATH, errorToJson, isDictionaryKey, isSite, loadPart, patternSite, planParts, readActiveList, readSites, SITES_KEY, sitePattern, WASM_PATH,
} from './lib/store.js';

/** @type {Promise<{ matcher: import('../core/index.js').LocalMatcher | CombinedMatcher, engines: SharedEngine[], info: object, revision: number, generation: number, freed?: boolean }> | null} */
let current = null;
/** Builds replaced by a newer one, let go of once a newer one is ready. */
const retired = [];
/** Builds are numbered as they start; the newest that finished. */
let generations = 0;
let newestReady = 0;

/**
 * An engine for one part of the active dictionaries (a plan from
 * planParts, lib/store.js), shared by every build whose dictionaries have
 * the same part, so that a change to one dictionary builds only its own
 * part again: turning the bundled dictionary off no longer reads a large
 * compact index from IndexedDB and opens a second copy of it. Kept by key
 * from the moment its opening starts, so that builds that overlap wait for
 * one opening rather than each making their own. `users` counts the
 * builds holding it, finished or not; the last to let go frees it.
 * `opened` resolves to `{ matcher, info, entries, skipped, failed? }`
 * (`failed`: JSON dictionaries of the part left out, see openEngine), or
 * null when the part's data is gone.
 * @typedef {{ key: string, users: number, opened: Promise<{ matcher: import('../core/index.js').LocalMatcher, info: object, entries: object[], skipped: number, failed?: { id: string, message: string }[] } | null> }} SharedEngine
 */
/** @type {Map<string, SharedEngine>} engines alive or opening, by part key */
const engines = new Map();

async function fetchBundled() {
  const response = await fetch(api.runtime.getURL(BUNDLED_PATH));
  if (!response.ok) throw new Error(`the bundled dictionary could not be read (HTTP ${response.status})`);
  return response.text();
}

/**
 * Opens the engine for `plan`. When the JSON dictionaries merged fail (one
 * stored by an older build that this one refuses, or whose text was
 * damaged), each is tried alone, the ones refused are left out and listed
 * in `failed`, and the rest are merged again: one bad dictionary costs
 * only itself. A compact index, or a lone JSON dictionary, that fails
 * rejects.
 */
async function openEngine(plan, active) {
  try {
    return await openPlan(plan, active);
  } catch (error) {
    if (plan.compact || plan.ids.length < 2) throw error;
    const failed = [];
    for (const id of plan.ids) {
      try {
        (await openPlan({ ...plan, ids: [id] }, active))?.matcher.free();
      } catch (alone) {
        failed.push({ id, message: String(alone?.message ?? alone) });
      }
    }
    // Each passes alone: it is the merge that fails, which no dictionary
    // can be blamed for.
    if (failed.length === 0) throw error;
    const rest = await openPlan({ ...plan, ids: plan.ids.filter((id) => !failed.some((refused) => refused.id === id)) }, active);
    return rest && { ...rest, failed };
  }
}

async function openPlan(plan, active) {
  const source = await loadPart(plan, active, { fetchBundled, readCompact: readCompactIndexes });
  if (!source) return null;
  const matcher = await createLocalMatcher({ dictionary: source.json ?? source.bytes, wasmUrl: api.runtime.getURL(WASM_PATH) });
  let info;
  try {
    info = await matcher.info();
  } catch (error) {
    matcher.free();
    throw error;
  }
  // What only an engine can count: a JSON dictionary passed through
  // unparsed (the only JSON one), and a compact index.
  const entries = source.entries.map((entry) => (entry.entities === null ? { ...entry, entities: info.entityCount } : entry));
  return { matcher, info, entries, skipped: source.skipped };
}

/** The shared engine for `plan` (its titles from `active`), taken for one
 * more user. */
function takeEngine(plan, active) {
  let shared = engines.get(plan.key);
  if (!shared) {
    shared = { key: plan.key, users: 0, opened: openEngine(plan, active) };
    engines.set(plan.key, shared);
    // A failed opening is not kept: the next build tries again.
    const opening = shared;
    opening.opened.catch(() => {
      if (engines.get(opening.key) === opening) engines.delete(opening.key);
    });
  }
  shared.users += 1;
  return shared;
}

function letGo(taken) {
  for (const shared of taken) {
    shared.users -= 1;
    if (shared.users > 0) continue;
    if (engines.get(shared.key) === shared) engines.delete(shared.key);
    shared.opened.then((opened) => opened?.matcher.free(), () => {});
  }
}

async function build() {
  const generation = ++generations;
  const { revision, active } = await readActiveList();
  const taken = [];
  const parts = [];
  // Dictionaries that could not be used (stored by an older build that
  // this one refuses, or damaged since): the others still highlight.
  const failed = [];
  let matcher;
  let engineInfo;
  try {
    for (const plan of planParts(active)) {
      const shared = takeEngine(plan, active);
      taken.push(shared);
      let opened;
      try {
        opened = await shared.opened;
      } catch (error) {
        for (const id of plan.ids) failed.push({ id, message: String(error?.message ?? error) });
        continue;
      }
      if (opened) parts.push(opened);
      failed.push(...(opened?.failed ?? []));
    }
    // Every active dictionary's data gone: nothing is found.
    if (parts.length === 0) {
      const empty = takeEngine({ key: 'json:', compact: false, ids: [] }, active);
      taken.push(empty);
      parts.push(await empty.opened);
    }
    matcher = parts.length === 1 ? parts[0].matcher : new CombinedMatcher(parts.map((part) => part.matcher), parts.map((part) => part.info));
    engineInfo = await matcher.info();
  } catch (error) {
    // Engines hold WASM memory until freed.
    letGo(taken);
    throw error;
  }
  // Listed in dictionary order, each from the part that holds it.
  const entries = new Map(parts.flatMap((part) => part.entries.map((entry) => [entry.id, entry])));
  const dictionaries = active.filter(({ id }) => entries.has(id)).map(({ id, title }) => ({ ...entries.get(id), title }));
  const skipped = parts.reduce((sum, part) => sum + part.skipped, 0);
  const titles = new Map(active.map(({ id, title }) => [id, title]));
  const info = { ...engineInfo, dictionaries, skipped, failed: failed.map(({ id, message }) => ({ id, title: titles.get(id) ?? id, message })), revision };
  newestReady = Math.max(newestReady, generation);
  for (const old of retired.splice(0)) retire(old);
  return { matcher, engines: taken, info, revision, generation };
}

function retire(built) {
  built.freed = true;
  letGo(built.engines);
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
    if (built.error) return;
    // A newer build that is ready already will not come back for it.
    if (built.generation < newestReady) retire(built);
    else retired.push(built);
  });
}

/** Page text larger than this is refused rather than copied into WASM
 * memory: the engine's own input limit is far below it, and a bound keeps a
 * misbehaving page from growing the worker without limit. */
const MAX_TEXT_CHARS = 64 * 1024 * 1024;

async function handle(message) {
  if (message.type === 'info') {
    const { info } = await getMatcher(message.revision);
    return { info };
  }
  const { matcher } = await getMatcher(message.revision);
  const { triples, entities } = matcher.matchNow(message.text);
  // Messages are JSON-serialised (Chromium) or structured-cloned (Firefox):
  // a plain array travels the same way in both.
  return { triples: Array.from(triples), entities };
}

// --- where the content script runs ---------------------------------------------

const SCRIPT_ID = 'always-on';
const CONTENT_SCRIPT = 'content.js';

async function granted(site) {
  return api.permissions.contains({ origins: [sitePattern(site)] });
}

/** Changes to the registration run one after another, each from a fresh read. */
let registering = Promise.resolve();

/**
 * Makes the registered content script match exactly the listed sites the
 * browser grants (none: no registration at all). Persisted across browser
 * restarts by the browser; also run on install and start-up, so a browser
 * that dropped it gets it back from storage.
 */
function syncRegistration() {
  const run = registering.then(async () => {
    const sites = await readSites();
    const matches = [];
    for (const site of sites) if (await granted(site)) matches.push(sitePattern(site));
    const existing = await api.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
    const same = existing.length === 1 && JSON.stringify([...existing[0].matches].sort()) === JSON.stringify([...matches].sort());
    if (same) return;
    if (existing.length > 0) await api.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    if (matches.length > 0) {
      await api.scripting.registerContentScripts([{ id: SCRIPT_ID, matches, js: [CONTENT_SCRIPT], runAt: 'document_idle', allFrames: false, persistAcrossSessions: true }]);
    }
  });
  registering = run.catch((error) => console.error('entity highlighter: the content script could not be registered', error));
  return run;
}

/** Runs the content script in a tab's top frame now. The browser allows it
 * only with access to the tab's page: a granted site, or activeTab after
 * the user clicked the toolbar button on that tab. A second run in the same
 * page does nothing (content.js checks). */
async function highlightTab(tabId) {
  await api.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [CONTENT_SCRIPT] });
  return { injected: true };
}

async function updateSites(change) {
  const sites = await readSites();
  const next = change(sites);
  await api.storage.local.set({ [SITES_KEY]: next });
}

/** Site changes run one after another: the popup's request and the
 * browser's permissions.onAdded for the same grant arrive together, and
 * each reads, changes and writes the stored list. */
let siteChanges = Promise.resolve();

/**
 * Turns a site always-on (after the popup obtained access to it) or off.
 * On: listed, registered, and run now in its open tabs (registration only
 * reaches later page loads). Off: unlisted (open tabs of the site clear
 * their highlights through storage.onChanged), unregistered, and the
 * access given back to the browser.
 */
function setSite(site, always) {
  const run = siteChanges.then(() => changeSite(site, always));
  siteChanges = run.catch(() => {});
  return run;
}

async function changeSite(site, always) {
  if (always) {
    // Never on the popup's word alone: without the grant the registered
    // script could not run anyway, and the list would lie.
    if (!(await granted(site))) throw new Error(`the browser has not granted access to ${site}`);
    await updateSites((sites) => (sites.includes(site) ? sites : [...sites, site]));
    await syncRegistration();
    const tabs = await api.tabs.query({ url: sitePattern(site) });
    await Promise.all(tabs.map((tab) => highlightTab(tab.id).catch(() => {})));
  } else {
    await updateSites((sites) => sites.filter((listed) => listed !== site));
    await syncRegistration();
    // A permission the manifest requires (as in the test build) cannot be
    // removed; the site is off all the same, as it is no longer listed.
    await api.permissions.remove({ origins: [sitePattern(site)] }).catch(() => {});
  }
  return siteState(site);
}

async function siteState(site) {
  return { site, always: (await readSites()).includes(site) && (await granted(site)) };
}

// --- who may ask what ----------------------------------------------------------

const EXTENSION_BASE = api.runtime.getURL('');

/** 'page' for the extension's own pages (popup, options; also when opened
 * as a tab), 'content' for its content scripts in http(s) tabs, else null. */
function senderKind(sender) {
  // Web pages cannot reach runtime.onMessage at all (no
  // externally_connectable, no onMessageExternal listener); the id check
  // keeps it that way should either ever change.
  if (sender.id !== api.runtime.id || typeof sender.url !== 'string') return null;
  if (sender.url.startsWith(EXTENSION_BASE)) return 'page';
  if (sender.tab && /^https?:\/\//.test(sender.url)) return 'content';
  return null;
}

const optionalRevision = (message) => message.revision === undefined || Number.isInteger(message.revision);
const isTabId = (value) => Number.isInteger(value) && value >= 0;

/** The handler for a well-formed message this sender may send, or null. */
function route(message, kind) {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return null;
  switch (message.type) {
    case 'info':
      return optionalRevision(message) ? () => handle(message) : null;
    case 'match':
      return optionalRevision(message) && typeof message.text === 'string' && message.text.length <= MAX_TEXT_CHARS ? () => handle(message) : null;
  }
  if (kind !== 'page') return null;
  switch (message.type) {
    case 'site':
      return isSite(message.site) ? () => siteState(message.site) : null;
    case 'set-site':
      return isSite(message.site) && typeof message.always === 'boolean' ? () => setSite(message.site, message.always) : null;
    case 'highlight-tab':
      return isTabId(message.tabId) ? () => highlightTab(message.tabId) : null;
    default:
      return null;
  }
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const kind = senderKind(sender);
  const task = kind && route(message, kind);
  if (!task) return false;
  task().then(sendResponse, (error) => sendResponse({ error: errorToJson(error) }));
  return true; // the answer comes asynchronously
});

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && Object.keys(changes).some(isDictionaryKey)) invalidate();
});

// Access granted to a site from anywhere (the popup's request, or the
// browser's own site-access settings) turns that site on; access taken away
// (browser settings, about:addons) turns it off, so the popup never shows
// a site as on that cannot be highlighted. Broad grants such as
// "https://*/*" (Firefox lets users grant every optional pattern in
// about:addons) name no site and change nothing: a site is on only when
// the user chose it.
api.permissions.onAdded.addListener(async ({ origins = [] }) => {
  const sites = origins.map(patternSite).filter(Boolean);
  for (const site of sites) await setSite(site, true).catch(() => {});
});

api.permissions.onRemoved.addListener(() => {
  siteChanges = siteChanges.then(async () => {
    const sites = await readSites();
    const kept = [];
    for (const site of sites) if (await granted(site)) kept.push(site);
    if (kept.length !== sites.length) await api.storage.local.set({ [SITES_KEY]: kept });
    await syncRegistration();
  }).catch(() => {});
});

api.runtime.onInstalled.addListener(async () => {
  // Before this design every site was on unless turned off, stored as
  // "site:<origin>": false. Those entries mean nothing now (off is the
  // default); drop them.
  const all = await api.storage.local.get(null);
  const stale = Object.keys(all).filter((key) => key.startsWith('site:'));
  if (stale.length > 0) await api.storage.local.remove(stale);
  await syncRegistration().catch(() => {});
});

api.runtime.onStartup.addListener(() => {
  syncRegistration().catch(() => {});
});

