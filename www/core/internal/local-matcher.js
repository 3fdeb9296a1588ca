// Matching with the WASM engine in this context: the page itself, or the
// extension's service worker on behalf of its content scripts.
import { buildEngine, dictionarySource, practiseWhile, startWasm } from './engine.js';
import { BLOCK_SEPARATOR } from './extract.js';
import { rankCandidates } from './rank.js';

function describeEngine(engine) {
  // The engine lists types in first-seen order; readers expect A to Z.
  const types = Object.entries(engine.typeCounts()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { title: engine.title, asOf: engine.asOf, entityCount: engine.entityCount, types: Object.fromEntries(types) };
}

export class LocalMatcher {
  constructor(engine) {
    this.engine = engine;
    this.records = new Map();
    this.timings = { wasmStartup: 0, dictionaryReady: 0 };
    this.isIndex = false;
    /** What info() tells, once read. */
    this.knownInfo = null;
  }

  /**
   * Adds each entity of `triples` to `entities` (index → record), reading
   * the ones not read before from the engine in one call.
   */
  addRecords(triples, entities) {
    const missing = [];
    for (let i = 2; i < triples.length; i += 3) {
      const index = triples[i];
      if (index in entities) continue;
      const record = this.records.get(index);
      if (record === undefined && !this.records.has(index)) {
        missing.push(index);
        this.records.set(index, undefined);
      }
      entities[index] = record;
    }
    if (missing.length === 0) return;
    const fields = this.engine.entityFields(Uint32Array.from(missing)).split('\0');
    for (let k = 0; k < missing.length; k++) {
      const [id, name, type, summary, url] = fields.slice(5 * k, 5 * k + 5);
      // Every entity has an id: none means the index was out of range.
      const record = id ? (url ? { id, name, type, summary, url } : { id, name, type, summary }) : undefined;
      this.records.set(missing[k], record);
      entities[missing[k]] = record;
    }
  }

  async info() {
    // Counting types reads every entity (11 ms in WASM for a million, on a
    // 2-core machine), and a highlighter given this matcher asks at each
    // full pass, in the pass's time: the engine never changes, so it is
    // counted once. Each caller gets its own copy to keep.
    this.knownInfo ??= describeEngine(this.engine);
    return { ...this.knownInfo, types: { ...this.knownInfo.types } };
  }

  /**
   * Finds the mentions in `text`. With `slicing` ({ sliceMs, pause }), a
   * long text is matched a piece at a time, each piece about `sliceMs` of
   * work, with `await pause()` between pieces, so the page's main thread is
   * never held for long; the result is the same as in one call.
   */
  async match(text, slicing) {
    if (!slicing || text.length <= (slicing.oneCallUpTo ?? ONE_CALL_UP_TO)) return this.matchNow(text);
    return this.matchInPieces(text, slicing);
  }

  async matchInPieces(text, { sliceMs, pause, firstPiece = FIRST_PIECE, smallestPiece = SMALLEST_PIECE }) {
    const pieces = [];
    const entities = {};
    let total = 0;
    let size = firstPiece;
    for (let from = 0; from < text.length;) {
      const to = pieceEnd(text, from, from + size);
      const began = performance.now();
      const triples = this.engine.find(text.slice(from, to));
      for (let i = 0; i < triples.length; i += 3) {
        triples[i] += from;
        triples[i + 1] += from;
      }
      this.addRecords(triples, entities);
      pieces.push(triples);
      total += triples.length;
      // Speed varies with the dictionary and the text (an index compiles
      // the names each piece can contain): size the next piece by this one,
      // growing at most twofold, since one fast piece says little.
      const perChar = (performance.now() - began) / (to - from);
      size = Math.max(smallestPiece, Math.min(2 * (to - from), Math.floor(sliceMs / Math.max(perChar, 1e-6))));
      from = to;
      if (from < text.length) await pause();
    }
    const triples = new Uint32Array(total);
    let at = 0;
    for (const piece of pieces) {
      triples.set(piece, at);
      at += piece.length;
    }
    rankCandidates(triples);
    return { triples, entities };
  }

  /** match() without a promise, for callers that need the result in the
   * same task. */
  matchNow(text) {
    const triples = this.engine.find(text);
    const entities = {};
    this.addRecords(triples, entities);
    return { triples, entities };
  }

  /**
   * Every occurrence in `text` that passes the rules, overlapping ones
   * included, by start and then longest first, with the records of their
   * entities: for joining several matchers' answers as one dictionary
   * holding all their names would give them (the leftmost, then longest,
   * occurrence over all of them that overlaps none taken, as matchNow takes
   * within one).
   */
  matchOverlappingNow(text) {
    const triples = this.engine.findOverlapping(text);
    const entities = {};
    this.addRecords(triples, entities);
    return { triples, entities };
  }

  free() {
    // A freed engine answers nothing, info() included, as before it.
    this.knownInfo = null;
    this.engine.free();
  }
}

/** Texts up to this many UTF-16 code units are matched in one call: a
 * 100 KB news page, about 20 ms with a million-name index. */
const ONE_CALL_UP_TO = 128 * 1024;
/** A longer text starts with a piece this long, about 10 ms with a
 * million-name index (a 128 K piece took up to 54 ms on a busy machine). */
const FIRST_PIECE = 48 * 1024;
/** Pieces never get shorter than this, however slow the matching. */
const SMALLEST_PIECE = 4 * 1024;

/**
 * Where a piece of `text` that starts at `from` and should end near `target`
 * ends: just after a block separator, which no mention crosses, so pieces
 * find exactly the mentions the whole text has. A block longer than a piece
 * stays whole.
 */
function pieceEnd(text, from, target) {
  if (target >= text.length) return text.length;
  const before = text.lastIndexOf(BLOCK_SEPARATOR, target);
  if (before >= from) return before + 1;
  const next = text.indexOf(BLOCK_SEPARATOR, target);
  return next === -1 ? text.length : next + 1;
}

/**
 * Starts WASM (once per context) and builds a matcher for a dictionary: a
 * JSON dictionary is compiled whole; a compact index (bytes starting with
 * "EHIX", from `entity-highlighter index`) is opened as it is and compiles
 * per text only the names that text can contain. The dictionary downloads
 * while WASM starts, and a long download is filled with practice rounds
 * (practiseWhile), on the text the promise `practiceText` gives as well,
 * once it gives one (the page's, read while waiting). Timings, in ms:
 * `wasmStartup`, and `dictionaryReady` from the start of both to the
 * engine's being ready (so it includes the start-up), `dictionaryBuild`
 * from the bytes' arrival, `dictionaryCheck` the part of that spent
 * checking an index (with `verify`; else null); and
 * `practiceRounds`, how many rounds filled the wait, and
 * `practiceOnPageText`, how many of them also had the page's text.
 * With `verify`, a compact index is checked byte by byte against its
 * checksums before it is used (about 15 ms for 38 MB in V8): for a file that
 * may have been damaged on its way, such as one the extension stores or a
 * reader loads in the demo.
 */
export async function createLocalMatcher({ dictionary, wasmUrl, foldDiacritics = true, onProgress, fetchTimeout, practiceText, verify = false } = {}) {
  // The dictionary downloads while the module compiles: for a large one
  // the download is most of the wait, for a small one the two overlap.
  const began = performance.now();
  const download = dictionarySource(dictionary, onProgress, fetchTimeout);
  // Settled either way here, so a failure to start WASM leaves no
  // unhandled rejection behind; awaited below for its real answer.
  download.catch(() => {});
  const wasmStartup = await startWasm(wasmUrl);
  const practice = await practiseWhile(download, practiceText);
  const source = await download;
  const arrived = performance.now();
  const { engine, checkMs } = buildEngine(source, foldDiacritics, verify);
  const matcher = new LocalMatcher(engine);
  // Only an index selects names piece by piece (engine.addText).
  matcher.isIndex = Boolean(source.index);
  const built = performance.now();
  matcher.timings = { wasmStartup, dictionaryReady: built - began, dictionaryBuild: built - arrived, dictionaryCheck: checkMs, dictionaryBytes: source.index?.length ?? source.json.length, practiceRounds: practice.rounds, practiceOnPageText: practice.onPageText };
  return matcher;
}
