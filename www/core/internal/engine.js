// Starts the WASM module once per page and builds engines from dictionaries.
import init, { Engine } from '../../pkg/entity_highlighter.js';
import { HighlighterError } from './errors.js';
import { waitToPractise } from './practice.js';

const DEFAULT_WASM_URL = new URL('../../pkg/entity_highlighter_bg.wasm', import.meta.url);
export const DEFAULT_DICTIONARY_URL = new URL('../../pkg/world-news.json', import.meta.url);
/** How long a dictionary download may take, start to end, unless the
 * `fetchTimeout` option says otherwise. */
export const FETCH_TIMEOUT_MS = 30_000;

let started = null;

function describeWasmFailure(error) {
  const text = String(error?.message ?? error);
  if (/Content Security Policy|wasm-eval|wasm-unsafe-eval|unsafe-eval/i.test(text)) {
    return "WebAssembly is not allowed on this page: its Content-Security-Policy needs 'wasm-unsafe-eval' in script-src. Nothing was highlighted.";
  }
  return `the WebAssembly module could not start (${text}). Nothing was highlighted.`;
}

/**
 * Compiles and instantiates the module once; later calls share it.
 * Returns the milliseconds this call spent starting it (0 when cached).
 */
export async function startWasm(wasmUrl = DEFAULT_WASM_URL) {
  const began = performance.now();
  if (!started) {
    started = init({ module_or_path: wasmUrl }).catch((error) => {
      started = null;
      throw new HighlighterError('wasm', describeWasmFailure(error), { cause: error });
    });
    await started;
    return performance.now() - began;
  }
  await started;
  return 0;
}

/** Practice rounds (Engine.warmUp) that make V8 optimise the matching
 * code before the first page: 6-19 ms for the first round (compiling the
 * functions it reaches), about 1 ms for each later one. With them, a fresh
 * browser's first pass over a 100 KB news page with a million-name index
 * matched in 38-50 ms instead of 59-68 (bench/first-page.mjs; see
 * src/warm_up.rs). More rounds gained nothing measurable. A round that
 * also has the page's text (up to 64 KB of it) costs about 3 ms once
 * compiled, and brought that first pass to 32-38 ms. */
const PRACTICE_ROUNDS = 16;
/** Of those, the last few wait for the page's text, when it is coming: the
 * rounds on it are worth the most, and on a slow machine all 16 had run
 * before the page's walk handed it over. */
const ROUNDS_KEPT_FOR_PAGE_TEXT = 4;
let practiceRounds = 0;

/**
 * Fills the wait for `pending` (a dictionary download) with practice
 * rounds, one per task, until it settles or this context has practised
 * enough; once `pageText` (a promise) gives the text to be matched first,
 * rounds practise on it too. Resolves, when practice stops, to the rounds
 * it ran and how many of them had the page's text; never rejects:
 * practice is only ever a head start.
 */
export async function practiseWhile(pending, pageText) {
  const ran = { rounds: 0, onPageText: 0 };
  if (practiceRounds >= PRACTICE_ROUNDS) return ran;
  let text;
  let textAnswered = !pageText;
  const textKnown = pageText?.then((known) => { text = known; }, () => {}).finally(() => { textAnswered = true; });
  const { settled, pause } = await waitToPractise(pending);
  while (!settled() && practiceRounds < PRACTICE_ROUNDS) {
    if (!textAnswered && practiceRounds >= PRACTICE_ROUNDS - ROUNDS_KEPT_FOR_PAGE_TEXT) {
      // Until the text comes or the download ends (pause ends with it).
      await Promise.race([textKnown, pause(1_000)]);
      continue;
    }
    practiceRounds += 1;
    try {
      Engine.warmUp(1, text || undefined);
    } catch {
      // A module that cannot practise still matches.
      practiceRounds = PRACTICE_ROUNDS;
      return ran;
    }
    ran.rounds += 1;
    if (text) ran.onPageText += 1;
    await pause(0);
  }
  return ran;
}

const INDEX_MAGIC = [0x45, 0x48, 0x49, 0x58]; // "EHIX"

/** Whether `bytes` begin as a compact index does (also used by the
 * extension's options page, to tell what a file is). */
export function isCompactIndex(bytes) {
  return INDEX_MAGIC.every((byte, i) => bytes[i] === byte);
}

/** Reads a response body, reporting progress when asked to (also used by
 * the extension's options page). */
export async function readBody(response, onProgress) {
  const total = Number(response.headers.get('content-length')) || 0;
  if (!onProgress || !response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

async function fetchBytes(url, onProgress, timeout = FETCH_TIMEOUT_MS) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    const response = await fetch(url, { signal: controller.signal, credentials: 'same-origin' });
    if (!response.ok) {
      throw new HighlighterError('dictionary', `could not load the dictionary from ${url}: HTTP ${response.status} ${response.statusText}`.trim());
    }
    return await readBody(response, onProgress);
  } catch (error) {
    if (error instanceof HighlighterError) throw error;
    const reason = error?.name === 'AbortError' ? `no complete answer within ${timeout / 1000} s` : String(error?.message ?? error);
    throw new HighlighterError('dictionary', `could not load the dictionary from ${url}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a string given as the dictionary is JSON text rather than a
 * URL: a dictionary is an object, so its text starts with "{". */
export function isJsonText(text) {
  return text.trimStart().startsWith('{');
}

/** JSON text, or the bytes of a compact index (they start with "EHIX");
 * `url` says where they came from, for messages. */
function fromBytes(bytes, url) {
  if (isCompactIndex(bytes)) return { index: bytes, url };
  const json = new TextDecoder().decode(bytes);
  // A wrong address often answers with a web page (a site's "not found"
  // page served as 200, a login page): its JSON syntax error would not
  // say so.
  if (url && json.replace(/^\uFEFF/, '').trimStart().startsWith('<')) {
    throw new HighlighterError('dictionary', `the dictionary at ${url} is an HTML page, not a dictionary (a JSON object or an .ehx index): check the address`);
  }
  return { json, url };
}

/**
 * The dictionary option as `{ json }` text or `{ index }` bytes (with the
 * `url` they were fetched from): fetched, serialised or as given.
 * `onProgress({ loaded, total })` follows a fetch; `timeout` bounds it, in
 * ms.
 */
export async function dictionarySource(source, onProgress, timeout) {
  if (source === undefined) return fromBytes(await fetchBytes(DEFAULT_DICTIONARY_URL, onProgress, timeout), DEFAULT_DICTIONARY_URL);
  if (source instanceof URL) return fromBytes(await fetchBytes(source, onProgress, timeout), source);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return fromBytes(source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
  }
  if (typeof source === 'string') {
    if (isJsonText(source)) return { json: source };
    let url;
    try {
      url = new URL(source, globalThis.document?.baseURI ?? globalThis.location?.href);
    } catch {
      throw new HighlighterError('option', `dictionary: "${source}" is neither a URL nor JSON text`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'chrome-extension:' && url.protocol !== 'moz-extension:') {
      throw new HighlighterError('option', `dictionary: ${url.protocol} URLs are not fetched; use http: or https:`);
    }
    return fromBytes(await fetchBytes(url, onProgress, timeout), url);
  }
  if (source && typeof source === 'object') return { json: JSON.stringify(source), object: source };
  throw new HighlighterError('option', 'dictionary: expected a URL, JSON text, index bytes or a dictionary object');
}

/** Whether `text` holds half of a UTF-16 surrogate pair alone. */
function hasLoneSurrogate(text) {
  if (typeof text.isWellFormed === 'function') return !text.isWellFormed();
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** Where in a dictionary object the first string (or key) with a lone
 * surrogate is, as the engine names places ("entities[3], name"), or null. */
function loneSurrogateAt(value, path = '', depth = 0) {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? path || 'the dictionary' : null;
  if (!value || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = loneSurrogateAt(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}, ${key}` : key;
    if (hasLoneSurrogate(key)) return `${at} (the field's name)`;
    const found = loneSurrogateAt(inner, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Builds an engine: `{ engine, checkMs }`. A refused dictionary becomes
 * a HighlighterError with every problem and where it is, and the URL it
 * came from. With `verify`, a compact index has every byte checked
 * against its checksums, which opening one does not do (see
 * Engine.verify); `checkMs` is the time that took, null when nothing was
 * checked. */
export function buildEngine({ json, index, url, object }, foldDiacritics, verify = false) {
  try {
    if (!index) return { engine: new Engine(json, { foldDiacritics }), checkMs: null };
    const engine = Engine.fromIndex(index);
    if (!verify) return { engine, checkMs: null };
    const began = performance.now();
    try {
      engine.verify();
    } catch (error) {
      engine.free();
      throw error;
    }
    return { engine, checkMs: performance.now() - began };
  } catch (error) {
    let problems = Array.isArray(error?.problems) ? error.problems : [];
    let problemCount = Number.isSafeInteger(error?.problemCount) ? error.problemCount : problems.length;
    let message = String(error?.message ?? error);
    // A lone surrogate in an object's string is written by JSON.stringify
    // as an escape the engine refuses, at a line and column of text the
    // caller never saw: the caller is told where it is in their object.
    const where = object && /surrogate/.test(message) ? loneSurrogateAt(object) : null;
    if (where) {
      const problem = { location: where, message: 'unpaired surrogate (half of a UTF-16 pair, not a character)' };
      problems = [problem];
      problemCount = 1;
      // As the engine words a refusal.
      message = `the dictionary was refused: 1 problem\n  ${problem.location}: ${problem.message}`;
    }
    if (url) {
      // A site owner reading the console must know which file to fix.
      message = message.startsWith('the dictionary ') ? `the dictionary at ${url} ${message.slice('the dictionary '.length)}` : `the dictionary at ${url}: ${message}`;
    }
    throw new HighlighterError('dictionary', message, { problems, problemCount, cause: error });
  }
}
