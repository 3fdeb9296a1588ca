// Starts the WASM module once per page and builds engines from dictionaries.
import init, { Engine } from '../../pkg/entity_highlighter.js';
import { HighlighterError } from './errors.js';

const DEFAULT_WASM_URL = new URL('../../pkg/entity_highlighter_bg.wasm', import.meta.url);
export const DEFAULT_DICTIONARY_URL = new URL('../../pkg/world-news.json', import.meta.url);
const FETCH_TIMEOUT_MS = 30_000;

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

async function fetchText(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(url, { signal: controller.signal, credentials: 'same-origin' });
    if (!response.ok) {
      throw new HighlighterError('dictionary', `could not load the dictionary from ${url}: HTTP ${response.status} ${response.statusText}`.trim());
    }
    return await response.text();
  } catch (error) {
    if (error instanceof HighlighterError) throw error;
    const reason = error?.name === 'AbortError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : String(error?.message ?? error);
    throw new HighlighterError('dictionary', `could not load the dictionary from ${url}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** The dictionary option as JSON text: fetched, serialised or as given. */
export async function dictionaryText(source) {
  if (source === undefined) return fetchText(DEFAULT_DICTIONARY_URL);
  if (source instanceof URL) return fetchText(source);
  if (typeof source === 'string') {
    if (source.trimStart().startsWith('{')) return source;
    let url;
    try {
      url = new URL(source, globalThis.document?.baseURI ?? globalThis.location?.href);
    } catch {
      throw new HighlighterError('option', `dictionary: "${source}" is neither a URL nor JSON text`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'chrome-extension:' && url.protocol !== 'moz-extension:') {
      throw new HighlighterError('option', `dictionary: ${url.protocol} URLs are not fetched; use http: or https:`);
    }
    return fetchText(url);
  }
  if (source && typeof source === 'object') return JSON.stringify(source);
  throw new HighlighterError('option', 'dictionary: expected a URL, JSON text or a dictionary object');
}

/** Builds an engine; a refused dictionary becomes a HighlighterError with
 * every problem and where it is. */
export function buildEngine(json, foldDiacritics) {
  try {
    return new Engine(json, { foldDiacritics });
  } catch (error) {
    const problems = Array.isArray(error?.problems) ? error.problems : [];
    const message = String(error?.message ?? error);
    throw new HighlighterError('dictionary', message, { problems, cause: error });
  }
}
