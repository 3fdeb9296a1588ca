// What the extension keeps in `storage.local`, and how several active
// dictionaries become the engines the service worker matches with (planParts).
// Shared by the background, the content script, the popup and the options
// page (esbuild bundles a copy into each).
//
//   "dictionaries"        the index: { revision, bundledActive, added: [meta] }
//                          meta = { id, title, asOf, entityCount, bytes,
//                                   source: { kind: 'file', name } | { kind: 'url', url },
//                                   addedAt, active, format? }
//                          format: 'json' (the default) or 'compact' (an .ehx
//                          index, whose bytes are in IndexedDB: lib/compact-store.js)
//   "dictionary:<id>"     the JSON text of one added JSON dictionary, exactly
//                          as validated (kept apart so reading the index is cheap)
//   "sites"               the sites the user turned "always on" in the popup,
//                          as "https://example.org" (scheme and host, no
//                          port: browsers grant host access per host). A
//                          site is highlighted on load only while it is
//                          listed here *and* the browser grants access to it
//                          (background.js keeps the registered content
//                          script in step with both).
//
// `revision` goes up by one on every change to the dictionaries; content
// scripts pass it with their next match so the service worker never answers
// with a matcher older than the change that triggered the re-highlight.

/** The browser's extension API: `browser` in Firefox, `chrome` in Chromium
 * (both promise-based in Manifest V3). */
export const api = globalThis.browser ?? globalThis.chrome;

export const INDEX_KEY = 'dictionaries';
export const BUNDLED_ID = 'bundled';
export const BUNDLED_PATH = 'pkg/world-news.json';
export const WASM_PATH = 'pkg/entity_highlighter_bg.wasm';

export const SITES_KEY = 'sites';

export const textKey = (id) => `dictionary:${id}`;

/** The site of an http(s) address ("https://example.org"), or null for
 * anything else (browser pages, file:, data:, the extension's own pages). */
export function siteOf(address) {
  let url;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  // URL() accepts "*" in a host name; in a match pattern it would stand for
  // every site ("https://*/*"), which is never one site the user chose.
  if (url.hostname.includes('*')) return null;
  return `${url.protocol}//${url.hostname}`;
}

/** Whether `value` is a site exactly as siteOf() writes it. */
export function isSite(value) {
  return typeof value === 'string' && value.length <= 300 && siteOf(value) === value;
}

/** The match pattern that grants, and matches, every page of a site
 * (any port: match patterns in Firefox have none, Chromium's may omit it). */
export const sitePattern = (site) => `${site}/*`;

/** The site a pattern from sitePattern() is for, or null for any other pattern. */
export function patternSite(pattern) {
  if (typeof pattern !== 'string' || !pattern.endsWith('/*')) return null;
  const site = pattern.slice(0, -2);
  return isSite(site) ? site : null;
}

/** The sites turned "always on", in the order they were turned on. */
export async function readSites(storage = api.storage.local) {
  const stored = await storage.get(SITES_KEY);
  const list = stored[SITES_KEY];
  return Array.isArray(list) ? list.filter(isSite) : [];
}

/** Whether a changed storage key affects the matcher. */
export const isDictionaryKey = (key) => key === INDEX_KEY || key.startsWith('dictionary:');

/** The index with defaults filled in (nothing stored yet = bundled only). */
export function normaliseIndex(stored) {
  const index = stored && typeof stored === 'object' ? stored : {};
  return {
    revision: Number.isInteger(index.revision) ? index.revision : 0,
    bundledActive: index.bundledActive !== false,
    added: Array.isArray(index.added) ? index.added.filter((meta) => meta && typeof meta.id === 'string') : [],
  };
}

export async function readIndex(storage = api.storage.local) {
  const stored = await storage.get(INDEX_KEY);
  return normaliseIndex(stored[INDEX_KEY]);
}

/** Whether an added dictionary is a compact index rather than JSON. */
export const isCompact = (meta) => meta.format === 'compact';

/**
 * The active dictionaries in order (bundled first, then added ones in the
 * order they were added), as `{ id, title, compact }`, and the revision
 * read. Only the list: what the engines need is read by loadPart, for the
 * parts that have no engine yet.
 */
export async function readActiveList(storage = api.storage.local) {
  const index = await readIndex(storage);
  const active = [];
  if (index.bundledActive) active.push({ id: BUNDLED_ID, title: 'World news (bundled)', compact: false });
  for (const meta of index.added) {
    if (meta.active !== false) active.push({ id: meta.id, title: meta.title, compact: isCompact(meta) });
  }
  return { revision: index.revision, active };
}

/**
 * What engines the active dictionaries need, in dictionary order: the JSON
 * ones merged into one (mergeDictionaries), in the place of the first of
 * them, and each compact index alone, as it is opened straight from its
 * bytes; none active gives one empty JSON part. Each part is `{ key,
 * compact, ids }`: the key names what the engine holds (dictionaries never
 * change under an id: a new file or address is a new id), so an engine
 * built for a key serves every later list that has the same part.
 */
export function planParts(active) {
  const parts = [];
  let json = null;
  for (const { id, compact } of active) {
    if (compact) {
      parts.push({ key: `compact:${id}`, compact: true, ids: [id] });
    } else if (json) {
      json.ids.push(id);
    } else {
      json = { key: '', compact: false, ids: [id] };
      parts.push(json);
    }
  }
  if (parts.length === 0) parts.push(json = { key: '', compact: false, ids: [] });
  if (json) json.key = `json:${json.ids.join('\n')}`;
  return parts;
}

/**
 * Reads what one part's engine is built from: `{ bytes }` for a compact
 * index, `{ json }` for the JSON dictionaries merged; with `entries`, the
 * part's dictionaries as mergeDictionaries reports them (`entities` null
 * where only the engine can count them) and `skipped`. A dictionary whose
 * text or bytes are missing (a half-finished removal) is left out rather
 * than failing every page. `fetchBundled()` returns the bundled
 * dictionary's JSON text; `readCompact(ids)` the bytes of compact indexes
 * by id (lib/compact-store.js).
 */
export async function loadPart(part, active, { fetchBundled, readCompact, storage = api.storage.local }) {
  const titles = new Map(active.map(({ id, title }) => [id, title]));
  if (part.compact) {
    const [id] = part.ids;
    const bytes = (await readCompact([id])).get(id);
    return bytes ? { bytes, entries: [{ id, title: titles.get(id), entities: null, skipped: 0 }], skipped: 0 } : null;
  }
  const added = part.ids.filter((id) => id !== BUNDLED_ID);
  const texts = added.length > 0 ? await storage.get(added.map(textKey)) : {};
  const sources = [];
  for (const id of part.ids) {
    const text = id === BUNDLED_ID ? await fetchBundled() : texts[textKey(id)];
    if (typeof text === 'string') sources.push({ id, title: titles.get(id), text });
  }
  const merged = mergeDictionaries(sources);
  return { json: merged.json, entries: merged.report.dictionaries, skipped: merged.report.skipped };
}

/**
 * Merges dictionaries into one JSON text for the engine.
 *
 * Entities are concatenated in order. An entity whose `id` an earlier
 * active dictionary already uses is skipped (the first dictionary in the
 * list wins; ids name one entity, so two records for it would only show the
 * reader two cards for the same thing): `report.skipped` counts them, per
 * dictionary and in total, for the options page. One dictionary is passed
 * through untouched; none gives an empty dictionary (nothing is found).
 *
 * @param {{ id: string, title: string, text: string }[]} sources
 * @returns {{ json: string, report: { dictionaries: { id: string, title: string, entities: number|null, skipped: number }[], skipped: number } }}
 */
export function mergeDictionaries(sources) {
  if (sources.length === 0) {
    return { json: JSON.stringify({ name: 'No active dictionary', entities: [] }), report: { dictionaries: [], skipped: 0 } };
  }
  if (sources.length === 1) {
    const [only] = sources;
    return { json: only.text, report: { dictionaries: [{ id: only.id, title: only.title, entities: null, skipped: 0 }], skipped: 0 } };
  }
  const seen = new Set();
  const entities = [];
  const names = [];
  const dates = new Set();
  const dictionaries = [];
  let skippedTotal = 0;
  for (const source of sources) {
    let parsed;
    try {
      parsed = JSON.parse(source.text);
    } catch (error) {
      throw new Error(`the dictionary "${source.title}" is no longer valid JSON (${error.message}); remove it and add it again`);
    }
    const list = Array.isArray(parsed?.entities) ? parsed.entities : [];
    let kept = 0;
    let skipped = 0;
    for (const entity of list) {
      const id = entity && typeof entity === 'object' ? entity.id : undefined;
      if (typeof id === 'string' && seen.has(id)) {
        skipped += 1;
        continue;
      }
      if (typeof id === 'string') seen.add(id);
      entities.push(entity);
      kept += 1;
    }
    names.push(typeof parsed?.name === 'string' && parsed.name ? parsed.name : source.title);
    dates.add(typeof parsed?.as_of === 'string' ? parsed.as_of : '');
    dictionaries.push({ id: source.id, title: source.title, entities: kept, skipped });
    skippedTotal += skipped;
  }
  const merged = { name: names.join(' + '), entities };
  // One date only when every dictionary has the same one; a mix has none.
  if (dates.size === 1 && !dates.has('')) merged.as_of = [...dates][0];
  return { json: JSON.stringify(merged), report: { dictionaries, skipped: skippedTotal } };
}

/** A HighlighterError (or any error) as plain JSON for a message. */
export function errorToJson(error) {
  return {
    kind: typeof error?.kind === 'string' ? error.kind : 'page',
    message: String(error?.message ?? error),
    problems: Array.isArray(error?.problems) ? error.problems.map(({ location, message }) => ({ location: String(location), message: String(message) })) : [],
    problemCount: Number.isSafeInteger(error?.problemCount) ? error.problemCount : Array.isArray(error?.problems) ? error.problems.length : 0,
  };
}
