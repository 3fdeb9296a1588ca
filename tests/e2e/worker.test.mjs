// Matching in a dedicated Worker (`worker: true`): the same mentions as in
// the page, for a JSON dictionary and a compact index, with the text handed
// over in pieces during the walk; a page that forbids workers falls back to
// matching in the page; errors inside the worker reach the caller as they
// would from the page; one worker matcher serves several highlighters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let server;
let browser;

before(async () => {
  mkdirSync(path.join(ROOT, 'www/dist/test'), { recursive: true });
  execFileSync('cargo', ['run', '--quiet', '--release', '--', 'index', 'data/world-news.json', '-o', 'www/dist/test/world-news.ehx'], { cwd: ROOT, stdio: 'pipe' });
  server = await startServer({
    headers: (pathname, query) => (query.get('csp') === 'no-worker' ? { 'Content-Security-Policy': "script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'" } : {}),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = '') {
  const opened = await openPage(browser, `${server.url}/tests/e2e/pages/fixture.html${query}`);
  await opened.page.waitForFunction(() => window.coreReady === true);
  return opened;
}

/** Fills #root with the sample article `copies` times over (about 7 K
 * characters each), so that a pass sends the worker several pieces. */
async function fillWithArticle(page, copies) {
  await page.evaluate(async (copies) => {
    const html = await (await fetch('/tests/data/sample-article.html')).text();
    const body = new DOMParser().parseFromString(html, 'text/html').body;
    const root = document.getElementById('root');
    root.replaceChildren();
    // "Gaza" is a city and a region; the Gaza Strip, named alone at the
    // start, ranks the region first for the whole text, though the last
    // part of a text searched in parts (which names neither alone) would
    // rank the city first by itself.
    const first = document.createElement('p');
    first.textContent = 'The Gaza Strip, and again the Gaza Strip.';
    root.append(first);
    for (let i = 0; i < copies; i++) {
      const section = document.createElement('section');
      section.append(...[...body.childNodes].map((node) => node.cloneNode(true)));
      root.append(section);
    }
    // Georgia alone: the country or the US state, ranked over the whole
    // text, which the country's own names dominate.
    const last = document.createElement('p');
    last.textContent = 'Georgia and Gaza, at the very end.';
    root.append(last);
  }, copies);
}

describe('matching in a worker', () => {
  test('gives the mentions matching in the page gives, for a JSON dictionary and its index, in both modes', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    // Over 256 K characters: the screen's text is matched first, in the
    // worker apart from the page's stream.
    await fillWithArticle(page, 40);
    const result = await page.evaluate(async () => {
      const root = document.getElementById('root');
      // What the page sends its workers, by message type.
      let sent = [];
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        sent.push(`${message?.type}${message?.apart ? ' apart' : ''}${message?.partChars ? ' in parts' : ''}`);
        return post.call(this, message, ...rest);
      };
      const run = async (options) => {
        const highlighter = await window.core.createHighlighter({ root, ...options });
        sent = [];
        const { mentions } = await highlighter.highlight();
        const facts = {
          worker: highlighter.worker,
          sent: { apart: sent.filter((type) => type === 'match apart').length, pieces: sent.filter((type) => type === 'piece').length, inParts: sent.filter((type) => type === 'finish in parts').length },
          mentions: mentions.map((m) => [m.start, m.end, m.text, m.candidates.map((c) => c.id)]),
          wrappers: root.querySelectorAll('entity-mention').length,
          painted: CSS.highlights.size,
        };
        highlighter.destroy();
        return facts;
      };
      const out = {};
      for (const dictionary of [undefined, '/www/dist/test/world-news.ehx']) {
        for (const mode of ['wrap', 'paint']) {
          out[`${dictionary ?? 'json'} ${mode}`] = { page: await run({ dictionary, mode }), worker: await run({ dictionary, mode, worker: true }) };
        }
      }
      return { out, textLength: root.textContent.length };
    });
    assert.ok(result.textLength > 262_144, `${result.textLength} characters: several pieces of 64 K, and the screen first`);
    for (const [name, { page: inPage, worker }] of Object.entries(result.out)) {
      assert.equal(inPage.worker, false, name);
      assert.equal(worker.worker, true, name);
      assert.ok(inPage.mentions.length > 40 * 60, `${name}: ${inPage.mentions.length} mentions`);
      assert.deepEqual(worker.mentions, inPage.mentions, name);
      assert.equal(worker.sent.apart, 1, `${name}: the screen's text, apart`);
      assert.ok(worker.sent.pieces >= 4, `${name}: ${worker.sent.pieces} pieces streamed`);
      // The worker sends its answer in parts (an index searches them one
      // by one; a compiled dictionary answers whole, as one part).
      assert.equal(worker.sent.inParts, 1, name);
      assert.equal(worker.wrappers, inPage.wrappers, name);
    }
    // What the screen-first phase showed, the whole text confirmed: both
    // modes end with the same mentions.
    for (const dictionary of ['json', '/www/dist/test/world-news.ehx']) {
      assert.deepEqual(result.out[`${dictionary} paint`].page.mentions, result.out[`${dictionary} wrap`].page.mentions, dictionary);
    }
    for (const name of ['json wrap', '/www/dist/test/world-news.ehx wrap', '/www/dist/test/world-news.ehx paint']) {
      const [georgia, gaza] = result.out[name].worker.mentions.slice(-2);
      assert.deepEqual(georgia.slice(2), ['Georgia', ['country:georgia', 'region:us-ga']], name);
      assert.deepEqual(gaza.slice(2), ['Gaza', ['region:gaza-strip', 'city:gaza-ps']], `${name}: ranked over the whole text`);
    }
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('keeps highlighting what the page adds later (observe), through the worker', async () => {
    const { page, pageErrors } = await open();
    await fillWithArticle(page, 2);
    const result = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const updates = [];
      const highlighter = await window.core.createHighlighter({ root, worker: true, observe: true, onUpdate: (update) => updates.push(update.added.map((m) => m.text)) });
      const first = (await highlighter.highlight()).mentions.length;
      const added = document.createElement('p');
      added.textContent = 'Late news: Ilham Aliyev flew to Baku.';
      root.append(added);
      const deadline = performance.now() + 5000;
      while (updates.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const facts = { first, updates, total: highlighter.mentions.length, wrapped: [...added.querySelectorAll('entity-mention')].map((e) => e.textContent) };
      highlighter.destroy();
      return facts;
    });
    assert.deepEqual(result.updates, [['Ilham Aliyev', 'Baku']]);
    assert.deepEqual(result.wrapped, ['Ilham Aliyev', 'Baku']);
    assert.equal(result.total, result.first + 2);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('one worker matcher serves two highlighters at once, each getting its own text\'s mentions', async () => {
    const { page, pageErrors } = await open();
    await fillWithArticle(page, 4);
    const result = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const other = document.createElement('div');
      other.innerHTML = '<p>Baku and Tbilisi.</p>'.repeat(2000);
      document.body.append(other);
      const shared = await window.core.createWorkerMatcher({});
      const a = await window.core.createHighlighter({ root, matcher: shared });
      const b = await window.core.createHighlighter({ root: other, matcher: shared });
      const [fromA, fromB] = await Promise.all([a.highlight(), b.highlight()]);
      const spans = (result) => result.mentions.map((m) => [m.start, m.end, m.entity.id]);
      const together = { a: spans(fromA), b: spans(fromB) };
      a.clear();
      b.clear();
      // Each alone, one after the other, through the same worker.
      const alone = { a: spans(await a.highlight()), b: spans(await b.highlight()) };
      a.destroy();
      b.destroy();
      shared.free();
      return { together, alone, workers: [a.worker, b.worker] };
    });
    assert.deepEqual(result.workers, [true, true]);
    assert.equal(result.together.b.length, 4000);
    assert.ok(result.together.a.length > 4 * 60);
    assert.deepEqual(result.together, result.alone);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a dictionary the worker refuses gives the error the page would give', async () => {
    const { page } = await open();
    const errors = await page.evaluate(async () => {
      const attempt = async (worker) => {
        try {
          await window.core.createHighlighter({ root: document.getElementById('root'), dictionary: '/tests/e2e/pages/bad-dictionary.json', worker });
          return null;
        } catch (error) {
          return { name: error.name, kind: error.kind, message: error.message, problems: error.problems };
        }
      };
      return { page: await attempt(false), worker: await attempt(true) };
    });
    assert.equal(errors.page?.kind, 'dictionary');
    assert.ok(errors.page.problems.length > 0);
    assert.deepEqual(errors.worker, errors.page);
    await page.close();
  });

  test('with verify, a damaged index is refused in the worker as in the page, saying where; without, it loads', async () => {
    const { page } = await open();
    const facts = await page.evaluate(async () => {
      const bytes = new Uint8Array(await (await fetch('/www/dist/test/world-news.ehx')).arrayBuffer());
      // One bit flipped in the middle of the file: opening, which reads
      // only the header and bounds, cannot see it.
      const damaged = bytes.slice();
      damaged[damaged.length >> 1] ^= 0x04;
      const attempt = async (dictionary, worker, verify) => {
        try {
          const highlighter = await window.core.createHighlighter({ root: document.getElementById('root'), dictionary, worker, verify });
          const loaded = `loaded ${highlighter.worker ? 'in the worker' : 'in the page'}`;
          highlighter.destroy();
          return loaded;
        } catch (error) {
          return `${error.name} ${error.kind}: ${error.message}`;
        }
      };
      // Fixed at creation, and meaningless with a matcher made elsewhere.
      const refusals = [];
      const sound = await window.core.createHighlighter({ root: document.getElementById('root'), dictionary: bytes });
      try {
        sound.setOptions({ verify: true });
      } catch (error) {
        refusals.push(error.message);
      }
      const matcher = await window.core.createLocalMatcher({ dictionary: bytes });
      try {
        await window.core.createHighlighter({ root: document.getElementById('root'), matcher, verify: true });
      } catch (error) {
        refusals.push(error.message);
      }
      sound.destroy();
      matcher.free();
      // The check's own time, apart from the rest of getting ready: null
      // when nothing was checked.
      const checkTimes = [];
      for (const [create, verify] of [[window.core.createLocalMatcher, true], [window.core.createWorkerMatcher, true], [window.core.createLocalMatcher, false]]) {
        const made = await create({ dictionary: bytes, verify });
        checkTimes.push(made.timings.dictionaryCheck === null ? null : typeof made.timings.dictionaryCheck);
        made.free();
      }
      return {
        refusals,
        checkTimes,
        size: bytes.length,
        damagedInPage: await attempt(damaged, false, true),
        damagedInWorker: await attempt(damaged, true, true),
        unchecked: await attempt(damaged, true, false),
        sound: await attempt(bytes, true, true),
        soundInPage: await attempt(bytes, false, true),
        badOption: await attempt(bytes, false, 'yes'),
      };
    });
    const middle = facts.size >> 1;
    const where = /^HighlighterError dictionary: the index file is damaged between bytes (\d+) and (\d+)/.exec(facts.damagedInPage);
    assert.ok(where, facts.damagedInPage);
    assert.ok(Number(where[1]) <= middle && middle < Number(where[2]), `${middle} lies in ${where[1]}..${where[2]}`);
    assert.equal(facts.damagedInWorker, facts.damagedInPage);
    assert.equal(facts.unchecked, 'loaded in the worker');
    assert.equal(facts.sound, 'loaded in the worker');
    assert.equal(facts.soundInPage, 'loaded in the page');
    assert.equal(facts.badOption, 'HighlighterError option: bad option: verify must be true or false');
    assert.deepEqual(facts.checkTimes, ['number', 'number', null]);
    assert.deepEqual(facts.refusals, [
      'bad option: verify is fixed when the highlighter is created; create a new one',
      'bad option: verify cannot be combined with matcher: the matcher holds its own dictionary',
    ]);
    await page.close();
  });

  test('a dictionary given as a URL object, blob: included, loads in the worker as in the page', async () => {
    const { page, pageErrors } = await open();
    await fillWithArticle(page, 1);
    const result = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const json = await (await fetch('/www/pkg/world-news.json')).text();
      const blobUrl = new URL(URL.createObjectURL(new Blob([json], { type: 'application/json' })));
      const run = async (dictionary, worker) => {
        const highlighter = await window.core.createHighlighter({ root, dictionary, worker });
        const { mentions } = await highlighter.highlight();
        highlighter.destroy();
        return { worker: highlighter.worker, spans: mentions.map((m) => [m.start, m.end, m.entity.id]) };
      };
      return {
        page: await run(blobUrl, false),
        worker: await run(blobUrl, true),
        index: await run(new URL('/www/dist/test/world-news.ehx', location.href), true),
      };
    });
    assert.equal(result.worker.worker, true);
    assert.ok(result.page.spans.length > 60);
    assert.deepEqual(result.worker.spans, result.page.spans);
    assert.deepEqual(result.index.spans, result.page.spans);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a freed worker matcher fails the next pass at once, leaving the page as it was', async () => {
    const { page, pageErrors } = await open();
    await fillWithArticle(page, 1);
    const result = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const before = root.innerHTML;
      const shared = await window.core.createWorkerMatcher({});
      const highlighter = await window.core.createHighlighter({ root, matcher: shared });
      const first = (await highlighter.highlight()).mentions.length;
      highlighter.clear();
      shared.free();
      const began = performance.now();
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        try {
          await highlighter.highlight();
          outcomes.push('resolved');
        } catch (error) {
          outcomes.push(`${error.name} ${error.kind}: ${error.message}`);
        }
      }
      return { first, outcomes, ms: performance.now() - began, unchanged: root.innerHTML === before };
    });
    assert.ok(result.first > 60);
    assert.equal(result.outcomes.length, 3);
    for (const outcome of result.outcomes) assert.match(outcome, /^HighlighterError page: the matcher was freed/);
    assert.ok(result.ms < 2000, `${result.ms} ms`);
    assert.ok(result.unchanged, 'the page is as it was');
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a page whose CSP forbids workers is highlighted from the page instead, with a warning', async () => {
    const { page, pageErrors } = await open('?csp=no-worker');
    const warnings = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await fillWithArticle(page, 1);
    const result = await page.evaluate(async () => {
      const highlighter = await window.core.createHighlighter({ root: document.getElementById('root'), worker: true });
      const { mentions } = await highlighter.highlight();
      return { worker: highlighter.worker, mentions: mentions.length };
    });
    assert.equal(result.worker, false);
    assert.ok(result.mentions > 60, `${result.mentions} mentions`);
    assert.ok(warnings.some((text) => /cannot start a worker/.test(text)), JSON.stringify(warnings));
    assert.deepEqual(pageErrors, []);
    await screenshot(page, 'worker-csp-fallback');
    await page.close();
  });
});
