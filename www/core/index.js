// The entity highlighter's core package: the one entry point that the demo,
// the widget and the extension import. See index.d.ts for the API.

import { buildEngine, dictionaryText, startWasm } from './internal/engine.js';
import { HighlighterError, report } from './internal/errors.js';
import { extractText, isExcluded, OPT_OUT_ATTRIBUTE } from './internal/extract.js';
import { planPieces, unwrap, wrap, WRAPPER_TAG } from './internal/wrap.js';
import { CardController } from './internal/card.js';
import { adoptWrapperStyles } from './internal/styles.js';

export { HighlighterError, OPT_OUT_ATTRIBUTE, WRAPPER_TAG };

const OPTION_NAMES = new Set(['root', 'dictionary', 'mentions', 'types', 'skip', 'cards', 'theme', 'foldDiacritics', 'wasmUrl']);
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
  return { ...merged, root, skipSelector };
}

const DEFAULTS = { mentions: 'all', types: null, skip: DEFAULT_SKIP, cards: true, theme: 'auto', foldDiacritics: true };

class Highlighter {
  constructor(engine, options, loadTimings) {
    this.engine = engine;
    this.options = options;
    this.pendingTimings = loadTimings;
    this.records = [];
    this.current = [];
    this.byElement = new WeakMap();
    this.entityCache = new Map();
    this.cards = null;
    this.removeStyles = null;
  }

  get mentions() {
    return this.current;
  }

  get dictionary() {
    return { title: this.engine.title, asOf: this.engine.asOf, entityCount: this.engine.entityCount };
  }

  entity(index) {
    let record = this.entityCache.get(index);
    if (!record) {
      record = this.engine.entity(index);
      this.entityCache.set(index, record);
    }
    return record;
  }

  setOptions(options) {
    for (const fixed of ['dictionary', 'wasmUrl', 'foldDiacritics']) {
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
  mentionsFrom(triples, text) {
    const { types, mentions: which } = this.options;
    const wanted = types ? new Set(types) : null;
    const seen = new Set();
    const mentions = [];
    for (let i = 0; i < triples.length; ) {
      const start = triples[i];
      const end = triples[i + 1];
      const candidates = [];
      for (; i < triples.length && triples[i] === start && triples[i + 1] === end; i += 3) {
        const entity = this.entity(triples[i + 2]);
        if (entity && (!wanted || wanted.has(entity.type))) candidates.push(entity);
      }
      if (candidates.length === 0) continue;
      const key = candidates.map((c) => c.id).join('|');
      if (which === 'first') {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      mentions.push({ id: mentions.length + 1, entity: candidates[0], candidates, text: text.slice(start, end), start, end, elements: [] });
    }
    return mentions;
  }

  async highlight() {
    this.clear();
    const { root, skipSelector } = this.options;
    const doc = root.ownerDocument;
    const timings = { wasmStartup: 0, dictionaryReady: 0, ...this.pendingTimings, extraction: 0, matching: 0, domChanges: 0 };
    this.pendingTimings = {};
    if (!root.isConnected || isExcluded(root, skipSelector)) {
      this.current = [];
      return { mentions: [], timings };
    }
    let began = performance.now();
    const { text, nodes, starts } = extractText(root, { skipSelector });
    timings.extraction = performance.now() - began;

    began = performance.now();
    let triples;
    try {
      triples = this.engine.find(text);
    } catch (error) {
      throw report(new HighlighterError('page', `matching failed: ${error?.message ?? error}`, { cause: error }));
    }
    const mentions = this.mentionsFrom(triples, text);
    timings.matching = performance.now() - began;

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
      this.cards.attach(root);
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
    this.cards?.destroy();
    this.cards = null;
    this.removeStyles?.();
    this.removeStyles = null;
    this.engine.free();
  }
}

export async function createHighlighter(options = {}) {
  try {
    const checked = checkOptions(options, DEFAULTS);
    const wasmStartup = await startWasm(options.wasmUrl);
    const began = performance.now();
    const json = await dictionaryText(options.dictionary);
    const engine = buildEngine(json, checked.foldDiacritics);
    const dictionaryReady = performance.now() - began;
    return new Highlighter(engine, checked, { wasmStartup, dictionaryReady });
  } catch (error) {
    throw report(error instanceof HighlighterError ? error : new HighlighterError('page', String(error?.message ?? error), { cause: error }));
  }
}

export async function highlight(options = {}) {
  const highlighter = await createHighlighter(options);
  const result = await highlighter.highlight();
  return { highlighter, result };
}
