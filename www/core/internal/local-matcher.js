// Matching with the WASM engine in this context: the page itself, or the
// extension's service worker on behalf of its content scripts.
import { buildEngine, dictionaryText, startWasm } from './engine.js';

export class LocalMatcher {
  constructor(engine) {
    this.engine = engine;
    this.records = new Map();
    this.timings = { wasmStartup: 0, dictionaryReady: 0 };
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

  /** match() without a promise, for callers that need the result in the
   * same task. */
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

/** Starts WASM (once per context) and builds a matcher for a dictionary. */
export async function createLocalMatcher({ dictionary, wasmUrl, foldDiacritics = true } = {}) {
  const wasmStartup = await startWasm(wasmUrl);
  const began = performance.now();
  const json = await dictionaryText(dictionary);
  const matcher = new LocalMatcher(buildEngine(json, foldDiacritics));
  matcher.timings = { wasmStartup, dictionaryReady: performance.now() - began };
  return matcher;
}
