#!/usr/bin/env node
// The scale benchmark (a command, not a test):
//
//   node bench/run.mjs [--quick] [--runs N] [--budget SECONDS] [--data DIR]
//                      [--skip-native] [--skip-browser] [--no-docs] [--verbose]
//                      [--only bundled,100k,1m]
//
// 1. Native: `cargo bench --bench scale` (benches/scale.rs) on the bundled
//    dictionary, names-100k and names-1m, and article / news-100k / news-1mb:
//    full compiled matcher, compact index, raw aho-corasick crate
//    → target/bench/native.json.
// 2. Browser: headless Chromium on bench/page/ (served by bench/lib/server.mjs):
//    WASM start-up, dictionary fetch-to-ready, matching, the news pages
//    (extraction, matching, mapping, DOM changes, paint mode), long tasks,
//    WASM memory over 5 pages, and the JS peers (modern-ahocorasick,
//    @monyone/aho-corasick, one RegExp, mark.js) on the same names and
//    texts, their mentions compared with ours → target/bench/browser.json.
// 3. Report: markdown tables and PASS/FAIL per target on stdout,
//    target/bench/results.json, docs/bench-chart.svg, docs/BENCHMARKS.md.
//
// --quick: 3 runs, 10 s budgets, no full 1M build or raw crate on 1M
// natively, mark.js on news-100k only, shorter peer time limits (for
// development). --skip-native / --skip-browser reuse the last JSON of that
// part. --no-docs leaves docs/ alone; --verbose logs every in-page call;
// --only measures only the dictionaries named (for development). Data: target/bench-data (made by
// scripts/build-bench-data), or --data DIR with the same file names.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DICTIONARIES, TEXTS, gzipSize, indexSections, prepareData, wasmSections } from './lib/data.mjs';
import { startBenchServer } from './lib/server.mjs';
import { runBrowser } from './lib/browser.mjs';
import * as report from './lib/report.mjs';
import { renderChart } from './lib/chart.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'target', 'bench');

function usage(problem) {
  if (problem) console.error(`bench/run.mjs: ${problem}`);
  console.error('usage: node bench/run.mjs [--quick] [--runs N] [--budget SECONDS] [--data DIR] [--skip-native] [--skip-browser] [--no-docs] [--verbose] [--only bundled,100k,1m]');
  process.exit(problem ? 2 : 0);
}

function parseArgs(argv) {
  const options = { quick: false, runs: null, budget: null, data: path.join(ROOT, 'target', 'bench-data'), skipNative: false, skipBrowser: false, docs: true, verbose: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--budget') options.budget = Number(value());
    else if (arg === '--data') options.data = path.resolve(value());
    else if (arg === '--skip-native') options.skipNative = true;
    else if (arg === '--skip-browser') options.skipBrowser = true;
    else if (arg === '--no-docs') options.docs = false;
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--only') options.only = value().split(',');
    else if (arg === '-h' || arg === '--help') usage();
    else usage(`unknown argument ${arg}`);
  }
  if (options.runs !== null && !(Number.isInteger(options.runs) && options.runs >= 1)) usage('--runs needs a whole number ≥ 1');
  if (options.budget !== null && !(options.budget > 0)) usage('--budget needs a number of seconds > 0');
  options.runs ??= options.quick ? 3 : 10;
  options.budget ??= options.quick ? 10 : 30;
  return options;
}

const log = (message) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function commandOutput(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Rebuilds www/pkg when it is missing or older than the Rust sources. */
function ensureWasm() {
  const wasm = path.join(ROOT, 'www', 'pkg', 'entity_highlighter_bg.wasm');
  const sources = [path.join(ROOT, 'Cargo.toml'), ...readdirSync(path.join(ROOT, 'src')).map((f) => path.join(ROOT, 'src', f))];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(wasm) && statSync(wasm).mtimeMs >= newest) return;
  log('www/pkg is missing or older than src/: node scripts/build-wasm.mjs');
  const r = spawnSync('node', ['scripts/build-wasm.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status === 0) return;
  if (!existsSync(wasm)) throw new Error('the WASM build failed and there is no earlier build in www/pkg');
  log('the WASM build failed; measuring the earlier build in www/pkg');
}

function runNative(options) {
  const args = ['bench', '--bench', 'scale', '--', options.data, '--runs', String(options.runs), '--out', path.join(OUT, 'native.json')];
  if (options.quick) args.push('--quick');
  if (options.only) args.push('--only', options.only.join(','));
  log(`native: cargo ${args.join(' ')}`);
  const r = spawnSync('cargo', args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`cargo bench --bench scale failed (exit ${r.status ?? r.signal})`);
}

/**
 * The scale bench's executable as cargo built it, so that the runs next to
 * the browser time the engine built at the start of the run (cargo would
 * rebuild it if src/ changed meanwhile) without cargo's own start-up.
 */
function scaleExecutable() {
  const r = spawnSync('cargo', ['bench', '--bench', 'scale', '--no-run', '--message-format=json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return null;
  for (const line of r.stdout.split('\n')) {
    try {
      const message = JSON.parse(line);
      if (message.reason === 'compiler-artifact' && message.target?.name === 'scale' && message.executable) return message.executable;
    } catch {
      // Not a JSON line.
    }
  }
  return null;
}

/**
 * Times natively what the browser has just timed for `config` (its
 * dictionary, compiled whole or as an index), so that the WASM / native
 * ratio compares two measurements taken a minute apart rather than a
 * quarter of an hour (the native part runs first). Returns
 * { text key: median ms } or null when the native run fails.
 */
function nativeNext(options, executable, config) {
  const out = path.join(OUT, 'native-next.json');
  const args = [options.data, '--runs', String(options.runs), '--out', out, '--only', config.dict, '--no-full-1m', '--no-raw-1m'];
  if (options.quick) args.push('--quick');
  log(`native, next to the browser: ${config.label}`);
  rmSync(out, { force: true });
  const r = spawnSync(executable, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 10 * 60_000 });
  const d = r.status === 0 ? readJson(out)?.dictionaries?.find((x) => x.key === config.dict) : null;
  if (!d) {
    log(`native, next to the browser: failed for ${config.label} (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); the ratio uses the native part's figure`);
    return null;
  }
  const texts = config.kind === 'index' ? d.index?.texts : d.full?.texts;
  return Object.fromEntries((texts ?? []).map((t) => [t.text, config.kind === 'index' ? t.total?.ms : t.search?.ms]).filter(([, ms]) => ms > 0));
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

async function sizes(prepared, options) {
  const cache = path.join(OUT, 'gzip-sizes.json');
  const files = [
    { key: 'wasm', label: '`entity_highlighter_bg.wasm`', file: path.join(ROOT, 'www', 'pkg', 'entity_highlighter_bg.wasm') },
    { key: 'glue', label: '`entity_highlighter.js` (glue)', file: path.join(ROOT, 'www', 'pkg', 'entity_highlighter.js') },
    { key: 'json-bundled', label: 'bundled `world-news.json`', file: prepared.bundled?.source },
    { key: 'json-100k', label: '`names-100k.json`', file: prepared['100k']?.source },
    { key: 'index-100k', label: 'names-100k index (`.ehx`)', file: prepared['100k']?.index },
    { key: 'txt-100k', label: '`names-100k.txt` (plain list)', file: path.join(options.data, 'names-100k.txt') },
    { key: 'json-1m', label: '`names-1m.json`', file: prepared['1m']?.source },
    { key: 'index-1m', label: 'names-1m index (`.ehx`)', file: prepared['1m']?.index },
    { key: 'txt-1m', label: '`names-1m.txt` (plain list)', file: path.join(options.data, 'names-1m.txt') },
  ];
  const out = [];
  for (const f of files) {
    if (!f.file || !existsSync(f.file)) {
      out.push({ ...f, raw: null, gzip: null });
      continue;
    }
    out.push({ key: f.key, label: f.label, file: path.relative(ROOT, f.file), raw: statSync(f.file).size, gzip: await gzipSize(f.file, cache) });
  }
  let sections = null;
  try {
    if (prepared['1m']?.index) sections = indexSections(prepared['1m'].index, cache);
  } catch (error) {
    log(`could not read the sections of the 1M index: ${error.message}`);
  }
  let wasm = null;
  try {
    wasm = wasmSections(files[0].file);
  } catch (error) {
    log(`could not read the sections of the .wasm: ${error.message}`);
  }
  return { files: out, indexSections: sections, wasmSections: wasm };
}

function plan(options, prepared, executable) {
  const quick = options.quick;
  const runs = options.runs;
  const configs = [];
  const dictionaries = [];
  for (const d of DICTIONARIES) {
    const p = prepared[d.key];
    if (!p || (options.only && !options.only.includes(d.key))) continue;
    const rel = (file) => `/bench-out/${path.basename(file)}`;
    dictionaries.push({ key: d.key, label: d.label, namesUrl: rel(p.names), defaultConfig: report.PRIMARY[d.key] });
    if (d.key === 'bundled') {
      configs.push({ key: 'bundled', dict: 'bundled', kind: 'json', label: 'bundled, JSON', url: d.url, foldDiacritics: true, loadRuns: runs, memorySequence: true });
      configs.push({ key: 'bundled-exact', dict: 'bundled', kind: 'json', exact: true, label: 'bundled, JSON, exact case', url: rel(p.exact), foldDiacritics: false, loadRuns: 1 });
    } else if (d.key === '100k') {
      configs.push({ key: '100k', dict: '100k', kind: 'json', label: 'names-100k, JSON (compiled whole)', url: d.url, foldDiacritics: true, loadRuns: Math.min(runs, 3) });
      configs.push({ key: '100k-index', dict: '100k', kind: 'index', label: 'names-100k, index', url: rel(p.index), foldDiacritics: true, loadRuns: runs, memorySequence: true, worker: true });
      configs.push({ key: '100k-exact', dict: '100k', kind: 'json', exact: true, label: 'names-100k, JSON, exact case', url: rel(p.exact), foldDiacritics: false, loadRuns: 1 });
    } else if (d.key === '1m') {
      configs.push({ key: '1m-index', dict: '1m', kind: 'index', label: 'names-1m, index', url: rel(p.index), foldDiacritics: true, loadRuns: runs, memorySequence: true, worker: true });
      configs.push({ key: '1m-exact', dict: '1m', kind: 'index', exact: true, label: 'names-1m, index, exact case', url: rel(p.exactIndex), foldDiacritics: false, loadRuns: 1 });
    }
  }
  const texts = TEXTS.filter((t) => existsSync(path.join(options.data, t.file))).map((t) => ({ ...t, html: t.html && existsSync(path.join(options.data, t.html)) ? t.html : null }));
  return {
    runs, quick, verbose: options.verbose, budgetMs: options.budget * 1000, dataDir: options.data, configs, dictionaries, texts,
    markPages: quick ? ['news-100k'] : ['news-100k', 'news-1mb'],
    peerBuildTimeoutMs: quick ? 60_000 : 90_000,
    peerSearchTimeoutMs: quick ? 60_000 : 180_000,
    markTimeoutMs: 20_000,
    nativeNext: executable ? (config) => nativeNext(options, executable, config) : null,
  };
}

function chartPanels(m) {
  const panels = [];
  for (const text of ['news-100k', 'news-1mb']) {
    if (!m.texts.some((t) => t.key === text)) continue;
    const bytes = m.textBytes(text);
    const mbs = (ms) => (ms > 0 ? bytes / 1e6 / (ms / 1000) : null);
    const groups = m.dictionaries.map((d) => {
      const values = {};
      const config = m.browser?.configs?.[report.PRIMARY[d.key]];
      if (config) values['ours-wasm'] = config.texts?.[text]?.median ? mbs(config.texts[text].median) : 'failed';
      const nativeMs = config ? m.nativeMs(config, text) : null;
      values['ours-native'] = nativeMs ? mbs(nativeMs) : 'not run';
      const raw = m.nativeDict(d.key)?.raw?.texts?.find((t) => t.text === text);
      values.crate = raw ? mbs(raw.search.ms) : 'not run';
      for (const name of ['modern-ahocorasick', '@monyone/aho-corasick', '@monyone/aho-corasick/fast', 'RegExp']) {
        const r = m.peer(name, d.key);
        if (!r) continue;
        const x = r.texts?.[text];
        values[name] = x?.search?.median ? mbs(x.search.median) : r.error?.startsWith('did not finish') ? 'DNF' : 'failed';
      }
      const markEntry = m.browser?.mark?.[d.key]?.pages?.[text];
      if (markEntry) values['mark.js'] = markEntry.error ? (markEntry.error.startsWith('did not finish') ? 'DNF' : 'failed') : (markEntry.textBytes ? markEntry.textBytes / 1e6 / (markEntry.ms / 1000) : null);
      const label = d.key === '1m' ? `${d.label} (ours: index)` : d.key === '100k' ? `${d.label} (ours: compiled whole)` : d.label;
      return { label, values };
    });
    panels.push({ title: `${text}.txt (${(bytes / 1e6).toFixed(2)} MB)`, groups });
  }
  return panels;
}

function markdown({ meta, m, rat, checks, tables }) {
  const lines = [];
  const status = (c) => (c.pass === null ? 'NOT MEASURED' : c.pass ? 'PASS' : 'FAIL');
  lines.push('# Benchmarks: scale', '');
  lines.push(`Generated by \`${meta.command}\` on ${meta.date}. Do not edit by hand: run it again.`, '');
  lines.push('## Machine', '');
  lines.push(`- CPU: ${meta.machine.cpu}, ${meta.machine.cores} cores; ${meta.machine.memoryGB} GB RAM; ${meta.machine.os}`);
  lines.push(`- Load: 1-minute load average every 5 s during the run, mean ${meta.machine.loadMean ?? '–'}, max ${meta.machine.loadMax ?? '–'}; the benchmark itself keeps about one core busy (${meta.machine.loadNote}). Load averages at start ${meta.machine.loadStart}, at end ${meta.machine.loadEnd}.`);
  lines.push(`- ${meta.versions.chromium}; Node.js ${meta.versions.node}; ${meta.versions.rustc}`);
  lines.push(`- Runs: medians of ${meta.runs} samples after a warm-up; a measurement whose samples would take longer than ${meta.budgetS} s gets fewer (at least 3; the n column); a short one repeats the call until a sample lasts 5 ms. Full highlights of a page take turns, every mode (wrap, paint, each with and without a worker) once per round, so that all see the same load; the article and news-100k get three times the rounds. Total run time ${meta.totalMinutes} min.`);
  lines.push(`- Data: \`${meta.data}\` (\`scripts/build-bench-data\`, see docs/BENCH-DATA.md); texts: ${m.texts.map((t) => `${t.key} ${(m.textBytes(t.key) / 1e3).toFixed(0)} KB`).join(', ')}.`, '');
  lines.push('![Matching throughput per engine and dictionary, MB/s, log scale](bench-chart.svg)', '');
  lines.push('## How to run', '');
  lines.push('```sh', 'scripts/build-bench-data          # once: target/bench-data/ (docs/BENCH-DATA.md)', 'node bench/run.mjs                # full run, 10 runs per measurement (about 20 minutes on 2 cores)', 'node bench/run.mjs --quick        # 3 runs, shorter limits, fewer slow cases: for development', '```', '');
  lines.push('Other options: `--runs N`, `--budget SECONDS` (time allowed per measurement before it takes fewer samples, default 30), `--data DIR`, `--only bundled,100k,1m`, `--skip-native` / `--skip-browser` (reuse the last `target/bench/native.json` / `browser.json`; with both, only this page and the chart are written again), `--no-docs`, `--verbose`. It needs the WASM build (`node scripts/build-wasm.mjs`; rebuilt when older than `src/`), Debian\'s Chromium and the npm dev dependencies. Native part alone: `cargo bench --bench scale -- target/bench-data [--quick] [--runs N]`. Everything measured is in `target/bench/results.json`.', '');
  lines.push('## Targets', '');
  const sentence = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  lines.push(...checks.map((c) => `- **${status(c)}** ${c.title}: ${c.measured}.${c.why ? ` ${sentence(c.why)}.` : ''}`), '');
  lines.push('## Ours against the fastest JS peer and against native', '');
  lines.push('Ours: the bundled and 100k dictionaries compiled whole, the 1M one as an index (the only way it loads in a browser); all with the default rules (case, Unicode folding, diacritics, word boundaries, UTF-16 offsets). Peers: plain search time (their own output, before the selection that makes it comparable). Native: the same engine built for x86-64 (`benches/scale.rs`), timed again right after the browser has timed each configuration (`cargo bench --bench scale -- --only KEY`), so that both sides of a ratio see about the same load on the machine.', '');
  lines.push(report.ratioTable(rat), '');
  lines.push('## Transfer sizes', '', report.sizesTable(m), '');
  if (m.sizes.wasmSections) lines.push('Where the `.wasm`\'s bytes are (its sections, each gzipped alone):', '', report.wasmSectionsTable(m), '');
  if (m.sizes.indexSections) lines.push('Where the 1M index\'s bytes are (sections of the `.ehx` file, each gzipped alone):', '', report.sectionsTable(m), '');
  lines.push('## Native (Rust)', '');
  lines.push('`cargo bench --bench scale`. Full matcher: one automaton of every name. Index: per text, select the names whose words all occur in the text and compile them (select+build), then search. The aho-corasick crate alone: leftmost-longest, ASCII case-insensitive, no folding, word, case or offset rules (it reports more, and different, matches).', '');
  lines.push(...tables.native.flatMap((t) => [t, '']));
  lines.push('## Browser: dictionary ready and memory', '');
  lines.push(`WASM start-up (fetch, compile and instantiate the module): **${report.fmt(m.browser?.startup?.wasmStartup)} ms** cold (a new browser each time, median of ${m.browser?.startup?.samples?.length ?? 0}); ${report.fmt(m.browser?.startup?.warm)} ms in a new context of a browser that has already started it (median of ${m.browser?.startup?.warmSamples?.length ?? 0}).`, '');
  lines.push(report.loadTable(m), '');
  lines.push('## Browser: matching plain texts', '');
  lines.push('One `engine.find(text)` call of the core (the whole text into WASM, triples of UTF-16 offsets and entity numbers back), the work the native side times as `Matcher::find`; for an index this includes selecting and compiling the names the text can contain. The shell\'s `matchNow(text)` then also looks up each triple\'s entity record (read from WASM once per entity, then kept): its time is the "with the records read" column (before 2026-12-05 it was the WASM figure itself, which made the WASM side do work the native side did not). "exact case" rows are our engine configured like the peers (every name matched as written, no diacritic folding): their mentions are the reference for the peer comparison. Native: the same engine and text, timed right after this configuration\'s browser run; that figure also gives the WASM / native target and the chart\'s "ours, native" bars, while the native tables, the peers tables\' native rows and the aho-corasick crate (chart and ceiling) are from the native part at the start of the run.', '');
  lines.push(report.matchTable(m), '');
  lines.push('## Browser: pages', '');
  const nodes = (key) => Object.values(m.browser?.configs ?? {}).find((c) => c.pages?.[key]?.page)?.pages[key].page;
  const describePage = (key) => (nodes(key) ? `${key}: ${report.fmt(nodes(key).textNodes)} text nodes (white space between blocks included), ${report.fmt(nodes(key).elements)} elements` : null);
  lines.push(`The page's HTML in the document (${['news-100k', 'news-1mb'].map(describePage).filter(Boolean).join('; ') || 'not run'}; article: article.txt as paragraphs), highlighted with \`createHighlighter({ root, matcher, mode })\`. Stages timed apart with the core's own functions: extraction (DOM → one string), matching (one WASM call), mapping offsets (triples → mentions → text-node pieces). End to end: wall time of \`await highlighter.highlight()\` (extraction and matching run in slices of about 20 ms, DOM work in slices of 20 to 30 ms, with yields between them, which the wall time includes). Next frame: from then until the next frame is produced. First on screen: from the call to the first frame with any highlight in it (on a text of 256 K characters or more, the mentions on screen are shown first in both modes).`, '');
  lines.push(report.pagesTable(m), '');
  lines.push('### Matching in a worker', '');
  lines.push('The index configurations again with `createWorkerMatcher` (the `worker: true` option): the engine and index in a dedicated Worker, the text handed over in pieces of about 64 K characters during the walk, each piece\'s names selected there while the walk goes on; after the walk the worker compiles the names and searches the whole text. "Wait after extraction" is that last part as the page sees it. "Main-thread work" is the page\'s own stages (extraction, the DOM or range work, and matching when it runs in the page), medians added up: what the page\'s scripts and input wait behind. Both run in one page, one after the other; the machine has 2 cores, which the page\'s main thread, the worker and the browser\'s own threads share.', '');
  lines.push(report.workerPagesTable(m), '');
  lines.push('### Long tasks during one full highlight of news-1mb', '');
  lines.push(report.longTaskTable(m), '');
  lines.push('### WASM memory over 5 pages in a row', '');
  lines.push('`WebAssembly.Memory` of the module (`memory.buffer.byteLength`, read through the wasm-bindgen glue\'s exports), after each of: news-100k, news-1mb, article, news-100k, news-1mb (load, highlight, clear). WASM memory never shrinks, so growth after the largest page has been seen once (page 2 → 5) is what a leak would show. `measureUserAgentSpecificMemory` (cross-origin isolated page) is the whole page\'s JS and DOM memory as Chromium attributes it; it does not include the WASM memory here.', '');
  lines.push(report.memoryTable(m), '');
  lines.push('## Peers', '');
  lines.push('Same names (names and aliases as written, distinct) and texts. modern-ahocorasick 3.3.0 (`search`, all occurrences), @monyone/aho-corasick 1.1.11 (Map trie) and its double-array `fast` variant (`matchInText`), one `RegExp` (escaped names, longest first, `gu`, `(?<![\\p{L}\\p{N}])…(?![\\p{L}\\p{N}])`), mark.js 8.11.1 (`markRegExp` with that RegExp, `acrossElements: true`, on the HTML page). The automata\'s output is then reduced to whole words, leftmost-longest, non-overlapping (the "+ ms" in parentheses, not counted in MB/s), and every mention set is compared with ours in the exact-case configuration: "= ours" or (−missing +extra).', '');
  for (const d of m.dictionaries) lines.push(`### ${d.label}`, '', report.peersTable(m, d), '');
  lines.push('### mark.js', '', report.markTable(m), '');
  lines.push('### Where mention sets differ', '', report.diffTable(m), '');
  if (meta.notes.length) lines.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const notes = [];
  mkdirSync(OUT, { recursive: true });
  const loadStart = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  // The 1-minute load average every 5 s: how much else ran meanwhile.
  const loads = [os.loadavg()[0]];
  const sampler = setInterval(() => loads.push(os.loadavg()[0]), 5000);
  sampler.unref();
  if (!existsSync(options.data)) {
    console.error(`bench/run.mjs: no benchmark data in ${options.data}; run scripts/build-bench-data (or give --data DIR)`);
    process.exit(1);
  }

  ensureWasm();
  log('preparing derived data (cached in target/bench/)');
  const prepared = prepareData({ root: ROOT, dataDir: options.data, outDir: OUT, quick: options.quick, log, notes });

  if (!options.skipNative) {
    try {
      runNative(options);
    } catch (error) {
      // The browser part is still worth having; the report says what is missing.
      log(`native part failed: ${error.message}`);
      notes.push(`the native part failed (${error.message}); its numbers below, if any, are from an earlier run`);
    }
  }
  const native = readJson(path.join(OUT, 'native.json'));
  if (!native) notes.push('no native results (target/bench/native.json)');
  else notes.push(...(native.notes ?? []).map((n) => `native: ${n}`));

  // The browser configurations' native twins (see nativeNext).
  const executable = options.skipNative || options.skipBrowser ? null : scaleExecutable();
  if (!options.skipNative && !options.skipBrowser && !executable) notes.push('the native runs next to the browser could not find the scale bench executable: the WASM / native ratios use the native part at the start');
  const benchPlan = plan(options, prepared, executable);
  let browser = options.skipBrowser ? readJson(path.join(OUT, 'browser.json')) : null;
  if (!options.skipBrowser) {
    const server = await startBenchServer({ root: ROOT, dataDir: options.data, outDir: OUT });
    try {
      browser = await runBrowser({ baseUrl: server.url, plan: benchPlan, log });
    } finally {
      await server.close();
    }
    writeFileSync(path.join(OUT, 'browser.json'), JSON.stringify(browser, null, 1));
  }
  if (!browser) notes.push('no browser results (target/bench/browser.json)');
  for (const problem of browser?.problems ?? []) notes.push(`browser: ${problem}`);
  const fullBuild1m = native?.dictionaries?.find((d) => d.key === '1m')?.full?.build?.ms;
  notes.push(`names-1m is not compiled whole in the browser (src/index.rs puts it at about 30 s in WebAssembly, with gigabytes of memory${fullBuild1m ? `; natively it took ${report.fmt(fullBuild1m / 1000)} s once` : ''}): the browser measures it as an index.`);

  log('sizes (gzip -9, cached)');
  const sizeInfo = await sizes(prepared, options);
  const texts = benchPlan.texts.map((t) => ({ key: t.key, bytes: statSync(path.join(options.data, t.file)).size }));
  const m = report.model({ native, browser, sizes: sizeInfo, texts, dictionaries: benchPlan.dictionaries });
  const rat = report.ratios(m);
  const checks = report.targets(m, rat);
  const tables = { native: report.nativeTables(m) };

  clearInterval(sampler);
  const loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const cores = os.cpus().length;
  const loadMean = loads.reduce((a, x) => a + x, 0) / loads.length;
  const loadMax = Math.max(...loads);
  const meta = {
    command: `node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    runs: options.runs, budgetS: options.budget, quick: options.quick,
    data: path.relative(ROOT, options.data) || options.data,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown', cores, memoryGB: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`,
      loadStart, loadEnd, loadMean: loadMean.toFixed(2), loadMax: loadMax.toFixed(2),
      // The benchmark itself keeps about one core busy.
      loadNote: loadMean > 1.5 || loadMax > cores ? `busy: other work shared the ${cores} cores, so times are noisy and pessimistic` : 'quiet apart from the benchmark',
    },
    versions: { chromium: browser?.environment?.browserVersion ? `Chromium ${browser.environment.browserVersion}` : 'Chromium (not run)', node: process.version, rustc: commandOutput('rustc', ['-V']) ?? 'rustc' },
    totalMinutes: ((Date.now() - started) / 60000).toFixed(1),
    notes,
  };

  // Only re-rendering earlier measurements: keep when and how they were made.
  if (options.skipNative && options.skipBrowser) {
    const previous = readJson(path.join(OUT, 'results.json'))?.meta;
    if (previous) Object.assign(meta, { command: previous.command, date: previous.date, runs: previous.runs, budgetS: previous.budgetS, quick: previous.quick, machine: previous.machine, versions: previous.versions, totalMinutes: previous.totalMinutes });
  }

  const body = markdown({ meta, m, rat, checks, tables });
  console.log(`\n${body}`);
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ meta, sizes: sizeInfo, ratios: rat, targets: checks, native, browser }, null, 1));
  if (options.docs) {
    const panels = chartPanels(m);
    const svg = renderChart({ title: 'Matching throughput, MB/s (higher is better)', subtitle: ['Plain text of the news pages (mark.js: the HTML page, DOM work included); ours with its default rules.', `${meta.date.slice(0, 10)}, ${meta.machine.cpu}, ${cores} cores (${meta.machine.loadNote.split(':')[0]} machine), ${meta.command}; details in BENCHMARKS.md.`], panels });
    writeFileSync(path.join(ROOT, 'docs', 'bench-chart.svg'), svg);
    writeFileSync(path.join(ROOT, 'docs', 'BENCHMARKS.md'), body);
  }
  console.log('\nTargets:');
  for (const c of checks) console.log(`${c.pass === null ? 'NOT MEASURED' : c.pass ? 'PASS' : 'FAIL'}: ${c.title} — ${c.measured}`);
  console.log(`\nWrote target/bench/results.json${options.docs ? ', docs/BENCHMARKS.md, docs/bench-chart.svg' : ''} (${meta.totalMinutes} min).`);
}

main().catch((error) => {
  console.error(`bench/run.mjs: ${error?.stack ?? error}`);
  process.exit(1);
});
