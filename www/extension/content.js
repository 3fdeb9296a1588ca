// The content script: highlights `document.body` of an http(s) page's top
// frame with hover cards, and answers the popup. It is not declared in the
// manifest: the background runs it in a tab when the user asks for that
// page ("Highlight this page", through activeTab) and registers it for the
// sites the user turned "always on" (background.js). Either way it starts
// highlighting as soon as it runs.
//
// No WebAssembly runs here. The page's own Content-Security-Policy governs a
// content script's WASM, so a page with `script-src 'self'` could not start
// it; instead the core gets a *remote matcher* whose info() and match() ask
// the extension's background (background.js describes the messages), which
// runs the engine under the extension's CSP on behalf of every tab.
//
// Messages from the popup (only from this extension's pages, see onMessage
// below):
//   { type: 'state' }          → state()
//   { type: 'page', enabled }  → highlight or clear this page only, then
//                                answer state()
// When the user turns this page's site off in the popup, the background
// drops it from the "sites" list in storage and every open tab of the site
// clears its highlights (storage.onChanged below).

import { createHighlighter } from '../core/index.js';
import { api, INDEX_KEY, siteOf, SITES_KEY } from './lib/store.js';

const origin = location.origin;
const site = siteOf(location.href);
const EXTENSION_BASE = api.runtime.getURL('');

/** The revision of the dictionaries the next match must be at least as new as. */
let revision;

function fromBackground(response) {
  if (response === undefined || response === null) throw new Error('the extension did not answer (it may have been updated or removed; reload the page)');
  if (response.error) {
    const error = new Error(response.error.message);
    error.kind = response.error.kind;
    error.problems = response.error.problems;
    error.problemCount = response.error.problemCount;
    throw error;
  }
  return response;
}

/** The core's Matcher interface, answered by the background. */
const remoteMatcher = {
  async info() {
    return fromBackground(await api.runtime.sendMessage({ type: 'info', revision })).info;
  },
  async match(text) {
    const { triples, entities } = fromBackground(await api.runtime.sendMessage({ type: 'match', text, revision }));
    return { triples, entities };
  },
};

let highlighter = null;
let enabled = false;
/** 'off' | 'working' | 'ready' | 'error' */
let status = 'off';
let lastError = null;
/** The <body> the highlighter was made for: a page that navigates by
 * swapping in a new one (Turbo Drive, pjax) gets a new highlighter. */
let highlightedBody = null;
/** Changes run one after another: a toggle never interleaves with a pass. */
let queue = Promise.resolve();

function schedule(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

async function turnOn({ refresh = false } = {}) {
  enabled = true;
  const sameBody = highlightedBody === document.body;
  if (highlighter && !refresh && status === 'ready' && sameBody) return;
  // New dictionaries: the same highlighter highlights again, its matcher
  // asking the background for the new revision. Its marks stay on the page
  // until the new pass shows its own, and keyboard focus on a mention stays
  // with it; destroying and creating a highlighter instead left the page
  // bare while the new one asked for the dictionary info and ran its pass,
  // and closed any open card.
  if (highlighter && refresh && status === 'ready' && sameBody) return runPass();
  highlighter?.destroy();
  highlighter = null;
  highlightedBody = document.body;
  if (!document.body) {
    status = 'ready';
    return;
  }
  status = 'working';
  try {
    // observe: content the page adds later (infinite scroll, live blogs,
    // single-page navigation) is highlighted too.
    // mode 'auto': paint with the CSS Custom Highlight API where the
    // browser has it, so the page's DOM is never changed (pages whose DOM a
    // framework owns keep working); wrap in elements elsewhere.
    const created = await createHighlighter({ matcher: remoteMatcher, root: document.body, cards: true, observe: true, mode: 'auto' });
    if (!enabled) {
      // Turned off while the dictionary info was on its way.
      created.destroy();
      status = 'off';
      return;
    }
    highlighter = created;
  } catch (error) {
    failed(error);
    return;
  }
  await runPass();
}

/** The core has logged it once on the console and left the page as it was. */
function failed(error) {
  highlighter?.destroy();
  highlighter = null;
  status = 'error';
  lastError = String(error?.message ?? error);
}

/** A full pass of the highlighter there is. */
async function runPass() {
  status = 'working';
  try {
    await highlighter.highlight();
    status = 'ready';
    lastError = null;
  } catch (error) {
    failed(error);
  }
}

function turnOff() {
  enabled = false;
  highlightedBody = null;
  // destroy(), not clear(): it also removes the card's host element and the
  // adopted style sheet, so the page is exactly as it was.
  highlighter?.destroy();
  highlighter = null;
  status = 'off';
  lastError = null;
}

function apply(want, options) {
  return schedule(() => (want ? turnOn(options) : turnOff()));
}

/** What the popup shows: one row per entity found, most mentioned first,
 * with its card's text (the popup is where a keyboard reaches it: painted
 * mentions are no focus stops). */
function state() {
  const rows = new Map();
  for (const mention of highlighter?.mentions ?? []) {
    const { id, name, type, summary, url } = mention.entity;
    const row = rows.get(id) ?? { id, name, type, summary, url: url ?? null, count: 0 };
    row.count += 1;
    rows.set(id, row);
  }
  const mentions = [...rows.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { enabled, status, error: lastError, origin, site, total: highlighter?.mentions.length ?? 0, mentions };
}

function start() {
  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // Only the extension's own pages (its popup) talk to content scripts; a
    // web page cannot send here (window.postMessage never reaches this
    // listener), and other content scripts cannot address tabs.
    if (sender.id !== api.runtime.id || typeof sender.url !== 'string' || !sender.url.startsWith(EXTENSION_BASE)) return false;
    if (!message || typeof message !== 'object') return false;
    if (message.type === 'state') {
      // Answer after any change in progress, so the popup sees its result.
      schedule(() => {}).then(() => sendResponse(state()));
      return true;
    }
    if (message.type === 'page' && typeof message.enabled === 'boolean') {
      apply(message.enabled).then(() => sendResponse(state()));
      return true;
    }
    return false;
  });

  api.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    const sites = changes[SITES_KEY];
    if (sites) {
      const was = Array.isArray(sites.oldValue) && sites.oldValue.includes(site);
      const is = Array.isArray(sites.newValue) && sites.newValue.includes(site);
      // The site was turned off (in this tab's popup or another's, or its
      // access revoked): clear, as every tab of the site does. Turned on:
      // highlight, in case this page had been cleared.
      if (was && !is) apply(false);
      if (!was && is) apply(true);
    }
    if (changes[INDEX_KEY]) {
      // Dictionaries added, removed, switched on or off: highlight again with
      // a matcher at least as new as this change.
      revision = changes[INDEX_KEY].newValue?.revision;
      schedule(() => (enabled ? turnOn({ refresh: true }) : undefined));
    }
  });

  // A highlighter watches its own root, the body: a new <body> (or a first
  // one, for a script that ran before it) comes to light here.
  new MutationObserver(() => {
    if (enabled && document.body !== highlightedBody) schedule(() => (enabled && document.body !== highlightedBody ? turnOn() : undefined));
  }).observe(document.documentElement, { childList: true });

  apply(true);
}

// The background may run this script in a page that already has it (the
// user clicks "Highlight this page", then turns the site on). Content
// scripts of one extension share the page's isolated world, so a mark on its
// global object tells; a second copy does nothing.
const LOADED = Symbol.for('entity-highlighter.content-script');
if (!globalThis[LOADED]) {
  globalThis[LOADED] = true;
  start();
}
