// The entity highlighter's core package: the one entry point that the demo,
// the widget and the extension import. See index.d.ts for the API.

import { HighlighterError, report } from './internal/errors.js';
import { OPT_OUT_ATTRIBUTE, practiseWalk } from './internal/extract.js';
import { WRAPPER_TAG } from './internal/wrap.js';
import { adoptStylesEarly, Highlighter } from './internal/highlighter.js';
import { createLocalMatcher } from './internal/local-matcher.js';
import { createWorkerMatcher, WorkerMatcher } from './internal/worker-matcher.js';
import { paintSupported } from './internal/paint.js';

export { createLocalMatcher, createWorkerMatcher, HighlighterError, OPT_OUT_ATTRIBUTE, paintSupported, WRAPPER_TAG };

const OPTION_NAMES = new Set(['root', 'dictionary', 'mentions', 'types', 'skip', 'cards', 'theme', 'foldDiacritics', 'wasmUrl', 'matcher', 'mode', 'observe', 'onUpdate', 'onProgress', 'fetchTimeout', 'verify', 'worker']);
// Fixed once a highlighter exists.
const FIXED_OPTIONS = ['dictionary', 'wasmUrl', 'foldDiacritics', 'matcher', 'mode', 'root', 'onProgress', 'fetchTimeout', 'verify', 'worker'];
const ENGINE_OPTIONS = ['dictionary', 'wasmUrl', 'foldDiacritics', 'onProgress', 'fetchTimeout', 'verify', 'worker'];
const DEFAULT_SKIP = ['code', 'pre'];

function optionError(message) {
  return new HighlighterError('option', `bad option: ${message}`);
}

/** Checks options and fills in defaults; throws on anything unknown or of
 * the wrong kind rather than silently falling back. */
function checkOptions(options, base) {
  if (options === null || typeof options !== 'object') throw optionError('options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw optionError(`unknown option "${key}"; expected one of ${[...OPTION_NAMES].join(', ')}`);
  }
  const merged = { ...base, ...options };
  const root = merged.root ?? globalThis.document?.body;
  if (!root || typeof root !== 'object' || root.nodeType !== 1) throw optionError('root must be an element');
  if (merged.mentions !== 'all' && merged.mentions !== 'first') throw optionError('mentions must be "all" or "first"');
  if (merged.types !== null && !(Array.isArray(merged.types) && merged.types.every((t) => typeof t === 'string'))) {
    throw optionError('types must be an array of type names, or null for all');
  }
  if (!Array.isArray(merged.skip) || !merged.skip.every((s) => typeof s === 'string')) throw optionError('skip must be an array of CSS selectors');
  const skipSelector = merged.skip.join(', ');
  if (skipSelector) {
    try {
      root.ownerDocument.createDocumentFragment().querySelector(skipSelector);
    } catch {
      throw optionError(`skip: "${skipSelector}" is not a valid CSS selector list`);
    }
  }
  if (typeof merged.cards !== 'boolean') throw optionError('cards must be true or false');
  if (!['auto', 'light', 'dark'].includes(merged.theme)) throw optionError('theme must be "auto", "light" or "dark"');
  if (typeof merged.foldDiacritics !== 'boolean') throw optionError('foldDiacritics must be true or false');
  if (!['wrap', 'paint', 'auto'].includes(merged.mode)) throw optionError('mode must be "wrap", "paint" or "auto"');
  if (merged.mode === 'paint' && !paintSupported(root.ownerDocument.defaultView)) {
    throw optionError('mode "paint" needs the CSS Custom Highlight API, which this browser lacks; use "auto" to fall back to "wrap"');
  }
  if (typeof merged.observe !== 'boolean') throw optionError('observe must be true or false');
  if (typeof merged.worker !== 'boolean') throw optionError('worker must be true or false');
  if (typeof merged.verify !== 'boolean') throw optionError('verify must be true or false');
  if (merged.onUpdate !== undefined && typeof merged.onUpdate !== 'function') throw optionError('onUpdate must be a function');
  if (merged.onProgress !== undefined && typeof merged.onProgress !== 'function') throw optionError('onProgress must be a function');
  if (merged.fetchTimeout !== undefined && !(typeof merged.fetchTimeout === 'number' && merged.fetchTimeout > 0 && Number.isFinite(merged.fetchTimeout))) {
    throw optionError('fetchTimeout must be a positive number of milliseconds');
  }
  if (merged.matcher !== undefined) {
    if (typeof merged.matcher?.match !== 'function' || typeof merged.matcher?.info !== 'function') throw optionError('matcher must have match() and info() methods');
    const clash = ENGINE_OPTIONS.find((key) => options[key] !== undefined);
    if (clash) throw optionError(`${clash} cannot be combined with matcher: the matcher holds its own dictionary`);
  }
  return { ...merged, root, skipSelector };
}

const DEFAULTS = { mentions: 'all', types: null, skip: DEFAULT_SKIP, cards: true, theme: 'auto', foldDiacritics: true, mode: 'wrap', observe: false, verify: false, worker: false };

/** The public face of a highlighter (see index.d.ts). */
class PublicHighlighter {
  #inner;

  constructor(inner) {
    this.#inner = inner;
  }

  highlight() {
    return this.#inner.highlight();
  }

  clear() {
    this.#inner.clear();
  }

  setOptions(options) {
    try {
      for (const fixed of FIXED_OPTIONS) {
        if (options && fixed in options) throw optionError(`${fixed} is fixed when the highlighter is created; create a new one`);
      }
      this.#inner.setOptions(options, checkOptions);
    } catch (error) {
      throw report(error);
    }
  }

  get mentions() {
    return this.#inner.mentions.slice();
  }

  get dictionary() {
    return this.#inner.dictionary;
  }

  /** Whether matching runs in a worker (`worker: true` and the page
   * allowed one), rather than in the page. */
  get worker() {
    return this.#inner.matcher instanceof WorkerMatcher;
  }

  /** "wrap" or "paint": the mode in use ("auto" resolved). */
  get mode() {
    return this.#inner.mode;
  }

  destroy() {
    this.#inner.destroy();
  }
}

export async function createHighlighter(options = {}) {
  let earlyStyles = null;
  try {
    const checked = checkOptions(options, DEFAULTS);
    earlyStyles = adoptStylesEarly(checked);
    if (checked.matcher) {
      const info = await checked.matcher.info();
      return new PublicHighlighter(new Highlighter(checked.matcher, info, checked, { wasmStartup: 0, dictionaryReady: 0 }, false, earlyStyles));
    }
    // The page's text, once the practice walk below has read it, for the
    // engine's practice rounds.
    let givePageText;
    const practiceText = new Promise((resolve) => { givePageText = resolve; });
    const loading = (async () => {
      const inWorker = checked.worker ? await createWorkerMatcher({ ...checked, practiceText }) : null;
      if (checked.worker && !inWorker) {
        console.warn('entity-highlighter: this page cannot start a worker from the package\'s address (another origin, or its Content-Security-Policy); matching runs in the page');
      }
      return inWorker ?? createLocalMatcher({ ...checked, practiceText });
    })();
    // While the dictionary downloads, the page's main thread is free: the
    // walk the first pass will make is practised on it meanwhile.
    const walk = practiseWalk(checked.root, checked, loading, givePageText);
    const [matcher, practiceNodes] = await Promise.all([loading, walk]);
    const info = await matcher.info();
    return new PublicHighlighter(new Highlighter(matcher, info, checked, { ...matcher.timings, practiceNodes }, true, earlyStyles));
  } catch (error) {
    // A highlighter that was never made leaves no sheet behind.
    earlyStyles?.();
    throw report(error instanceof HighlighterError ? error : new HighlighterError('page', String(error?.message ?? error), { cause: error }));
  }
}

export async function highlight(options = {}) {
  const highlighter = await createHighlighter(options);
  const result = await highlighter.highlight();
  return { highlighter, result };
}
