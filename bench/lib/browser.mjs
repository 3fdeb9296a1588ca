// Browser half of the scale benchmark: drives bench/page/ in headless
// Chromium (playwright-core through tests/e2e/harness.mjs). Each group of
// measurements runs in a fresh browser context (its own WASM instance,
// memory and JS heap), and every in-page call has a time limit: a peer that
// hangs, throws or crashes its page (out of memory) is recorded as such and
// the run goes on.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, openPage } from '../../tests/e2e/harness.mjs';
import { median } from './command.mjs';

// The harness's flags, plus: gc() for quiet memory readings between runs,
// precise performance.memory, and an eager measureUserAgentSpecificMemory.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--js-flags=--expose-gc', '--enable-precise-memory-info', '--enable-blink-features=ForceEagerMeasureMemory',
];

export const PEER_NAMES = ['modern-ahocorasick', '@monyone/aho-corasick', '@monyone/aho-corasick/fast', 'RegExp'];

class Timeout extends Error {}

/** Opens a fresh context on the bench page; `call(name, args, ms)` runs
 * `window.bench[name](args)` with a time limit. */
let verbose = false;

async function session(browser, baseUrl) {
  const { page, context, consoleErrors, pageErrors } = await openPage(browser, `${baseUrl}/bench/page/`);
  let crashed = false;
  page.on('crash', () => { crashed = true; });
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
  const call = async (name, args = {}, timeoutMs = 600_000) => {
    let timer;
    const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Timeout(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs); });
    const began = Date.now();
    try {
      const result = await Promise.race([page.evaluate(([n, a]) => window.bench[n](a), [name, args]), limit]);
      if (verbose) console.error(`  ${name}(${JSON.stringify(args).slice(0, 100)}) ${Date.now() - began} ms`);
      return result;
    } catch (error) {
      if (crashed) throw new Error('the page crashed (out of memory?)');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
  const close = () => context.close().catch(() => {});
  return { page, call, close, consoleErrors, pageErrors, get crashed() { return crashed; } };
}

function describe(error) {
  if (error instanceof Timeout) return `did not finish (${error.message})`;
  const text = String(error?.message ?? error).replace(/^page\.evaluate: /, '').split('\n')[0];
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Spans (flat start,end arrays) → diff of `other` against `ours`. */
export function compareSpans(ours, other, text) {
  const key = (a, b) => `${a}:${b}`;
  const oursSet = new Set();
  for (let i = 0; i < ours.length; i += 2) oursSet.add(key(ours[i], ours[i + 1]));
  const otherSet = new Set();
  for (let i = 0; i < other.length; i += 2) otherSet.add(key(other[i], other[i + 1]));
  const missing = [...oursSet].filter((k) => !otherSet.has(k));
  const extra = [...otherSet].filter((k) => !oursSet.has(k));
  const show = (k) => {
    const [a, b] = k.split(':').map(Number);
    return `${JSON.stringify(text.slice(a, b))}@${a}`;
  };
  return { ours: oursSet.size, other: otherSet.size, missing: missing.length, extra: extra.length, missingExamples: missing.slice(0, 3).map(show), extraExamples: extra.slice(0, 3).map(show) };
}

/** Multisets of mention texts (mark.js works on the DOM, with its own
 * text coordinates). */
export function compareTexts(ours, other) {
  const count = (list) => list.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map());
  const a = count(ours);
  const b = count(other);
  let missing = 0;
  let extra = 0;
  const missingExamples = [];
  const extraExamples = [];
  for (const [t, n] of a) {
    const d = n - (b.get(t) ?? 0);
    if (d > 0) { missing += d; if (missingExamples.length < 3) missingExamples.push(`${JSON.stringify(t)}×${d}`); }
  }
  for (const [t, n] of b) {
    const d = n - (a.get(t) ?? 0);
    if (d > 0) { extra += d; if (extraExamples.length < 3) extraExamples.push(`${JSON.stringify(t)}×${d}`); }
  }
  return { ours: ours.length, other: other.length, missing, extra, missingExamples, extraExamples };
}

/**
 * Runs every browser measurement. `plan` says what to run:
 * { runs, quick, budgetMs, dictionaries: [{ key, label, url, exactUrl, indexUrl, exactIndexUrl, namesUrl, files }],
 *   texts: [{ key, file, html }], dataDir }
 */
export async function runBrowser({ baseUrl, plan, log }) {
  const { runs, budgetMs } = plan;
  verbose = Boolean(plan.verbose);
  const browser = await launchBrowser({ args: CHROMIUM_ARGS });
  const results = { environment: null, startup: null, configs: {}, peers: {}, mark: {}, problems: [] };
  const textContent = Object.fromEntries(plan.texts.map((t) => [t.key, readFileSync(path.join(plan.dataDir, t.file), 'utf8')]));
  const pages = [
    { key: 'article', url: '/bench-data/article.txt', kind: 'txt' },
    ...plan.texts.filter((t) => t.html).map((t) => ({ key: t.key, url: `/bench-data/${t.html}`, kind: 'html' })),
  ];
  try {
    // --- start-up, in fresh contexts --------------------------------------------
    // Cold: a new browser for each sample (a renderer process may keep
    // compiled WASM modules for later contexts). Warm: new contexts of one
    // browser, after a first start.
    log('browser: WASM start-up');
    const cold = [];
    for (let i = 0; i < runs; i++) {
      const fresh = await launchBrowser({ args: CHROMIUM_ARGS });
      try {
        const s = await session(fresh, baseUrl);
        if (!results.environment) {
          results.environment = await s.call('environment');
          results.environment.browserVersion = fresh.version();
        }
        cold.push(await s.call('startup', { dictionary: '/data/world-news.json' }, 60_000));
      } finally {
        await fresh.close().catch(() => {});
      }
    }
    const warm = [];
    for (let i = 0; i < runs + 1; i++) {
      const s = await session(browser, baseUrl);
      try {
        const r = await s.call('startup', { dictionary: '/data/world-news.json' }, 60_000);
        if (i > 0) warm.push(r);
      } finally {
        await s.close();
      }
    }
    results.startup = {
      wasmStartup: median(cold.map((x) => x.wasmStartup)),
      samples: cold.map((x) => round(x.wasmStartup)),
      warm: median(warm.map((x) => x.wasmStartup)),
      warmSamples: warm.map((x) => round(x.wasmStartup)),
      wasmBytes: cold.at(-1)?.wasmBytes,
    };

    // --- our engine, one context per configuration ------------------------------
    for (const config of plan.configs) {
      log(`browser: ours, ${config.label}`);
      const s = await session(browser, baseUrl);
      const record = { ...config, load: null, texts: {}, pages: {}, longTasks: [], memory: null, error: null };
      results.configs[config.key] = record;
      try {
        await s.call('startup', { dictionary: '/data/world-news.json' }, 60_000);
        await s.call('freeDictionary', { config: 'startup' });
        for (const t of plan.texts) await s.call('loadText', { key: t.key, url: `/bench-data/${t.file}` });
        record.load = await s.call('loadDictionary', { config: 'c', url: config.url, foldDiacritics: config.foldDiacritics, runs: config.loadRuns }, 900_000);
        // The same dictionary in a worker (createHighlighter's `worker`
        // option), for the pages.
        if (config.worker) record.workerLoad = await s.call('loadWorkerMatcher', { config: 'w', url: config.url }, 900_000);
        for (const t of plan.texts) {
          record.texts[t.key] = await s.call('matchText', { config: 'c', text: t.key, runs: config.exact ? Math.min(runs, 3) : runs, budgetMs: config.exact ? budgetMs / 3 : budgetMs, wantSpans: config.exact }, 900_000);
        }
        // The same engine natively, right after: on a shared machine the
        // load changes over a run, and the ratio should compare like with
        // like (the page waits, idle, meanwhile).
        if (!config.exact && plan.nativeNext) {
          try {
            record.nativeNext = plan.nativeNext(config);
          } catch (error) {
            results.problems.push(`native run next to ${config.label}: ${describe(error)}`);
          }
        }
        for (const p of pages) {
          if (config.exact && !plan.markPages.includes(p.key)) continue;
          const pageRecord = { page: await s.call('loadPage', p, 120_000) };
          pageRecord.stages = await s.call('pageStages', { config: 'c', runs: config.exact ? 1 : runs, wantTexts: config.exact }, 900_000);
          if (!config.exact) {
            // Every mode in turns, so they share the machine's load; the
            // pages short enough get three times the runs, as their
            // verdicts sit within a millisecond or two of their targets.
            const passes = ['wrap', 'paint'].flatMap((mode) => [{ config: 'c', mode }, ...(config.worker ? [{ config: 'w', mode }] : [])]);
            const pageRuns = p.key === 'news-1mb' ? runs : 3 * runs;
            const results = await s.call('highlightPageModes', { passes, runs: pageRuns, budgetMs }, 1_800_000);
            passes.forEach(({ config: side, mode }, i) => {
              if (side === 'c') pageRecord[mode] = results[i];
              else (pageRecord.worker ??= {})[mode] = results[i];
            });
            if (p.key === 'news-1mb') {
              for (const mode of ['wrap', 'paint']) record.longTasks.push(await s.call('longTasks', { config: 'c', mode }, 900_000));
              if (config.worker) for (const mode of ['wrap', 'paint']) record.longTasks.push({ ...(await s.call('longTasks', { config: 'w', mode }, 900_000)), worker: true });
            }
          }
          record.pages[p.key] = pageRecord;
        }
        if (config.memorySequence) {
          const sequence = ['news-100k', 'news-1mb', 'article', 'news-100k', 'news-1mb'].map((key) => pages.find((p) => p.key === key)).filter(Boolean);
          record.memory = await s.call('memorySequence', { config: 'c', pages: sequence }, 900_000);
        }
      } catch (error) {
        record.error = describe(error);
        results.problems.push(`ours, ${config.label}: ${record.error}`);
      } finally {
        await s.close();
      }
    }

    // --- peers: one context per peer and dictionary -----------------------------
    for (const dictionary of plan.dictionaries) {
      const exact = results.configs[`${dictionary.key}-exact`];
      for (const peer of PEER_NAMES) {
        log(`browser: ${peer}, ${dictionary.label}`);
        const record = { build: null, texts: {}, error: null };
        (results.peers[peer] ??= {})[dictionary.key] = record;
        const s = await session(browser, baseUrl);
        try {
          record.names = (await s.call('peerLoadNames', { url: dictionary.namesUrl }, 120_000)).names;
          for (const t of plan.texts) await s.call('loadText', { key: t.key, url: `/bench-data/${t.file}` });
          record.build = await s.call('peerBuild', { peer, runs: Math.min(runs, 5) }, plan.peerBuildTimeoutMs);
          for (const t of plan.texts) {
            const r = await s.call('peerSearch', { text: t.key, runs, budgetMs }, plan.peerSearchTimeoutMs);
            const spans = r.spans;
            delete r.spans;
            const ours = exact?.texts?.[t.key]?.spans;
            r.diff = ours ? compareSpans(ours, spans, textContent[t.key]) : null;
            record.texts[t.key] = r;
          }
        } catch (error) {
          record.error = describe(error);
          results.problems.push(`${peer}, ${dictionary.label}: ${record.error}`);
        } finally {
          await s.close();
        }
      }

      // mark.js on the HTML pages, each run on the page freshly loaded. One
      // session per dictionary (its expression is built once); a run over
      // the time limit closes the session, and the next page gets a new one.
      const markRecord = { pages: {}, error: null };
      results.mark[dictionary.key] = markRecord;
      let s = null;
      for (const p of pages.filter((x) => plan.markPages.includes(x.key))) {
        log(`browser: mark.js, ${dictionary.label}, ${p.key}`);
        const entry = { samples: [], error: null };
        markRecord.pages[p.key] = entry;
        try {
          if (!s) {
            s = await session(browser, baseUrl);
            await s.call('peerLoadNames', { url: dictionary.namesUrl }, 120_000);
            markRecord.prepare = await s.call('markPrepare', {}, plan.peerBuildTimeoutMs);
          }
          entry.prepare = markRecord.prepare;
          let started = Date.now();
          let last = null;
          for (let i = 0; i < runs + 1; i++) {
            if (i > 1 && Date.now() - started > budgetMs) break;
            entry.page = await s.call('loadPage', p, 120_000);
            last = await s.call('markRun', {}, plan.markTimeoutMs);
            if (i === 0) started = Date.now();
            else entry.samples.push(last.ms);
          }
          entry.ms = median(entry.samples.length ? entry.samples : [last.ms]);
          entry.n = entry.samples.length || 1;
          entry.mentions = last.mentions;
          const oursTexts = exact?.pages?.[p.key]?.stages?.texts;
          entry.diff = oursTexts ? compareTexts(oursTexts, last.texts) : null;
        } catch (error) {
          entry.error = describe(error);
          results.problems.push(`mark.js, ${dictionary.label}, ${p.key}: ${entry.error}`);
          await s?.close();
          s = null;
        }
        entry.textBytes = results.configs[dictionary.defaultConfig]?.pages?.[p.key]?.stages?.textBytes ?? null;
      }
      await s?.close();
    }
  } finally {
    await browser.close().catch(() => {});
  }
  // Spans and texts were only needed for the comparisons.
  for (const config of Object.values(results.configs)) {
    for (const t of Object.values(config.texts)) delete t.spans;
    for (const p of Object.values(config.pages)) if (p.stages) delete p.stages.texts;
  }
  return results;
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}
