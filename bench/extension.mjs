// The extension with a large dictionary: adding a compact index on its
// options page, the service worker starting with it, and its answers to a
// page's text. Not a test: a command that prints a table.
//
//   node bench/extension.mjs [--data DIR] [--index FILE] [--rounds N]
//
// Loads the Chromium build (www/dist/extension/chromium, which
// `node scripts/build.mjs` makes) into a fresh profile of headless
// Chromium and adds the index (default target/bench/1m.ehx, which
// bench/run.mjs writes) from a file on the options page, beside the
// bundled dictionary, and turns the bundled dictionary off and on again
// (`--rounds` times; the index's engine is kept, only the bundled one is
// built again). Then, `--rounds` times (default 3): stops the
// service worker and times its answer to the first message (reading the
// index from IndexedDB, starting WASM, compiling the bundled dictionary
// and opening the index), then six match requests for each benchmark text
// (target/bench-data, made by scripts/build-bench-data): the first and the
// median of the other five. The requests go as the content script sends
// them (a runtime message, JSON in Chromium), so the times include the
// messages.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../tests/e2e/harness.mjs';
import { benchCommand, median, ROOT as root } from './lib/command.mjs';

const command = benchCommand('bench/extension.mjs');
const { dataDir, indexFile } = command;
const rounds = Number(command.option('--rounds', '3'));
const build = path.join(root, 'www', 'dist', 'extension', 'chromium');
const TEXTS = ['article', 'news-100k', 'news-1mb'];
command.requireFiles([indexFile, path.join(build, 'manifest.json'), ...TEXTS.map((name) => path.join(dataDir, `${name}.txt`))]);

// The shell gives the engine block separators where the page has block
// elements; the benchmark's texts have blank lines there.
const texts = Object.fromEntries(await Promise.all(TEXTS.map(async (name) => [name, (await readFile(path.join(dataDir, `${name}.txt`), 'utf8')).replaceAll('\n', '\u2029')])));
const indexBytes = await readFile(indexFile);

const profile = await mkdtemp(path.join(os.tmpdir(), 'entity-highlighter-bench-extension-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--disable-extensions-except=${build}`, `--load-extension=${build}`,
  ],
});
const rows = { added: null, bundledOnly: [], cold: [], bundledOff: [], bundledOn: [], matches: Object.fromEntries(TEXTS.map((name) => [name, { first: [], later: [], mentions: 0 }])) };
try {
  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 15_000 });
  const id = new URL(worker.url()).host;
  const options = await context.newPage();
  await options.goto(`chrome-extension://${id}/options.html`);
  const status = options.locator('#status');
  await status.filter({ hasText: 'Highlighting with' }).waitFor();

  const stopWorker = async () => {
    const devtools = await context.newCDPSession(options);
    await devtools.send('ServiceWorker.enable');
    await devtools.send('ServiceWorker.stopAllWorkers');
    await devtools.detach();
    await options.waitForTimeout(300);
  };
  const firstAnswer = () => options.evaluate(async () => {
    const began = performance.now();
    const answer = await chrome.runtime.sendMessage({ type: 'info' });
    if (answer.error) throw new Error(answer.error.message);
    return performance.now() - began;
  });

  for (let round = 0; round < rounds; round++) {
    await stopWorker();
    rows.bundledOnly.push(await firstAnswer());
  }

  await options.locator('#file').setInputFiles({ name: path.basename(indexFile), mimeType: 'application/octet-stream', buffer: indexBytes });
  const began = Date.now();
  await options.getByRole('button', { name: 'Add file' }).click();
  await options.locator('#result').filter({ hasText: /Added|not added/ }).waitFor({ timeout: 300_000 });
  rows.added = Date.now() - began;
  const result = await options.locator('#result').textContent();
  if (!result.startsWith('Added')) throw new Error(`the index was not added: ${result}`);
  await status.filter({ hasText: 'from 2 dictionaries' }).waitFor({ timeout: 300_000 });
  const entities = (await status.textContent()).match(/with ([\d,]+) entities/)?.[1];

  // A change to another dictionary: the index's engine is kept.
  const bundledBox = options.getByRole('checkbox', { name: 'World news (bundled)' });
  const toggle = async (on, shown) => {
    const began = Date.now();
    await (on ? bundledBox.check() : bundledBox.uncheck());
    await status.filter({ hasText: shown }).waitFor({ timeout: 300_000 });
    return Date.now() - began;
  };
  for (let round = 0; round < rounds; round++) {
    rows.bundledOff.push(await toggle(false, 'from 1 dictionary'));
    rows.bundledOn.push(await toggle(true, 'from 2 dictionaries'));
  }

  for (let round = 0; round < rounds; round++) {
    await stopWorker();
    rows.cold.push(await firstAnswer());
    for (const name of TEXTS) {
      const times = await options.evaluate(async (text) => {
        const out = [];
        let mentions = 0;
        for (let i = 0; i < 6; i++) {
          const began = performance.now();
          const answer = await chrome.runtime.sendMessage({ type: 'match', text });
          out.push(performance.now() - began);
          if (answer.error) throw new Error(answer.error.message);
          mentions = new Set(Array.from({ length: answer.triples.length / 3 }, (_, k) => answer.triples[3 * k])).size;
        }
        return { out, mentions };
      }, texts[name]);
      rows.matches[name].first.push(times.out[0]);
      rows.matches[name].later.push(median(times.out.slice(1)));
      rows.matches[name].mentions = times.mentions;
    }
  }

  const ms = (value) => value.toFixed(1);
  console.log(`The extension's service worker with ${path.basename(indexFile)} (${(indexBytes.length / 1e6).toFixed(1)} MB) and the bundled dictionary active (${entities} entities); medians of ${rounds} rounds, ms.`);
  console.log('');
  console.log('| step | ms |');
  console.log('|---|--:|');
  console.log(`| add the index on the options page (read, check, store) | ${rows.added} |`);
  console.log(`| first answer of a stopped service worker, bundled dictionary only | ${ms(median(rows.bundledOnly))} |`);
  console.log(`| first answer of a stopped service worker, with the index | ${ms(median(rows.cold))} |`);
  console.log(`| the bundled dictionary turned off, until the options page shows the new count | ${ms(median(rows.bundledOff))} |`);
  console.log(`| ... and on again | ${ms(median(rows.bundledOn))} |`);
  console.log('');
  console.log('| text | characters | mentions | first match request | later requests (median of 5) |');
  console.log('|---|--:|--:|--:|--:|');
  for (const name of TEXTS) {
    const row = rows.matches[name];
    console.log(`| ${name} | ${texts[name].length.toLocaleString('en')} | ${row.mentions.toLocaleString('en')} | ${ms(median(row.first))} | ${ms(median(row.later))} |`);
  }
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
