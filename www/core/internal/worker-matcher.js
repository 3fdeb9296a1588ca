// A matcher whose WASM engine lives in a dedicated Worker (match-worker.js
// describes the messages). The page's main thread then only walks the DOM
// and shows mentions; with openStream() the highlighter hands the text over
// piece by piece during its walk, so matching overlaps extraction instead
// of following it.
import { isJsonText } from './engine.js';
import { HighlighterError } from './errors.js';

const WORKER_URL = new URL('./match-worker.js', import.meta.url);

/** A HighlighterError when the worker's error had a kind (loading), else
 * a plain Error, which the highlighter words as it does for the page. */
function toError({ kind, message, problems, problemCount }) {
  return kind ? new HighlighterError(kind, message, { problems, problemCount }) : new Error(message);
}

export class WorkerMatcher {
  constructor(worker) {
    this.worker = worker;
    this.records = new Map();
    this.calls = new Map();
    /** Open streams in the order opened; the worker holds the first's
     * pieces, the others keep theirs until it finishes. */
    this.streams = [];
    this.nextId = 1;
    this.info_ = null;
    this.timings = { wasmStartup: 0, dictionaryReady: 0 };
    this.failure = null;
  }

  receive(data) {
    // Every answer's records are kept, even for a stream given up, since
    // the worker never sends a record twice.
    if (data.entities) for (const [index, record] of Object.entries(data.entities)) this.records.set(Number(index), record);
    const key = data.id ?? data.stream;
    const call = this.calls.get(key);
    if (!call) return;
    // A stream answered in parts (finishInParts) stays until its last.
    if (data.type === 'part' && !data.last) {
      call.part(data.triples);
      return;
    }
    this.calls.delete(key);
    if (data.type === 'error') call.reject(toError(data.error));
    else call.resolve(data.triples);
  }

  /** The records of every entity index in `triples`. */
  entitiesOf(triples) {
    const entities = {};
    for (let i = 2; i < triples.length; i += 3) entities[triples[i]] = this.records.get(triples[i]);
    return entities;
  }

  /** A dead worker fails every call in flight, and every later one. */
  fail(error) {
    this.failure ??= error;
    this.worker.terminate();
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
    this.streams = [];
  }

  /** Resolves with the triples of the answer to `key`. */
  expect(key) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.calls.set(key, { resolve, reject }));
  }

  async info() {
    return this.info_;
  }

  async match(text) {
    return this.request(text, false);
  }

  /** match() for a text outside the stream under way (what is on screen,
   * while the whole page streams in): answered without waiting for that
   * stream, whose pieces it leaves alone. */
  async matchApart(text) {
    return this.request(text, true);
  }

  async request(text, apart) {
    const id = this.nextId++;
    const answer = this.expect(id);
    this.worker.postMessage({ type: 'match', id, text, apart });
    const triples = await answer;
    return { triples, entities: this.entitiesOf(triples) };
  }

  /**
   * Matching of one text given in pieces, each ending just after a block
   * separator (which no mention crosses): push() each piece in order, then
   * finish() gives what match() gives for their concatenation; cancel()
   * gives the stream up. With an index, the worker selects each piece's
   * names as it arrives, so finish() has only the compiling and the
   * search left. finishInParts() instead of finish() gets the answer part
   * by part as the worker searches (a PartQueue), each part's candidates
   * ranked by that part alone.
   */
  openStream() {
    if (this.failure) {
      const failure = this.failure;
      return { push() {}, finish: () => Promise.reject(failure), cancel() {} };
    }
    const id = this.nextId++;
    const stream = { waiting: [], done: false };
    this.streams.push(stream);
    const send = (message) => {
      stream.waiting.push(message);
      this.sendStreams();
    };
    const end = () => {
      stream.done = true;
      this.sendStreams();
    };
    return {
      push: (text) => {
        if (text.length > 0 && !stream.done) send({ type: 'piece', stream: id, text });
      },
      finish: async () => {
        const answer = this.expect(id);
        send({ type: 'finish', stream: id });
        end();
        const triples = await answer;
        return { triples, entities: this.entitiesOf(triples) };
      },
      finishInParts: (partChars = PART_CHARS) => {
        const parts = new PartQueue(this);
        if (this.failure) parts.reject(this.failure);
        else this.calls.set(id, parts);
        send({ type: 'finish', stream: id, partChars });
        end();
        return parts;
      },
      cancel: () => {
        if (stream.done) return;
        // A stream still queued behind another has sent nothing: it goes
        // without a word, sparing the worker its pieces.
        if (this.streams[0] !== stream) {
          stream.waiting = [];
          this.streams.splice(this.streams.indexOf(stream), 1);
          stream.done = true;
          return;
        }
        send({ type: 'cancel', stream: id });
        end();
      },
    };
  }

  /** Sends what the first open stream has waiting; once it is done, the
   * next one's turn comes. */
  sendStreams() {
    while (this.streams.length > 0 && !this.failure) {
      const first = this.streams[0];
      for (const message of first.waiting.splice(0)) this.worker.postMessage(message);
      if (!first.done) break;
      this.streams.shift();
    }
  }

  free() {
    this.fail(new HighlighterError('page', 'the matcher was freed (free()); create another to match again'));
  }
}

/** The worker searches a long text in parts of about this many characters
 * when asked for parts (finishInParts): a 1 MB page in four. Side by side
 * on that page (1M index, painted), 128 K parts were no better, as each
 * part costs both sides a message and the worker a little search speed. */
const PART_CHARS = 256 * 1024;

/**
 * The parts of a stream's answer as they arrive: `next()` resolves with the
 * next part `{ triples, entities, last }`, or rejects if the worker failed.
 * A worker that answered whole (a compiled dictionary, an empty text) gives
 * one part.
 */
class PartQueue {
  constructor(matcher) {
    this.matcher = matcher;
    this.arrived = [];
    this.waiting = null;
    this.failure = null;
  }

  push(triples, last) {
    this.arrived.push({ triples, entities: this.matcher.entitiesOf(triples), last });
    this.wake();
  }

  part(triples) {
    this.push(triples, false);
  }

  resolve(triples) {
    this.push(triples, true);
  }

  reject(error) {
    this.failure = error;
    this.wake();
  }

  wake() {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  async next() {
    while (this.arrived.length === 0 && !this.failure) await new Promise((resolve) => { this.waiting = resolve; });
    if (this.failure) throw this.failure;
    return this.arrived.shift();
  }
}

/** What a worker can be sent for the `dictionary` option: URLs made
 * absolute against the page (the worker's own base is its script), objects
 * as JSON text, bytes copied. (A URL object goes as `dictionaryUrl`.) */
function transferable(dictionary) {
  if (typeof dictionary === 'string') return isJsonText(dictionary) ? dictionary : absolute(dictionary);
  if (dictionary && typeof dictionary === 'object' && !(dictionary instanceof ArrayBuffer) && !ArrayBuffer.isView(dictionary)) return JSON.stringify(dictionary);
  return dictionary;
}

/** `url` made absolute against the page, or as given when it is not a URL
 * (the worker's start of WASM then fails as the page's would). */
function absolute(url) {
  if (url === undefined) return undefined;
  try {
    return new URL(url, globalThis.document?.baseURI).href;
  } catch {
    return String(url);
  }
}

/**
 * Starts a worker and loads the dictionary there. Resolves to a
 * WorkerMatcher, or to null when this page cannot start a worker from the
 * package's URL (another origin, a CSP without it): the caller then matches
 * in the page. A dictionary or WASM failure inside the worker rejects, as
 * it would in the page.
 */
export async function createWorkerMatcher({ dictionary, wasmUrl, foldDiacritics = true, onProgress, fetchTimeout, practiceText, verify = false, workerUrl = WORKER_URL } = {}) {
  let worker;
  try {
    worker = new Worker(workerUrl, { type: 'module', name: 'entity-highlighter' });
  } catch {
    return null;
  }
  const matcher = new WorkerMatcher(worker);
  const began = performance.now();
  const ready = await new Promise((resolve, reject) => {
    // Until the worker answers, its messages are about loading.
    worker.onmessage = ({ data }) => {
      if (data.type === 'progress') onProgress?.({ loaded: data.loaded, total: data.total });
      else if (data.type === 'ready') resolve(data);
      else if (data.type === 'error') reject(toError(data.error));
    };
    // The script did not load or run (blocked, missing): no message came.
    worker.onerror = (event) => {
      event.preventDefault?.();
      resolve(null);
    };
    worker.postMessage({
      type: 'load',
      ...(dictionary instanceof URL ? { dictionaryUrl: dictionary.href } : { dictionary: transferable(dictionary) }),
      wasmUrl: absolute(wasmUrl),
      foldDiacritics,
      fetchTimeout,
      verify,
      progress: typeof onProgress === 'function',
    });
    // For the worker's practice rounds, if it is still loading then.
    practiceText?.then((text) => worker.postMessage({ type: 'practice-text', text }), () => {});
  }).catch((error) => {
    worker.terminate();
    throw error;
  });
  if (!ready) {
    worker.terminate();
    return null;
  }
  worker.onmessage = ({ data }) => matcher.receive(data);
  worker.onerror = (event) => {
    event.preventDefault?.();
    matcher.fail(new HighlighterError('page', `the matching worker failed: ${event.message ?? 'unknown error'}`));
  };
  // An answer that could not be decoded would leave its caller waiting.
  worker.onmessageerror = () => matcher.fail(new HighlighterError('page', 'the matching worker sent an answer the page could not read'));
  matcher.info_ = ready.info;
  // In the worker, dictionaryReady covers its WASM start-up too (they run
  // together): the rest is starting the worker and messages.
  matcher.timings = { ...ready.timings, workerStartup: performance.now() - began - ready.timings.dictionaryReady };
  return matcher;
}
