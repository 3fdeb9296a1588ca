// In-page half of the scale benchmark (bench/run.mjs drives it through
// playwright-core: every step is one `window.bench[name](args)` call, so the
// driver can put a time limit on each and survive a peer that hangs or runs
// out of memory).
//
// Our engine is used only through the public core package
// (/www/core/index.js). For the stage breakdown (extraction, WASM matching,
// mapping offsets to text nodes) the same internal functions the
// highlighter calls are imported and timed one by one.
//
// WASM memory: the wasm-bindgen glue module (/www/pkg/entity_highlighter.js)
// is one module instance per page; once the core has started it, calling its
// default export again returns the same instance's exports without loading
// anything, and `exports.memory` is the module's one WebAssembly.Memory.
// `memory.buffer.byteLength` is its size: everything the engine holds (the
// dictionary or index bytes, automata, buffers), never shrinking. Where the
// page is cross-origin isolated, performance.measureUserAgentSpecificMemory()
// is also read as a cross-check (it counts the whole page: JS heap, DOM and
// the WASM memory).

import { createLocalMatcher, createHighlighter, createWorkerMatcher } from '/www/core/index.js';
import { extractText } from '/www/core/internal/extract.js';
import { mentionPieces, planPieces } from '/www/core/internal/wrap.js';
import initWasm from '/www/pkg/entity_highlighter.js';

const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves after the next frame has been produced (rAF, then a task). */
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const stage = () => document.getElementById('stage');
const SKIP = 'code, pre';

const state = {
  matchers: new Map(),
  texts: new Map(),
  names: null,
  peer: null,
  peerName: null,
  regex: null,
};

function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

function summary(samples) {
  const sorted = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * Times a synchronous call: a warm-up, then `runs` samples (fewer when
 * one sample would blow `budgetMs`). A sample repeats a short call until it
 * lasts `minSampleMs` and keeps the time per call (5 µs timer resolution);
 * at least 3 samples (or `runs`) whatever the budget.
 */
function timeSync(fn, { runs, warmup = 3, minSampleMs = 5, budgetMs = 60_000 }) {
  let last;
  let first = 0;
  // Warm-up: `warmup` calls, or fewer (at least one) once they pass 50 ms.
  const began = now();
  for (let i = 0; i < Math.max(1, warmup); i++) {
    const t = now();
    last = fn();
    first = now() - t;
    if (now() - began > 50) break;
  }
  const repeat = first >= minSampleMs ? 1 : Math.min(10_000, Math.max(1, Math.ceil(minSampleMs / Math.max(first, 0.005))));
  const count = Math.max(Math.min(3, runs), Math.min(runs, Math.floor(budgetMs / Math.max(first * repeat, 0.001))));
  const samples = [];
  for (let i = 0; i < count; i++) {
    const t = now();
    for (let k = 0; k < repeat; k++) last = fn();
    samples.push((now() - t) / repeat);
  }
  return { ...summary(samples), repeat, last };
}

let wasmExports = null;
/** Size of the WASM module's memory in bytes (see the top of this file). */
async function wasmMemoryBytes() {
  if (!wasmExports) wasmExports = await initWasm();
  return wasmExports.memory.buffer.byteLength;
}

async function uaMemoryBytes(timeoutMs = 10_000) {
  if (!globalThis.crossOriginIsolated || typeof performance.measureUserAgentSpecificMemory !== 'function') return null;
  try {
    const result = await Promise.race([performance.measureUserAgentSpecificMemory(), sleep(timeoutMs).then(() => null)]);
    return result?.bytes ?? null;
  } catch {
    return null;
  }
}

function jsHeapBytes() {
  return performance.memory?.usedJSHeapSize ?? null;
}

// --- environment -------------------------------------------------------------

async function environment() {
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    gcExposed: typeof globalThis.gc === 'function',
    measureUserAgentSpecificMemory: typeof performance.measureUserAgentSpecificMemory === 'function',
    highlightApi: typeof CSS !== 'undefined' && 'highlights' in CSS,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

// --- our engine ----------------------------------------------------------------

/** Cold start in a fresh page: WASM start-up and the bundled dictionary. */
async function startup({ dictionary }) {
  const t = now();
  const matcher = await createLocalMatcher({ dictionary });
  const total = now() - t;
  state.matchers.set('startup', matcher);
  return { ...matcher.timings, total, wasmBytes: await wasmMemoryBytes() };
}

/**
 * Loads a dictionary `runs` times (each a new engine; all but the last
 * freed) and keeps the last under `config`. Times: dictionaryReady (fetch
 * start → ready), dictionaryBuild (bytes arrived → ready).
 */
async function loadDictionary({ config, url, foldDiacritics = true, runs = 1 }) {
  const ready = [];
  const build = [];
  let matcher = null;
  let bytes = 0;
  const before = await wasmMemoryBytes().catch(() => null);
  let memoryAfterFirst = null;
  for (let i = 0; i < runs; i++) {
    if (matcher) {
      matcher.free();
      matcher = null;
    }
    collectGarbage();
    matcher = await createLocalMatcher({ dictionary: url, foldDiacritics });
    ready.push(matcher.timings.dictionaryReady);
    build.push(matcher.timings.dictionaryBuild);
    bytes = matcher.timings.dictionaryBytes;
    if (i === 0) memoryAfterFirst = await wasmMemoryBytes();
  }
  state.matchers.set(config, matcher);
  const info = await matcher.info();
  return {
    dictionaryReady: summary(ready),
    dictionaryBuild: summary(build),
    dictionaryBytes: bytes,
    entityCount: info.entityCount,
    wasmBytesBefore: before,
    wasmBytesAfterFirst: memoryAfterFirst,
    wasmBytes: await wasmMemoryBytes(),
  };
}

/** The dictionary in a worker (the highlighter's `worker` option), for
 * highlightPage and longTasks. Its memory is the worker's, not read here. */
async function loadWorkerMatcher({ config, url }) {
  state.matchers.get(config)?.free();
  const began = now();
  const matcher = await createWorkerMatcher({ dictionary: url });
  if (!matcher) throw new Error('this page could not start a worker');
  state.matchers.set(config, matcher);
  return { ready: now() - began, timings: matcher.timings };
}

function freeDictionary({ config }) {
  state.matchers.get(config)?.free();
  state.matchers.delete(config);
  collectGarbage();
  return true;
}

async function loadText({ key, url }) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const text = await response.text();
  state.texts.set(key, text);
  return { key, length: text.length, bytes: new TextEncoder().encode(text).length };
}

/** Distinct (start, end) spans of a triple array, flat. */
function spansOf(triples) {
  const spans = [];
  for (let i = 0; i < triples.length; i += 3) {
    const n = spans.length;
    if (n && spans[n - 2] === triples[i] && spans[n - 1] === triples[i + 1]) continue;
    spans.push(triples[i], triples[i + 1]);
  }
  return spans;
}

/**
 * Our engine on a plain text: one `engine.find(text)` call (the text into
 * WASM, triples of UTF-16 offsets and entity numbers back), the work the
 * native side times as `Matcher::find`. Then, apart (`withRecords`), the
 * shell's `matchNow(text)`, which also looks up each triple's entity
 * record, to show what that step adds.
 */
function matchText({ config, text, runs, warmup = 3, budgetMs = 30_000, wantSpans = false }) {
  const matcher = state.matchers.get(config);
  const input = state.texts.get(text);
  const result = timeSync(() => matcher.engine.find(input), { runs, warmup, budgetMs });
  const spans = spansOf(result.last);
  delete result.last;
  // (Not for the exact-case configurations, whose spans are the
  // reference for the peers and whose dictionaries compile slowest.)
  const withRecords = wantSpans ? null : timeSync(() => matcher.matchNow(input), { runs, warmup, budgetMs });
  if (withRecords) delete withRecords.last;
  return { ...result, mentions: spans.length / 2, spans: wantSpans ? spans : undefined, withRecords };
}

// --- pages -----------------------------------------------------------------------

/**
 * Puts a page into #stage: an HTML document's body (and its style sheets;
 * scripts never run), or a plain text as paragraphs.
 */
async function loadPage({ url, kind = 'html' }) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const source = await response.text();
  const root = stage();
  root.replaceChildren();
  if (kind === 'txt') {
    const article = document.createElement('article');
    for (const paragraph of source.split(/\n\s*\n/)) {
      if (!paragraph.trim()) continue;
      const p = document.createElement('p');
      p.textContent = paragraph.trim();
      article.append(p);
    }
    root.append(article);
  } else {
    const doc = new DOMParser().parseFromString(source, 'text/html');
    for (const script of doc.querySelectorAll('script')) script.remove();
    for (const style of doc.querySelectorAll('style')) root.append(document.importNode(style, true));
    for (const child of [...doc.body.childNodes]) root.append(document.adoptNode(child));
  }
  let textNodes = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) textNodes++;
  await nextFrame();
  return { url, textNodes, elements: root.getElementsByTagName('*').length, characters: root.textContent.length };
}

/** Whether any mention is shown in #stage: painted or wrapped. */
function highlightsPresent() {
  for (const highlight of CSS.highlights.values()) if (highlight.size > 0) return true;
  return stage().querySelector('entity-mention') !== null;
}

/** Groups triples into mentions, as the highlighter does. */
function groupMentions({ triples, entities }, text) {
  const mentions = [];
  for (let i = 0; i < triples.length;) {
    const start = triples[i];
    const end = triples[i + 1];
    const candidates = [];
    for (; i < triples.length && triples[i] === start && triples[i + 1] === end; i += 3) candidates.push(entities[triples[i + 2]]);
    mentions.push({ id: 0, entity: candidates[0], candidates, text: text.slice(start, end), start, end, elements: [] });
  }
  return mentions;
}

/**
 * Stage breakdown on the page in #stage, without changing it: extraction
 * (DOM → one string), matching (one WASM call), mapping offsets (grouping
 * triples into mentions and mapping them to text-node pieces).
 */
function pageStages({ config, mode = 'wrap', runs, wantTexts = false }) {
  const matcher = state.matchers.get(config);
  const roots = [stage()];
  const extraction = timeSync(() => extractText(roots, { skipSelector: SKIP }), { runs });
  const extracted = extraction.last;
  delete extraction.last;
  const matching = timeSync(() => matcher.matchNow(extracted.text), { runs });
  const found = matching.last;
  delete matching.last;
  const mapping = timeSync(() => {
    const mentions = groupMentions(found, extracted.text);
    return mode === 'paint' ? mentions.map((m) => mentionPieces(m, extracted.nodes, extracted.starts)) : planPieces(mentions, extracted.nodes, extracted.starts);
  }, { runs });
  delete mapping.last;
  const mentions = groupMentions(found, extracted.text);
  return {
    extraction, matching, mapping,
    textLength: extracted.text.length,
    textBytes: new TextEncoder().encode(extracted.text).length,
    nodes: extracted.nodes.length,
    mentions: mentions.length,
    texts: wantTexts ? mentions.map((m) => m.text) : undefined,
  };
}

/**
 * Full highlights of the page in #stage with the public API, one
 * highlighter per entry of `passes` ({ config, mode }), taking turns: each
 * round runs every one once, in an order that rotates, so all of them see
 * the same minutes of a shared machine's load. `runs` rounds after a
 * warm-up (fewer, but at least `minRuns`, once the rounds have taken
 * `budgetMs` per highlighter). For each, in order: the wall time of
 * `await highlighter.highlight()` (e2e), the highlighter's own stage
 * timings, and the time to the next frame.
 */
async function highlightPageModes({ passes, runs, warmup = 1, budgetMs = 60_000, minRuns = 3 }) {
  const runners = [];
  for (const { config, mode } of passes) {
    const highlighter = await createHighlighter({ root: stage(), matcher: state.matchers.get(config), mode });
    runners.push({ highlighter, rows: [], mentions: 0, elements: 0 });
  }
  let measuring = 0;
  for (let i = 0; i < warmup + runs; i++) {
    if (i === warmup) measuring = now();
    if (i > warmup && runners.every((r) => r.rows.length >= minRuns) && now() - measuring > budgetMs * runners.length) break;
    for (let k = 0; k < runners.length; k++) {
      const runner = runners[(i + k) % runners.length];
      const { highlighter } = runner;
      collectGarbage();
      await nextFrame();
      // The first frame that has highlights to show: a rAF callback that
      // finds some sees the frame about to paint them.
      let shown = null;
      let watching = true;
      const look = () => {
        if (!watching) return;
        if (shown === null && highlightsPresent()) shown = now();
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
      const t0 = now();
      const result = await highlighter.highlight();
      const t1 = now();
      await nextFrame();
      const t2 = now();
      watching = false;
      runner.mentions = result.mentions.length;
      runner.elements = result.mentions.reduce((sum, m) => sum + m.elements.length, 0);
      if (i >= warmup) runner.rows.push({ e2e: t1 - t0, frame: t2 - t1, firstShown: (shown ?? t2) - t0, ...result.timings });
      // The next highlighter finds the page as served.
      highlighter.clear();
    }
  }
  const wasmBytes = await wasmMemoryBytes();
  return runners.map(({ highlighter, rows, mentions, elements }) => {
    const pick = (key) => summary(rows.map((row) => row[key]));
    const mode = highlighter.mode;
    highlighter.destroy();
    return {
      mode,
      mentions,
      wrappers: elements,
      e2e: pick('e2e'),
      extraction: pick('extraction'),
      matching: pick('matching'),
      domChanges: pick('domChanges'),
      frame: pick('frame'),
      firstShown: pick('firstShown'),
      busy: summary(rows.map((row) => row.extraction + row.matching + row.domChanges)),
      wasmBytes,
    };
  });
}

/** Long tasks (PerformanceObserver 'longtask', ≥ 50 ms) during one full
 * highlight of the page in #stage, up to the next frame. */
async function longTasks({ config, mode }) {
  const entries = [];
  const frames = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.entryType === 'longtask') entries.push({ start: entry.startTime, duration: entry.duration });
      else {
        // Long animation frames (≥ 50 ms): how much of each went to
        // rendering (style, layout, paint) after the frame's tasks.
        const end = entry.startTime + entry.duration;
        frames.push({ start: entry.startTime, duration: entry.duration, render: entry.renderStart ? end - entry.renderStart : 0, styleLayout: entry.styleAndLayoutStart ? end - entry.styleAndLayoutStart : 0 });
      }
    }
  });
  observer.observe({ type: 'longtask' });
  const loaf = PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame');
  if (loaf) observer.observe({ type: 'long-animation-frame' });
  const highlighter = await createHighlighter({ root: stage(), matcher: state.matchers.get(config), mode });
  await highlighter.highlight();
  highlighter.clear();
  collectGarbage();
  await nextFrame();
  await sleep(200);
  const t0 = now();
  const result = await highlighter.highlight();
  const t1 = now();
  await nextFrame();
  const t2 = now();
  await sleep(300);
  observer.disconnect();
  highlighter.clear();
  highlighter.destroy();
  const during = entries.filter((e) => e.start + e.duration >= t0 && e.start <= t2);
  const framesDuring = frames.filter((e) => e.start + e.duration >= t0 && e.start <= t2);
  return {
    longFrames: loaf ? { count: framesDuring.length, total: framesDuring.reduce((s, f) => s + f.duration, 0), render: framesDuring.reduce((s, f) => s + f.render, 0), styleLayout: framesDuring.reduce((s, f) => s + f.styleLayout, 0) } : null,
    mode,
    e2e: t1 - t0,
    toFrame: t2 - t0,
    mentions: result.mentions.length,
    timings: result.timings,
    longTasks: during.map((e) => ({ start: e.start - t0, duration: e.duration })),
    maxTask: during.reduce((max, e) => Math.max(max, e.duration), 0),
  };
}

/** Highlights several pages in a row (wrap mode, load → highlight → clear)
 * and reads the WASM memory after each. */
async function memorySequence({ config, pages }) {
  const series = [];
  for (const page of pages) {
    await loadPage(page);
    const highlighter = await createHighlighter({ root: stage(), matcher: state.matchers.get(config), mode: 'wrap' });
    const result = await highlighter.highlight();
    highlighter.clear();
    highlighter.destroy();
    collectGarbage();
    series.push({ page: page.key, mentions: result.mentions.length, wasmBytes: await wasmMemoryBytes(), jsHeapBytes: jsHeapBytes() });
  }
  const ua = await uaMemoryBytes();
  return { series, uaBytes: ua };
}

// --- peers -----------------------------------------------------------------------

// In a `u` expression only syntax characters and '/' may be escaped.
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One alternation of every name, longest first (so that, at one start,
 * the longest valid name wins, as with ours), whole words by lookarounds. */
function buildRegExp(names) {
  const sorted = [...names].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  const source = `(?<![\\p{L}\\p{N}])(?:${sorted.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`;
  const regex = new RegExp(source, 'gu');
  // V8 compiles a regular expression at its first use, once per string
  // width: compile both here, as part of the build.
  regex.lastIndex = 0;
  regex.exec('warm up');
  regex.lastIndex = 0;
  regex.exec('warm up \u2014 \u00e9\u4e00');
  regex.lastIndex = 0;
  return regex;
}

const PEERS = {
  'modern-ahocorasick': {
    module: '/node_modules/modern-ahocorasick/dist/index.js',
    build: (mod, names) => new mod.default(names),
    // Every occurrence (strategy "all", the default), as UTF-16 spans.
    search: (matcher, text) => {
      const hits = matcher.search(text);
      const spans = new Array(hits.length * 2);
      for (let i = 0; i < hits.length; i++) {
        spans[2 * i] = hits[i].start;
        spans[2 * i + 1] = hits[i].end;
      }
      return spans;
    },
    filtered: false,
  },
  '@monyone/aho-corasick': {
    module: '/node_modules/@monyone/aho-corasick/dist/index.mjs',
    build: (mod, names) => new mod.AhoCorasick(names),
    search: (matcher, text) => {
      const hits = matcher.matchInText(text);
      const spans = new Array(hits.length * 2);
      for (let i = 0; i < hits.length; i++) {
        spans[2 * i] = hits[i].begin;
        spans[2 * i + 1] = hits[i].end;
      }
      return spans;
    },
    filtered: false,
  },
  '@monyone/aho-corasick/fast': {
    module: '/node_modules/@monyone/aho-corasick/dist/fast.mjs',
    build: (mod, names) => new mod.AhoCorasick(names),
    search: (matcher, text) => PEERS['@monyone/aho-corasick'].search(matcher, text),
    filtered: false,
  },
  RegExp: {
    module: null,
    build: (_, names) => buildRegExp(names),
    // Leftmost, longest alternative first, whole words: already the same
    // selection as ours.
    search: (regex, text) => {
      const spans = [];
      regex.lastIndex = 0;
      for (let m = regex.exec(text); m; m = regex.exec(text)) spans.push(m.index, m.index + m[0].length);
      return spans;
    },
    filtered: true,
  },
};

const WORD = /[\p{L}\p{N}]/u;
function codePointBefore(text, i) {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text[i - 1];
}
function codePointAt(text, i) {
  if (i >= text.length) return '';
  return String.fromCodePoint(text.codePointAt(i));
}

/**
 * Turns an automaton's overlapping occurrences into what ours reports:
 * whole words only (no letter or digit just outside, as the RegExp
 * lookarounds), then leftmost, longest at one start, non-overlapping.
 */
function selectWholeWords(text, spans) {
  const valid = [];
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i];
    const end = spans[i + 1];
    if (WORD.test(codePointBefore(text, start)) || WORD.test(codePointAt(text, end))) continue;
    valid.push([start, end]);
  }
  valid.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out = [];
  let takenUntil = 0;
  for (const [start, end] of valid) {
    if (start < takenUntil) continue;
    out.push(start, end);
    takenUntil = end;
  }
  return out;
}

async function peerLoadNames({ url }) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  state.names = await response.json();
  return { names: state.names.length };
}

/** Builds the peer's matcher `runs` times (once when a build takes more
 * than a second) and keeps the last. */
async function peerBuild({ peer, runs }) {
  const spec = PEERS[peer];
  const mod = spec.module ? await import(spec.module) : null;
  const heapBefore = jsHeapBytes();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    state.peer = null;
    collectGarbage();
    const t = now();
    state.peer = spec.build(mod, state.names);
    samples.push(now() - t);
    if (samples[0] > 1000) break;
  }
  state.peerName = peer;
  collectGarbage();
  return { build: summary(samples), jsHeapBytes: jsHeapBytes(), jsHeapGrowth: heapBefore === null ? null : jsHeapBytes() - heapBefore };
}

/** Search throughput of the peer on a plain text, then the selection that
 * makes its output comparable with ours (timed apart). */
function peerSearch({ text, runs, budgetMs = 20_000, wantSpans = true }) {
  const spec = PEERS[state.peerName];
  const input = state.texts.get(text);
  const search = timeSync(() => spec.search(state.peer, input), { runs, budgetMs });
  const raw = search.last;
  delete search.last;
  let select = null;
  let spans = raw;
  if (!spec.filtered) {
    select = timeSync(() => selectWholeWords(input, raw), { runs: Math.min(runs, 5), budgetMs: 5_000 });
    spans = select.last;
    delete select.last;
  }
  return { search, select, occurrences: raw.length / 2, mentions: spans.length / 2, spans: wantSpans ? spans : undefined };
}

/** mark.js: prepares its expression (the RegExp peer's). */
function markPrepare() {
  const t = now();
  state.regex = buildRegExp(state.names);
  return { build: now() - t };
}

/**
 * One mark.js run on the page in #stage (freshly loaded by the caller):
 * markRegExp across elements. Returns its time and the text of each match
 * (pieces of one match, adjacent in the text, are joined).
 */
async function markRun() {
  const root = stage();
  collectGarbage();
  await nextFrame();
  const regex = state.regex;
  regex.lastIndex = 0;
  const t = now();
  const total = await new Promise((resolve) => {
    new window.Mark(root).markRegExp(regex, { acrossElements: true, exclude: ['code', 'pre', 'noscript', 'template', 'textarea'], done: resolve });
  });
  const ms = now() - t;
  // Join marks with no text between them (pieces of one match).
  const texts = [];
  let previous = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let gap = true;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const mark = node.parentElement?.closest('mark[data-markjs]');
    if (mark) {
      if (mark !== previous) {
        if (gap || texts.length === 0) texts.push(node.data);
        else texts[texts.length - 1] += node.data;
        previous = mark;
      } else {
        texts[texts.length - 1] += node.data;
      }
      gap = false;
    } else if (node.data.length > 0) {
      gap = true;
      previous = null;
    }
  }
  return { ms, marks: total, mentions: texts.length, texts };
}

window.bench = {
  environment, startup, loadDictionary, loadWorkerMatcher, freeDictionary, loadText, matchText, loadPage, pageStages, highlightPageModes, longTasks,
  memorySequence, peerLoadNames, peerBuild, peerSearch, markPrepare, markRun, wasmMemoryBytes, uaMemoryBytes,
};
window.benchReady = true;
