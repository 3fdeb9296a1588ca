// The first page a reader sees: its first pass, in a browser that has
// never run the engine, against the passes after it. Not a test: a
// command that prints a table.
//
//   node bench/first-page.mjs [--data DIR] [--index FILE | --bundled] [--page news-100k]
//                             [--rounds N] [--latency MS]
//
// Each sample launches a fresh headless Chromium (nothing compiled, nothing
// cached), loads the page (default the benchmark's 100 KB news page, from
// target/bench-data, made by scripts/build-bench-data), creates a painting
// highlighter with the 1M index (default target/bench/1m.ehx, which
// bench/run.mjs writes; `--bundled`: the bundled JSON dictionary, compiled
// whole) and times its first pass, then four more. `--latency MS` has
// Chromium add that much latency to every request (DevTools network
// emulation), as a real network would: a small dictionary from this
// machine's server arrives too soon for any practice.
//
// Rows, alternated round by round (default 6 rounds):
// - "fetched": the highlighter fetches the index itself; the engine
//   practises while it downloads (www/core/internal/engine.js), and the
//   page's walk is practised too (practiseWalk, extract.js);
// - "given as bytes": the page fetched the bytes first and hands them
//   over: nothing to wait for, so no practice, the engine starts cold;
// - "fetched, worker": as "fetched", with `worker: true`: the worker
//   fetches and practises.
// Figures are medians over rounds, in ms, with the highlighter's own stage
// timings ("ranges": painting the mentions); "later passes" is each
// sample's median of passes 2-5 first.
import path from 'node:path';
import { launchBrowser, openPage } from '../tests/e2e/harness.mjs';
import { benchCommand, median, ROOT as root } from './lib/command.mjs';
import { startBenchServer } from './lib/server.mjs';

const command = benchCommand('bench/first-page.mjs');
const { dataDir, indexFile } = command;
const pageName = command.option('--page', 'news-100k');
const rounds = Number(command.option('--rounds', '6'));
const latency = Number(command.option('--latency', '0'));
const bundled = command.flag('--bundled');
const dictionaryUrl = bundled ? '/data/world-news.json' : `/bench-out/${path.basename(indexFile)}`;
command.requireFiles([bundled ? path.join(root, 'data', 'world-news.json') : indexFile, path.join(dataDir, `${pageName}.html`)]);

const ROWS = ['fetched', 'given as bytes', 'fetched, worker'];

/** Runs in the bench page: the first pass and four more, as `row` says. */
async function inPage({ row, indexUrl }) {
  const stage = document.getElementById('stage');
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const core = await import('/www/core/index.js');
  const url = new URL(indexUrl, location.href);
  const dictionary = row === 'given as bytes' ? new Uint8Array(await (await fetch(url)).arrayBuffer()) : url;
  const created = performance.now();
  const highlighter = await core.createHighlighter({ root: stage, dictionary, mode: 'paint', worker: row === 'fetched, worker' });
  const ready = performance.now() - created;
  // From the bytes' arrival to the engine's being ready: what practice
  // shortens for a dictionary compiled whole.
  let build = null;
  const passes = [];
  for (let pass = 0; pass < 5; pass++) {
    if (pass > 0) {
      highlighter.clear();
      await nextFrame();
    }
    const began = performance.now();
    const { mentions, timings } = await highlighter.highlight();
    passes.push({ e2e: performance.now() - began, extraction: timings.extraction, matching: timings.matching, ranges: timings.domChanges, mentions: mentions.length, practice: timings.practiceRounds, walked: timings.practiceNodes });
    build ??= timings.dictionaryBuild ?? null;
  }
  highlighter.destroy();
  return { ready, build, passes };
}


const server = await startBenchServer({ root, dataDir, outDir: path.dirname(indexFile) });
const results = new Map(ROWS.map((row) => [row, []]));
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ROWS : [...ROWS].reverse();
    for (const row of order) {
      // A fresh browser: V8 shares compiled WebAssembly within a process.
      const browser = await launchBrowser();
      try {
        const { page } = await openPage(browser, `${server.url}/bench/page/`, { viewport: { width: 1280, height: 900 } });
        await page.waitForFunction(() => typeof window.bench?.loadPage === 'function');
        await page.evaluate((url) => window.bench.loadPage({ url }), `/bench-data/${pageName}.html`);
        if (latency > 0) {
          const devtools = await page.context().newCDPSession(page);
          await devtools.send('Network.enable');
          await devtools.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
        }
        results.get(row).push(await page.evaluate(inPage, { row, indexUrl: dictionaryUrl }));
      } finally {
        await browser.close();
      }
      process.stderr.write('.');
    }
  }
} finally {
  await server.close();
}
process.stderr.write('\n');

console.log(`First pass of a fresh browser on ${pageName}, painted, with ${bundled ? 'the bundled dictionary' : path.basename(indexFile)}${latency > 0 ? `, ${latency} ms of added latency` : ''}; medians of ${rounds} fresh browsers per row; ms.`);
console.log('');
console.log('| dictionary | practice rounds | practice walk: text nodes | ready | bytes to ready | first pass | first: extraction | first: matching | first: ranges | later passes | later: extraction | later: matching | later: ranges | first / later | mentions |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const [row, samples] of results) {
  const first = (name) => median(samples.map((sample) => sample.passes[0][name]));
  const later = (name) => median(samples.map((sample) => median(sample.passes.slice(1).map((pass) => pass[name]))));
  const ms = (value) => value.toFixed(1);
  const practice = median(samples.map((sample) => sample.passes[0].practice ?? 0));
  const walked = median(samples.map((sample) => sample.passes[0].walked ?? 0));
  const stages = (pick) => ['extraction', 'matching', 'ranges'].map((name) => ms(pick(name))).join(' | ');
  const build = samples.every((sample) => sample.build !== null) ? ms(median(samples.map((sample) => sample.build))) : '–';
  console.log(`| ${row} | ${practice} | ${walked.toLocaleString('en')} | ${ms(median(samples.map((sample) => sample.ready)))} | ${build} | ${ms(first('e2e'))} | ${stages(first)} | ${ms(later('e2e'))} | ${stages(later)} | ${(first('e2e') / later('e2e')).toFixed(2)}x | ${first('mentions').toLocaleString('en')} |`);
}
