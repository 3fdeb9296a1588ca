// The entity highlighter's core package: the one entry point that the demo,
// the widget and the extension import. See index.d.ts for the API.

import { buildEngine, dictionaryText, startWasm } from './internal/engine.js';
import { HighlighterError, report } from './internal/errors.js';
import { extractText, isExcluded, OPT_OUT_ATTRIBUTE, stillCurrent } from './internal/extract.js';
import { planPieces, unwrap, wrap, WRAPPER_TAG } from './internal/wrap.js';
import { CardController } from './internal/card.js';
import { adoptWrapperStyles } from './internal/styles.js';

export { HighlighterError, OPT_OUT_ATTRIBUTE, WRAPPER_TAG };

const OPTION_NAMES = new Set(['root', 'dictionary', 'mentions', 'types', 'skip', 'cards', 'theme', 'foldDiacritics', 'wasmUrl', 'matcher']);
const ENGINE_OPTIONS = ['dictionary', 'wasmUrl', 'foldDiacritics'];
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
  if (merged.matcher !== undefined) {
    if (typeof merged.matcher?.match !== 'function' || typeof merged.matcher?.info !== 'function') throw optionError('matcher must have match() and info() methods');
    const clash = ENGINE_OPTIONS.find((key) => options[key] !== undefined);
    if (clash) throw optionError(`${clash} cannot be combined with matcher: the matcher holds its own dictionary`);
  }
  return { ...merged, root, skipSelector };
}

const DEFAULTS = { mentions: 'all', types: null, skip: DEFAULT_SKIP, cards: true, theme: 'auto', foldDiacritics: true };

/**
 * Finds mentions with a WASM engine in this page. Also what the extension's
 * service worker runs, on behalf of its content scripts.
 */
class LocalMatcher {
  constructor(engine) {
    this.engine = engine;
    this.records = new Map();
  }

  record(index) {
    let record = this.records.get(index);
    if (record === undefined) {
      record = this.engine.entity(index);
      this.records.set(index, record);
    }
    return record;
  }

  async info() {
    const engine = this.engine;
    return { title: engine.title, asOf: engine.asOf, entityCount: engine.entityCount, types: engine.typeCounts() };
  }

  async match(text) {
    return this.matchNow(text);
  }

  /** The same as match(), without a promise, for callers that need the
   * result in the same task. */
  matchNow(text) {
    const triples = this.engine.find(text);
    const entities = {};
    for (let i = 2; i < triples.length; i += 3) {
      const index = triples[i];
      if (!(index in entities)) entities[index] = this.record(index);
    }
    return { triples, entities };
  }

  free() {
    this.engine.free();
  }
}

/** Starts WASM and builds a matcher for a dictionary; see index.d.ts. */
export async function createLocalMatcher({ dictionary, wasmUrl, foldDiacritics = true } = {}) {
  const timings = { wasmStartup: await startWasm(wasmUrl), dictionaryReady: 0 };
  const began = performance.now();
  const json = await dictionaryText(dictionary);
  const matcher = new LocalMatcher(buildEngine(json, foldDiacritics));
  timings.dictionaryReady = performance.now() - began;
  matcher.timings = timings;
  return matcher;
}

class Highlighter {
  constructor(matcher, info, options, loadTimings, ownsMatcher) {
    this.matcher = matcher;
    this.info = info;
    this.options = options;
    this.pendingTimings = loadTimings;
    this.ownsMatcher = ownsMatcher;
    this.records = [];
    this.current = [];
    this.queue = Promise.resolve();
    this.byElement = new WeakMap();
    this.cards = null;
    this.removeStyles = null;
  }

  get mentions() {
    return this.current;
  }

  get dictionary() {
    const { title, asOf, entityCount, types } = this.info;
    return { title, asOf, entityCount, types: { ...types } };
  }

  setOptions(options) {
    for (const fixed of [...ENGINE_OPTIONS, 'matcher']) {
      if (options && fixed in options) throw report(optionError(`${fixed} is fixed when the highlighter is created; create a new one`));
    }
    try {
      this.options = checkOptions(options, this.options);
    } catch (error) {
      throw report(error);
    }
    this.cards?.setTheme(this.options.theme);
  }

  /** Groups the engine's triples into mentions and applies the options. */
  mentionsFrom({ triples, entities }, text) {
    const { types, mentions: which } = this.options;
    const wanted = types ? new Set(types) : null;
    const seen = new Set();
    const mentions = [];
    for (let i = 0; i < triples.length; ) {
      const start = triples[i];
      const end = triples[i + 1];
      const candidates = [];
      for (; i < triples.length && triples[i] === start && triples[i + 1] === end; i += 3) {
        const entity = entities[triples[i + 2]];
        if (entity && (!wanted || wanted.has(entity.type))) candidates.push(entity);
      }
      if (candidates.length === 0) continue;
      // "First mention per entity" goes by the likeliest candidate, which
      // the core ranks by what the same text names unambiguously.
      const key = candidates[0].id;
      if (which === 'first') {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      mentions.push({ id: mentions.length + 1, entity: candidates[0], candidates, text: text.slice(start, end), start, end, elements: [] });
    }
    return mentions;
  }

  /** Passes run one after another, never interleaved. */
  highlight() {
    const run = this.queue.then(() => this.highlightNow());
    this.queue = run.catch(() => {});
    return run;
  }

  async highlightNow() {
    this.clear();
    const { root, skipSelector } = this.options;
    const timings = { wasmStartup: 0, dictionaryReady: 0, ...this.pendingTimings, extraction: 0, matching: 0, domChanges: 0 };
    this.pendingTimings = {};
    if (!root.isConnected || isExcluded(root, skipSelector)) {
      this.current = [];
      return { mentions: [], timings };
    }
    // A page may change its text while the matcher works (a remote matcher
    // answers in another task); offsets are valid only for the text they
    // were found in, so extract and match again, a few times at most.
    for (let attempt = 1; ; attempt++) {
      let began = performance.now();
      const extracted = extractText(root, { skipSelector });
      timings.extraction += performance.now() - began;
      began = performance.now();
      let found;
      try {
        found = await this.matcher.match(extracted.text);
      } catch (error) {
        throw report(error instanceof HighlighterError ? error : new HighlighterError('page', `matching failed: ${error?.message ?? error}`, { cause: error }));
      }
      timings.matching += performance.now() - began;
      if (this.destroyed) return { mentions: [], timings };
      if (stillCurrent(extracted)) return this.apply(extracted, found, timings);
      if (attempt === 3) {
        throw report(new HighlighterError('page', 'the page kept changing its text while it was being highlighted; nothing was changed'));
      }
    }
  }

  apply({ text, nodes, starts }, found, timings) {
    const doc = this.options.root.ownerDocument;
    let began = performance.now();
    const mentions = this.mentionsFrom(found, text);
    timings.matching += performance.now() - began;

    began = performance.now();
    this.removeStyles ??= adoptWrapperStyles(doc);
    try {
      this.records = wrap(doc, planPieces(mentions, nodes, starts), nodes);
    } catch (error) {
      // wrap() has undone its own changes; the page is as it was.
      throw report(new HighlighterError('page', `the page could not be changed (${error?.message ?? error}); it was left as it was`, { cause: error }));
    }
    for (const mention of mentions) {
      for (const element of mention.elements) this.byElement.set(element, mention);
    }
    timings.domChanges = performance.now() - began;
    this.current = mentions;

    if (this.options.cards) {
      this.cards ??= new CardController(doc, { theme: this.options.theme, lookup: (element) => this.byElement.get(element) });
      this.cards.attach(this.options.root);
    }
    return { mentions, timings };
  }

  clear() {
    this.cards?.close({ restoreFocus: false });
    unwrap(this.records);
    this.current = [];
  }

  destroy() {
    this.clear();
    this.destroyed = true;
    this.cards?.destroy();
    this.cards = null;
    this.removeStyles?.();
    this.removeStyles = null;
    if (this.ownsMatcher) this.matcher.free?.();
  }
}

export async function createHighlighter(options = {}) {
  try {
    const checked = checkOptions(options, DEFAULTS);
    if (checked.matcher) {
      const info = await checked.matcher.info();
      return new Highlighter(checked.matcher, info, checked, { wasmStartup: 0, dictionaryReady: 0 }, false);
    }
    const matcher = await createLocalMatcher(checked);
    const info = await matcher.info();
    return new Highlighter(matcher, info, checked, matcher.timings, true);
  } catch (error) {
    throw report(error instanceof HighlighterError ? error : new HighlighterError('page', String(error?.message ?? error), { cause: error }));
  }
}

export async function highlight(options = {}) {
  const highlighter = await createHighlighter(options);
  const result = await highlighter.highlight();
  return { highlighter, result };
}
