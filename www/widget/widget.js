// The blog widget: one <script> tag that highlights the entities of a post.
//
//   <script src="https://example.org/eh/entity-highlighter.js"
//           data-root="article" data-theme="auto" defer></script>
//
// This file is the source; scripts/build-widget.mjs bundles it (with the core
// package and the WASM glue) into one classic script,
// www/dist/widget/entity-highlighter.js, and copies the two files it loads
// next to it: entity_highlighter_bg.wasm and world-news.json. Both are found
// relative to the script's own URL, so the three files move together.
//
// Configuration, from the <script> element's data attributes:
//
//   data-root        CSS selector of the post. Default: the first of
//                    `article`, `main`, `[role=main]`, else `body`.
//   data-mentions    `all` (default) or `first` (first mention of each entity).
//   data-types       comma-separated entity types (`person,country`).
//                    Default: every type.
//   data-theme       card theme: `auto` (default), `light` or `dark`.
//   data-dictionary  a URL (relative to the page) of a dictionary (JSON, or
//                    a compact index made by `entity-highlighter index`),
//                    or `#id` of a <script type="application/json" id="id">
//                    holding one. Default: world-news.json next to this
//                    script.
//
// A bad value logs one console error naming the attribute and the values it
// takes, and the page is left untouched. Failures of the core (a dictionary
// it refuses, a Content-Security-Policy without 'wasm-unsafe-eval') are
// logged by the core itself ("entity-highlighter: ..."); the widget adds
// nothing to them. Nothing is ever thrown out of the widget.
//
// The one global it defines, for tests and integrators:
//
//   window.entityHighlighterWidget = {
//     highlighter,  // the core's Highlighter once created, else null
//     ready,        // Promise: resolves with the HighlightResult, or with
//                   // null when nothing was highlighted (never rejects)
//     error,        // null, or what went wrong (Error) once ready settles
//   }

import { createHighlighter, HighlighterError } from '../core/index.js';

const LOG_PREFIX = 'entity-highlighter widget:';
const GLOBAL_NAME = 'entityHighlighterWidget';
const DEFAULT_ROOTS = ['article', 'main', '[role=main]'];
const TYPE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

// Must be read now: document.currentScript is only set while this script's
// top-level code runs (it is null in callbacks, and for type="module").
const script = document.currentScript;

/** A bad data attribute; its message is the whole explanation. */
class AttributeError extends Error {}

const quote = (value) => JSON.stringify(value);

function attribute(name) {
  const value = script.getAttribute(name);
  return value === null ? null : value.trim();
}

function bad(name, value, allowed) {
  return new AttributeError(`${name}=${quote(value)} is not allowed: ${allowed}. Nothing was highlighted.`);
}

function findRoot() {
  const selector = attribute('data-root');
  if (selector === null) {
    for (const candidate of DEFAULT_ROOTS) {
      const element = document.querySelector(candidate);
      if (element) return element;
    }
    return document.body;
  }
  const allowed = 'use a CSS selector of the element holding the post, such as "article" or "#post"';
  if (selector === '') throw bad('data-root', selector, allowed);
  let element;
  try {
    element = document.querySelector(selector);
  } catch {
    throw bad('data-root', selector, `it is not a valid CSS selector; ${allowed}`);
  }
  if (!element) {
    throw new AttributeError(`data-root=${quote(selector)} matches no element on this page; ${allowed}. Nothing was highlighted.`);
  }
  return element;
}

function readChoice(name, allowed, fallback) {
  const value = attribute(name);
  if (value === null) return fallback;
  if (!allowed.includes(value)) {
    const list = allowed.map(quote);
    throw bad(name, value, `use ${list.slice(0, -1).join(', ')} or ${list.at(-1)} (default ${quote(fallback)})`);
  }
  return value;
}

function readTypes() {
  const value = attribute('data-types');
  if (value === null) return null;
  const types = value.split(',').map((type) => type.trim());
  if (types.some((type) => !TYPE_NAME.test(type))) {
    throw bad('data-types', value,
      'use comma-separated lower-case type names, such as "person,country" (the bundled dictionary has person, country, ' +
      'city, region, organisation, agreement, event, route and media); leave it out for every type');
  }
  return [...new Set(types)];
}

function readDictionary() {
  const value = attribute('data-dictionary');
  if (value === null) return new URL('world-news.json', script.src).href;
  const allowed = 'use the URL of a dictionary (a JSON file, or a compact index .ehx), or "#id" of a <script type="application/json" id="id"> element holding one';
  if (value === '' || value === '#') throw bad('data-dictionary', value, allowed);
  if (value.startsWith('#')) {
    const id = value.slice(1);
    const element = document.getElementById(id);
    if (!element) {
      throw new AttributeError(`data-dictionary=${quote(value)}: no element has the id ${quote(id)}; ${allowed}. Nothing was highlighted.`);
    }
    if (element.localName !== 'script' || element.type.trim().toLowerCase() !== 'application/json') {
      throw new AttributeError(`data-dictionary=${quote(value)} names a <${element.localName}>, not a <script type="application/json"> element; ${allowed}. Nothing was highlighted.`);
    }
    const json = element.textContent;
    if (!json.trimStart().startsWith('{')) {
      throw new AttributeError(`data-dictionary=${quote(value)}: the element does not hold a JSON object ({ "entities": [...] }). Nothing was highlighted.`);
    }
    // JSON text: the core parses and validates it, and reports any problem
    // with its line and column.
    return json;
  }
  let url;
  try {
    url = new URL(value, document.baseURI);
  } catch {
    throw bad('data-dictionary', value, allowed);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw bad('data-dictionary', value, `only http: and https: URLs are fetched; ${allowed}`);
  }
  return url.href;
}

/** Reads every attribute; throws an AttributeError for the first bad one. */
function configure() {
  const mentions = readChoice('data-mentions', ['all', 'first'], 'all');
  const theme = readChoice('data-theme', ['auto', 'light', 'dark'], 'auto');
  const types = readTypes();
  const root = findRoot();
  const dictionary = readDictionary();
  return {
    root,
    mentions,
    types,
    theme,
    dictionary,
    wasmUrl: new URL('entity_highlighter_bg.wasm', script.src).href,
  };
}

async function run(state) {
  let options;
  try {
    options = configure();
  } catch (error) {
    state.error = error;
    console.error(`${LOG_PREFIX} ${error.message}`);
    return null;
  }
  try {
    state.highlighter = await createHighlighter(options);
    return await state.highlighter.highlight();
  } catch (error) {
    state.error = error;
    // The core has already logged its own errors, in words meant for the
    // site owner (a CSP without 'wasm-unsafe-eval', a refused dictionary,
    // ...), and left the page as it was. Only something unforeseen is
    // logged here.
    if (!(error instanceof HighlighterError)) console.error(`${LOG_PREFIX} ${error?.message ?? error}. Nothing was highlighted.`);
    try {
      state.highlighter?.destroy();
    } catch {
      // Already reported above; the page is as it was.
    }
    state.highlighter = null;
    return null;
  }
}

function start() {
  if (!script || script.localName !== 'script' || !script.src) {
    console.error(`${LOG_PREFIX} it could not find its own <script src="..."> element; load the bundled entity-highlighter.js with a classic <script src="..."> tag, not type="module". Nothing was highlighted.`);
    return;
  }
  if (window[GLOBAL_NAME]) {
    console.warn(`${LOG_PREFIX} it is on this page twice; only the first <script> tag is used.`);
    return;
  }
  const state = { highlighter: null, ready: null, error: null };
  const domReady = document.readyState === 'loading'
    ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
    : Promise.resolve();
  // run() catches everything itself; the final catch is a last resort so
  // that `ready` never rejects and no rejection goes unhandled.
  state.ready = domReady.then(() => run(state)).catch((error) => {
    state.error = error;
    return null;
  });
  window[GLOBAL_NAME] = state;
}

start();
