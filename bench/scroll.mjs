// What a reader feels after the pass: scrolling a highlighted page, and
// taking the highlights off again. Not a test: a command that prints a
// table.
//
//   node bench/scroll.mjs [--data DIR] [--index FILE] [--pages news-1mb,news-100k] [--seconds N] [--rounds N]
//
// For each page (default: the benchmark's 1 MB and 100 KB news pages, from
// target/bench-data, made by scripts/build-bench-data) and each way of
// showing mentions, a fresh browser page loads the HTML, highlights it
// with the 1M index (default target/bench/1m.ehx, which bench/run.mjs
// writes), waits a second, then scrolls down 40 px per frame for N
// seconds (default 3) and times every frame. Then it times taking the
// highlights off (`clear()`, or mark.js's `unmark()`) and the frame after.
//
// Rows: the page with no highlights (the floor), ours wrapped and painted,
// and mark.js, the best-known DOM highlighter, wrapping the same mention
// texts (one RegExp of our mentions' distinct texts, so it marks about
// what we wrap). Rounds alternate the rows, and the table gives each
// figure's median over rounds (default 2), since the load on these shared
// machines changes from minute to minute.
import path from 'node:path';
import { launchBrowser, openPage } from '../tests/e2e/harness.mjs';
import { benchCommand, median, ROOT as root } from './lib/command.mjs';
import { startBenchServer } from './lib/server.mjs';

const command = benchCommand('bench/scroll.mjs');
const { dataDir, indexFile } = command;
const pages = command.option('--pages', 'news-1mb,news-100k').split(',');
const seconds = Number(command.option('--seconds', '3'));
const rounds = Number(command.option('--rounds', '2'));
command.requireFiles([indexFile, ...pages.map((page) => path.join(dataDir, `${page}.html`))]);

const ROWS = ['no highlights', 'ours, wrap', 'ours, paint', 'mark.js'];

/** Runs in the bench page: highlights #stage as `row` says, scrolls, clears. */
async function inPage({ row, indexUrl, seconds }) {
  const stage = document.getElementById('stage');
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const core = await import('/www/core/index.js');
  let marks = 0;
  let takeOff = () => {};
  if (row !== 'no highlights') {
    // mark.js's row finds its texts with ours, painted, which it then clears.
    const mode = row === 'ours, wrap' ? 'wrap' : 'paint';
    const highlighter = await core.createHighlighter({ root: stage, dictionary: new URL(indexUrl, location.href), mode });
    const { mentions } = await highlighter.highlight();
    marks = mentions.length;
    takeOff = () => highlighter.clear();
    if (row === 'mark.js') {
      // The same texts, marked by mark.js in one RegExp pass.
      const texts = [...new Set(mentions.map((mention) => mention.text))].sort((a, b) => b.length - a.length);
      highlighter.destroy();
      const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${texts.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
      const marker = new window.Mark(stage);
      marks = 0;
      await new Promise((resolve) => marker.markRegExp(pattern, { each: () => { marks += 1; }, done: resolve }));
      takeOff = () => marker.unmark();
    }
  }
  await sleep(1000);
  window.scrollTo(0, 0);
  await nextFrame();
  const stamps = [];
  await new Promise((resolve) => {
    const began = performance.now();
    const step = (time) => {
      stamps.push(time);
      window.scrollBy(0, 40);
      if (performance.now() - began < seconds * 1000) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  const gaps = stamps.slice(1).map((time, i) => time - stamps[i]).sort((a, b) => a - b);
  const at = (share) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * share))];
  const span = stamps[stamps.length - 1] - stamps[0];
  await sleep(500);
  const before = performance.now();
  takeOff();
  const cleared = performance.now();
  await nextFrame();
  const framed = performance.now();
  return { marks, fps: (gaps.length / span) * 1000, median: at(0.5), p95: at(0.95), worst: gaps[gaps.length - 1], clear: cleared - before, clearFrame: framed - cleared };
}

const server = await startBenchServer({ root, dataDir, outDir: path.dirname(indexFile) });
const browser = await launchBrowser();
const results = new Map();
try {
  for (const page of pages) {
    for (let round = 0; round < rounds; round++) {
      // Alternate the order, so that no row always runs first.
      const order = round % 2 === 0 ? ROWS : [...ROWS].reverse();
      for (const row of order) {
        const { page: tab, context } = await openPage(browser, `${server.url}/bench/page/`, { viewport: { width: 1280, height: 900 } });
        await tab.waitForFunction(() => typeof window.bench?.loadPage === 'function');
        await tab.evaluate((url) => window.bench.loadPage({ url }), `/bench-data/${page}.html`);
        const result = await tab.evaluate(inPage, { row, indexUrl: `/bench-out/${path.basename(indexFile)}`, seconds });
        const key = `${page}\t${row}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(result);
        await context.close();
        process.stderr.write('.');
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
process.stderr.write('\n');

console.log(`Scrolling 40 px a frame for ${seconds} s after highlighting with ${path.basename(indexFile)}; medians of ${rounds} rounds; times in ms.`);
console.log('');
console.log('| page | highlights | marks | frames/s | median frame | 95th pct frame | worst frame | take off | frame after |');
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|');
for (const [key, list] of results) {
  const [page, row] = key.split('\t');
  const pick = (name) => median(list.map((result) => result[name]));
  const ms = (value) => value.toFixed(1);
  console.log(`| ${page} | ${row} | ${pick('marks').toLocaleString('en')} | ${pick('fps').toFixed(0)} | ${ms(pick('median'))} | ${ms(pick('p95'))} | ${ms(pick('worst'))} | ${ms(pick('clear'))} | ${ms(pick('clearFrame'))} |`);
}
