// Matching with the WASM engine in this context: the page itself, or the
// extension's service worker on behalf of its content scripts.
import { buildEngine, dictionarySource, startWasm } from './engine.js';

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

/**
 * Starts WASM (once per context) and builds a matcher for a dictionary: a
 * JSON dictionary is compiled whole; a compact index (bytes starting with
 * "EHIX", from `entity-highlighter index`) is opened as it is and compiles
 * per text only the names that text can contain. Timings: `dictionaryReady`
 * runs from the start of the fetch, `dictionaryBuild` from the bytes'
 * arrival, both in ms.
 */
export async function createLocalMatcher({ dictionary, wasmUrl, foldDiacritics = true, onProgress, fetchTimeout } = {}) {
  const wasmStartup = await startWasm(wasmUrl);
  const began = performance.now();
  const source = await dictionarySource(dictionary, onProgress, fetchTimeout);
  const arrived = performance.now();
  const matcher = new LocalMatcher(buildEngine(source, foldDiacritics));
  const built = performance.now();
  matcher.timings = { wasmStartup, dictionaryReady: built - began, dictionaryBuild: built - arrived, dictionaryBytes: source.index?.length ?? source.json.length };
  return matcher;
}
