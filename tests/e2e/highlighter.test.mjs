// End-to-end tests of the core package in headless Chromium: highlighting,
// exclusions, exact clearing, errors, and the hover card by mouse, keyboard
// and touch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const DICTIONARY = {
  name: 'Test',
  entities: [
    { id: 'person:ilham-aliyev', name: 'Ilham Aliyev', type: 'person', aliases: ['Aliyev'], summary: 'President of Azerbaijan.', url: 'https://en.wikipedia.org/wiki/Ilham_Aliyev' },
    { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan, on the Caspian Sea.' },
    { id: 'city:yerevan', name: 'Yerevan', type: 'city', summary: 'Capital of Armenia.' },
    { id: 'country:georgia', name: 'Georgia', type: 'country', summary: 'A country in the South Caucasus.' },
    { id: 'region:us-ga', name: 'Georgia', type: 'region', summary: 'A state of the United States.' },
    { id: 'country:armenia', name: 'Armenia', type: 'country', summary: 'A country in the South Caucasus.' },
  ],
};

let server;
let browser;

before(async () => {
  server = await startServer({
    headers: (pathname) => (pathname.endsWith('/csp-strict.html') ? { 'Content-Security-Policy': "script-src 'self'" } : {}),
    testRoutes: true,
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the fixture page with `html` in #root. */
async function fixture(html, options = {}) {
  const opened = await openPage(browser, `${server.url}/tests/e2e/pages/${options.page ?? 'fixture.html'}`, options);
  await opened.page.waitForFunction(() => window.coreReady === true);
  if (html !== null) {
    await opened.page.evaluate((markup) => {
      // Test-controlled markup; parsed by the browser, scripts inert.
      document.getElementById('root').innerHTML = markup;
    }, html);
  }
  return opened;
}

/** Highlights #root with the test dictionary; returns mention summaries. */
async function highlight(page, options = {}) {
  return page.evaluate(async ({ dictionary, options }) => {
    const root = document.getElementById('root');
    window.highlighter?.destroy();
    window.highlighter = await window.core.createHighlighter({ root, dictionary, ...options });
    const { mentions, timings } = await window.highlighter.highlight();
    return { mentions: mentions.map((m) => ({ text: m.text, id: m.entity.id, candidates: m.candidates.map((c) => c.id), pieces: m.elements.length })), timings };
  }, { dictionary: options.dictionary ?? DICTIONARY, options: options.options ?? {} });
}

describe('highlighting', () => {
  test('the sample article gets the expected mentions with the bundled dictionary', async () => {
    const { page, consoleErrors, pageErrors } = await fixture(null);
    const result = await page.evaluate(async () => {
      const html = await (await fetch('/tests/data/sample-article.html')).text();
      const parsed = new DOMParser().parseFromString(html, 'text/html');
      document.getElementById('root').replaceChildren(...parsed.body.childNodes);
      const highlighter = await window.core.createHighlighter({ root: document.getElementById('root') });
      const { mentions } = await highlighter.highlight();
      return mentions.map((m) => [m.text, m.entity.id, m.elements.length]);
    });
    const texts = result.map(([text]) => text.replace(/\u00a0/g, ' '));
    assert.ok(result.length >= 70, `${result.length} mentions`);
    for (const expected of ['SOUTH CAUCASUS', 'Nikol Pashinyan', 'Azerbaijan', 'OSCE', 'Baku–Tbilisi–Ceyhan', 'Middle Corridor', 'Reuters']) {
      assert.ok(texts.includes(expected), `${expected} is highlighted`);
    }
    // "<b>Ilham</b> Aliyev": one mention in two pieces.
    assert.ok(result.some(([text, id, pieces]) => text === 'Ilham Aliyev' && id === 'person:ilham-aliyev' && pieces === 2), JSON.stringify(result.filter(([t]) => t.includes('Aliyev'))));
    for (const never of ['Eurasian', 'Iranian', 'turkey', 'china', 'us']) {
      assert.ok(!texts.includes(never), `${never} is not highlighted`);
    }
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a compact index gives the same mentions as the JSON dictionary, with download progress', async () => {
    // The index of the bundled dictionary, made by the command-line tool.
    mkdirSync(path.join(ROOT, 'www/dist/test'), { recursive: true });
    execFileSync('cargo', ['run', '--quiet', '--release', '--', 'index', 'data/world-news.json', '-o', 'www/dist/test/world-news.ehx'], { cwd: ROOT, stdio: 'pipe' });
    const { page, consoleErrors } = await fixture(null);
    const result = await page.evaluate(async () => {
      const html = await (await fetch('/tests/data/sample-article.html')).text();
      const parsed = new DOMParser().parseFromString(html, 'text/html');
      const root = document.getElementById('root');
      root.replaceChildren(...parsed.body.childNodes);
      const run = async (options) => {
        const highlighter = await window.core.createHighlighter({ root, ...options });
        const { mentions } = await highlighter.highlight();
        highlighter.destroy();
        return { mentions: mentions.map((m) => [m.start, m.end, m.candidates.map((c) => c.id)]), dictionary: highlighter.dictionary };
      };
      const progress = [];
      const fromJson = await run({});
      const fromIndex = await run({ dictionary: '/www/dist/test/world-news.ehx', onProgress: (p) => progress.push(p) });
      return { fromJson, fromIndex, progress };
    });
    assert.ok(result.fromJson.mentions.length > 60);
    assert.deepEqual(result.fromIndex.mentions, result.fromJson.mentions);
    assert.equal(result.fromIndex.dictionary.entityCount, result.fromJson.dictionary.entityCount);
    assert.deepEqual(result.fromIndex.dictionary.types, result.fromJson.dictionary.types);
    assert.ok(result.progress.length > 0 && result.progress.at(-1).loaded === result.progress.at(-1).total, JSON.stringify(result.progress.at(-1)));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a long dictionary download is filled with a read-only practice walk of the page, whose text the engine practises on; a dictionary at hand is not kept waiting', async () => {
    const paragraphs = Array.from({ length: 300 }, (_, i) => `<p>Paragraph ${i}: <b>Ilham</b> Aliyev met officials in Baku<span hidden> and Tbilisi</span>.</p>`).join('');
    const { page, consoleErrors } = await fixture(paragraphs);
    const result = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const json = await (await fetch('/data/world-news.json')).text();
      const summary = (mentions) => mentions.map((m) => [m.start, m.end, m.entity.id]);
      const changes = [];
      const observer = new MutationObserver((records) => changes.push(...records));
      observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
      const slow = await window.core.createHighlighter({ root, dictionary: '/__test/slow-dictionary?ms=400' });
      const changesWhileLoading = changes.length + observer.takeRecords().length;
      observer.disconnect();
      const slowPass = await slow.highlight();
      slow.destroy();
      const began = performance.now();
      const atHand = await window.core.createHighlighter({ root, dictionary: json });
      const atHandWait = performance.now() - began;
      const atHandPass = await atHand.highlight();
      atHand.destroy();
      // A worker practises on the page's text too, which the page sends it.
      const inWorker = await window.core.createHighlighter({ root, dictionary: '/__test/slow-dictionary?ms=400', worker: true });
      const workerPass = await inWorker.highlight();
      const workerUsed = inWorker.worker;
      inWorker.destroy();
      // A page that removes paragraphs while the walk pauses between its
      // slices: the walk starts afresh, nothing fails.
      const remover = setInterval(() => root.lastElementChild?.remove(), 1);
      const moving = await window.core.createHighlighter({ root, dictionary: '/__test/slow-dictionary?ms=200' });
      clearInterval(remover);
      const movingPass = await moving.highlight();
      moving.destroy();
      return {
        changesWhileLoading,
        practised: slowPass.timings.practiceNodes,
        roundsOnPageText: slowPass.timings.practiceOnPageText,
        workerUsed,
        workerRoundsOnPageText: workerPass.timings.practiceOnPageText,
        workerSame: JSON.stringify(summary(workerPass.mentions)) === JSON.stringify(summary(slowPass.mentions)),
        atHandPractised: atHandPass.timings.practiceNodes,
        atHandWait,
        same: JSON.stringify(summary(slowPass.mentions)) === JSON.stringify(summary(atHandPass.mentions)),
        found: slowPass.mentions.length,
        movingFound: movingPass.mentions.length,
        paragraphsLeft: root.children.length,
        movingPractised: movingPass.timings.practiceNodes,
      };
    });
    assert.equal(result.changesWhileLoading, 0, 'the practice walk only reads the page');
    // 300 paragraphs of 4 text nodes; the walk gets a few slices at least.
    assert.ok(result.practised >= 300, JSON.stringify(result));
    assert.equal(result.atHandPractised, 0);
    // The engine's practice rounds got the walked text, in the page and in
    // a worker, and answered the same.
    assert.ok(result.roundsOnPageText > 0, JSON.stringify(result));
    assert.ok(result.workerUsed && result.workerRoundsOnPageText > 0 && result.workerSame, JSON.stringify(result));
    assert.ok(result.atHandWait < 200, `a dictionary at hand is not kept waiting (${result.atHandWait} ms)`);
    // Practice changes no answer: Ilham Aliyev and Baku in each paragraph.
    assert.ok(result.same && result.found === 600, JSON.stringify(result));
    assert.ok(result.movingPractised > 0 && result.paragraphsLeft < 300 && result.movingFound === 2 * result.paragraphsLeft, JSON.stringify(result));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a long dictionary download is filled with practice rounds; a dictionary at hand is not kept waiting', async () => {
    const { page, consoleErrors } = await fixture(null);
    const result = await page.evaluate(async () => {
      const json = await (await fetch('/data/world-news.json')).text();
      const atHand = await window.core.createLocalMatcher({ dictionary: json });
      // What createLocalMatcher waits on: for bytes already there, no
      // practice and no pause (it would otherwise pause 20 ms first).
      const { practiseWhile } = await import('/www/core/internal/engine.js');
      const began = performance.now();
      const ranForNothing = (await practiseWhile(Promise.resolve())).rounds;
      const atHandWait = performance.now() - began;
      // The bundled dictionary, sent after 600 ms.
      const slow = await window.core.createLocalMatcher({ dictionary: '/__test/slow-dictionary?ms=600' });
      const later = await window.core.createLocalMatcher({ dictionary: '/__test/slow-dictionary?ms=300' });
      const text = 'Ilham Aliyev met officials in Baku and Tbilisi; Georgia and Armenia sent ministers.';
      const triples = (matcher) => Array.from(matcher.matchNow(text).triples).join(',');
      return {
        rounds: [atHand, slow, later].map((matcher) => matcher.timings.practiceRounds),
        ranForNothing,
        atHandWait,
        slowReady: slow.timings.dictionaryReady,
        same: triples(slow) === triples(atHand) && triples(later) === triples(atHand),
        found: atHand.matchNow(text).triples.length,
      };
    });
    // Nothing to wait for, no practice; the first long wait gets all 16
    // rounds; once practised, a context practises no more.
    assert.deepEqual(result.rounds, [0, 16, 0]);
    assert.equal(result.ranForNothing, 0);
    assert.ok(result.atHandWait < 15, `no pause for a dictionary at hand (${result.atHandWait} ms)`);
    assert.ok(result.slowReady >= 600, `ready after the download (${result.slowReady} ms)`);
    // Practice changes no answer.
    assert.ok(result.found >= 12 && result.same, JSON.stringify(result));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('names match across inline markup but never across blocks', async () => {
    const { page } = await fixture(`
      <p id="a"><b>Ilham</b> Aliyev spoke.</p>
      <p id="b">Ali<i>yev</i> again.</p>
      <p id="c">Ilham</p><p>Aliyev in another paragraph.</p>
      <div id="d"><div>omg</div>Baku</div>
      <p id="e">Ilham<br>Aliyev</p>
      <ul><li>Ilham</li><li>Aliyev</li></ul>
      <table><tr><td>Ilham</td><td>Aliyev</td></tr></table>
      <p>Ilham&nbsp;Aliyev and Ilham
      Aliyev</p>`);
    const { mentions } = await highlight(page);
    assert.deepEqual(mentions.map((m) => m.text), ['Ilham Aliyev', 'Aliyev', 'Aliyev', 'Baku', 'Aliyev', 'Aliyev', 'Aliyev', 'Ilham\u00a0Aliyev', 'Ilham\n      Aliyev']);
    assert.equal(mentions[0].pieces, 2);
    assert.equal(mentions[1].pieces, 2, 'Ali<i>yev</i> is one mention in two pieces');
    const ids = await page.$$eval('#a entity-mention', (els) => els.map((e) => e.dataset.mention));
    assert.equal(new Set(ids).size, 1, 'both pieces share one mention id');
    await page.close();
  });

  test('every exclusion is respected', async () => {
    const { page } = await fixture(`
      <p id="visible">Baku</p>
      <script>var x = "Baku";</script>
      <style>/* Baku */</style>
      <noscript>Baku</noscript>
      <template><p>Baku</p></template>
      <textarea>Baku</textarea>
      <input value="Baku">
      <select><option>Baku</option></select>
      <button>Baku</button>
      <div contenteditable="true"><p>Baku</p></div>
      <svg><text x="0" y="15">Baku</text></svg>
      <code>Baku</code>
      <pre>Baku</pre>
      <p hidden>Baku</p>
      <p style="display:none">Baku</p>
      <p aria-hidden="true">Baku</p>
      <div data-entity-highlighter="off"><p>Baku</p></div>
      <p class="skip-me">Baku</p>`);
    const { mentions } = await highlight(page, { options: { skip: ['code', 'pre', '.skip-me'] } });
    assert.equal(mentions.length, 1);
    const places = await page.$$eval('entity-mention', (els) => els.map((e) => e.parentElement.id));
    assert.deepEqual(places, ['visible']);
    // With skip: [], code and pre are highlighted too.
    const all = await highlight(page, { options: { skip: [] } });
    assert.equal(all.mentions.length, 4);
    await page.close();
  });

  test('a mention wrapper is not placed inside the highlighter\'s own UI or another highlighter\'s wrappers', async () => {
    const { page } = await fixture('<p>Baku and <entity-mention data-mention="9">Yerevan</entity-mention></p><div data-entity-highlighter="ui">Baku</div>');
    const { mentions } = await highlight(page);
    assert.deepEqual(mentions.map((m) => m.text), ['Baku']);
    assert.equal(await page.$$eval('entity-mention entity-mention', (els) => els.length), 0);
    await page.close();
  });

  test('options: first mention per entity, and types', async () => {
    const { page } = await fixture('<p>Baku, Yerevan, Baku, Georgia, Baku, Armenia.</p>');
    assert.equal((await highlight(page)).mentions.length, 6);
    assert.deepEqual((await highlight(page, { options: { mentions: 'first' } })).mentions.map((m) => m.text), ['Baku', 'Yerevan', 'Georgia', 'Armenia']);
    assert.deepEqual((await highlight(page, { options: { types: ['country'] } })).mentions.map((m) => [m.text, m.candidates]), [['Georgia', ['country:georgia']], ['Armenia', ['country:armenia']]]);
    await page.close();
  });

  test('running twice never nests or duplicates, and clear() restores the DOM exactly', async () => {
    const { page } = await fixture('<h2>Baku</h2><p>In <b>Ilham</b> Aliyev\'s Baku, <i>Yerevan</i> and Georgia.</p><p>Plain text with no names.</p>');
    const result = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      const before = root.cloneNode(true);
      const firstText = root.querySelector('p').firstChild;
      const highlighter = await window.core.createHighlighter({ root, dictionary });
      const first = await highlighter.highlight();
      const second = await highlighter.highlight();
      const wrappers = root.querySelectorAll('entity-mention').length;
      const nested = root.querySelectorAll('entity-mention entity-mention').length;
      highlighter.clear();
      const restored = root.isEqualNode(before);
      const sameTextNode = root.querySelector('p').firstChild === firstText;
      // normalize() must never run: an empty text node the page keeps next
      // to a name survives highlighting and clearing.
      const empty = document.createTextNode('');
      root.querySelector('h2').append(empty);
      await highlighter.highlight();
      highlighter.clear();
      return {
        counts: [first.mentions.length, second.mentions.length],
        wrappers,
        nested,
        restored,
        sameTextNode,
        emptyKept: empty.parentNode === root.querySelector('h2'),
        left: root.querySelectorAll('entity-mention').length,
      };
    }, DICTIONARY);
    assert.deepEqual(result.counts, [5, 5]);
    assert.equal(result.wrappers, 6);
    assert.equal(result.nested, 0);
    assert.ok(result.restored, 'isEqualNode with a clone taken before');
    assert.ok(result.sameTextNode, 'the page\'s own text nodes are kept');
    assert.ok(result.emptyKept, 'no normalize()');
    assert.equal(result.left, 0);
    await page.close();
  });

  test('the returned mentions carry entity, candidates, text, offsets and elements', async () => {
    const { page } = await fixture('<p>😀 Georgia</p>');
    const mention = await page.evaluate(async (dictionary) => {
      const highlighter = await window.core.createHighlighter({ root: document.getElementById('root'), dictionary });
      const [m] = (await highlighter.highlight()).mentions;
      return { text: m.text, start: m.start, end: m.end, entity: m.entity, candidates: m.candidates.map((c) => c.id), tag: m.elements[0].tagName };
    }, DICTIONARY);
    assert.equal(mention.text, 'Georgia');
    assert.equal(mention.end - mention.start, 7);
    assert.deepEqual(mention.entity, { id: 'country:georgia', name: 'Georgia', type: 'country', summary: 'A country in the South Caucasus.' });
    assert.deepEqual(mention.candidates, ['country:georgia', 'region:us-ga']);
    assert.equal(mention.tag, 'ENTITY-MENTION');
    await page.close();
  });

  test('text the page edits or removes while the matcher works is read again, in both modes', async () => {
    // The pass checks, once the matcher answers, that the text it read is
    // still the page's (without reading every node when nothing changed
    // at all); an edit sends it to read the page again.
    const { page } = await fixture('<p id="a">Ilham Aliyev visited Baku.</p><p id="b">Yerevan and Armenia.</p><p id="c">Georgia.</p>');
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      const local = await window.core.createLocalMatcher({ dictionary });
      const out = {};
      for (const mode of ['paint', 'wrap']) {
        for (const edit of ['data', 'removal']) {
          root.querySelector('#a').textContent = 'Ilham Aliyev visited Baku.';
          if (!root.querySelector('#c')) root.insertAdjacentHTML('beforeend', '<p id="c">Georgia.</p>');
          let calls = 0;
          const matcher = {
            info: () => local.info(),
            async match(text) {
              calls += 1;
              if (calls === 1) {
                await new Promise((resolve) => setTimeout(resolve, 0));
                if (edit === 'data') root.querySelector('#a').firstChild.data = 'Then Baku, Yerevan.';
                else root.querySelector('#c').remove();
              }
              return local.matchNow(text);
            },
          };
          const highlighter = await window.core.createHighlighter({ root, matcher, mode, cards: false });
          const { mentions } = await highlighter.highlight();
          out[`${mode} ${edit}`] = {
            calls,
            texts: mentions.map((m) => m.text),
            shown: mentions.map((m) => (mode === 'paint' ? m.ranges.map((r) => r.toString()).join('') : m.elements.map((e) => e.textContent).join(''))),
          };
          highlighter.destroy();
        }
      }
      return out;
    }, DICTIONARY);
    for (const mode of ['paint', 'wrap']) {
      assert.deepEqual(facts[`${mode} data`], { calls: 2, texts: ['Baku', 'Yerevan', 'Yerevan', 'Armenia', 'Georgia'], shown: ['Baku', 'Yerevan', 'Yerevan', 'Armenia', 'Georgia'] }, mode);
      assert.deepEqual(facts[`${mode} removal`], { calls: 2, texts: ['Ilham Aliyev', 'Baku', 'Yerevan', 'Armenia'], shown: ['Ilham Aliyev', 'Baku', 'Yerevan', 'Armenia'] }, mode);
    }
    await page.close();
  });

  test('after a slow match the page gets a turn before the mentions are mapped and shown', async () => {
    // Mapping thousands of mentions takes a slice's time by itself, so the
    // highlighter must not run it in the task that matching already made
    // long. A matcher that takes 12 ms (more than half a 20 ms slice)
    // queues a timer as it returns: the page's first change must come
    // after that timer has run.
    const { page } = await fixture('<p>Ilham Aliyev visited Baku and Yerevan.</p><p>Georgia and Armenia.</p>');
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      const local = await window.core.createLocalMatcher({ dictionary });
      let turnTaken = null;
      let slow = false;
      const matcher = {
        info: () => local.info(),
        async match(text) {
          const result = local.matchNow(text);
          if (!slow) return result;
          const until = performance.now() + 12;
          while (performance.now() < until) { /* a slow matcher */ }
          turnTaken = false;
          setTimeout(() => { turnTaken = true; }, 0);
          return result;
        },
      };
      // A first pass warms up the code, so that the second's only long
      // part is the matcher.
      const highlighter = await window.core.createHighlighter({ root, matcher });
      await highlighter.highlight();
      highlighter.clear();
      slow = true;
      let firstChangeAfterTurn = null;
      const observer = new MutationObserver(() => { firstChangeAfterTurn ??= turnTaken; });
      observer.observe(root, { childList: true, subtree: true });
      const { mentions } = await highlighter.highlight();
      observer.disconnect();
      return { mentions: mentions.length, firstChangeAfterTurn };
    }, DICTIONARY);
    assert.equal(facts.mentions, 5);
    assert.equal(facts.firstChangeAfterTurn, true);
    await page.close();
  });

  test('a matcher given to highlighters counts its dictionary\'s types once, not in every pass', async () => {
    // A million-entity index took 11 ms to count, in each full pass of a
    // highlighter sharing the matcher (it reads the info again, as the
    // dictionary of a remote matcher may change).
    const { page } = await fixture('<p>Ilham Aliyev visited Baku and Yerevan.</p>');
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      const local = await window.core.createLocalMatcher({ dictionary });
      let counted = 0;
      const count = local.engine.typeCounts.bind(local.engine);
      local.engine.typeCounts = () => { counted += 1; return count(); };
      const first = await window.core.createHighlighter({ root, matcher: local });
      const second = await window.core.createHighlighter({ root, matcher: local });
      for (let pass = 0; pass < 3; pass++) {
        await first.highlight();
        first.clear();
      }
      const info = await local.info();
      // A caller may change its copy without changing the next one.
      info.types.city = -1;
      const again = await local.info();
      const shown = first.dictionary;
      second.destroy();
      first.destroy();
      const countedInUse = counted;
      // What was counted goes with the engine.
      local.free();
      const afterFree = await local.info().then(() => 'answered', () => 'refused');
      return { counted: countedInUse, cities: again.types.city, entityCount: again.entityCount, shownCities: shown.types.city, afterFree };
    }, DICTIONARY);
    assert.deepEqual(facts, { counted: 1, cities: 2, entityCount: 6, shownCities: 2, afterFree: 'refused' });
    await page.close();
  });
});

test('the style sheet is adopted at creation, before the dictionary arrives, shared, and released by destroy()', async () => {
  // Adopting a sheet restyles the whole document: done at creation, that
  // happens while the dictionary loads rather than after the first pass.
  const { page } = await fixture('<p>Baku and Yerevan.</p>');
  const facts = await page.evaluate(async (dictionary) => {
    const root = document.getElementById('root');
    const sheets = () => document.adoptedStyleSheets.length;
    let release;
    const slowDictionary = new Promise((resolve) => { release = resolve; });
    const local = await window.core.createLocalMatcher({ dictionary });
    // A matcher whose dictionary has not arrived yet.
    const matcher = { info: async () => { await slowDictionary; return local.info(); }, match: (text) => local.match(text) };
    const creating = window.core.createHighlighter({ root, matcher });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const whileLoading = sheets();
    release();
    const first = await creating;
    const second = await window.core.createHighlighter({ root, matcher: local });
    const afterTwo = sheets();
    await first.highlight();
    first.clear();
    const afterClear = sheets();
    first.destroy();
    const afterOneDestroyed = sheets();
    second.destroy();
    return { whileLoading, afterTwo, afterClear, afterOneDestroyed, afterBoth: sheets() };
  }, DICTIONARY);
  assert.deepEqual(facts, { whileLoading: 1, afterTwo: 1, afterClear: 1, afterOneDestroyed: 1, afterBoth: 0 });
  await page.close();
});

test('where adoptedStyleSheets is refused (Firefox content scripts), one <style> element serves, until destroy()', async () => {
  const { page } = await fixture('<p>Baku and Yerevan.</p>');
  const facts = await page.evaluate(async (dictionary) => {
    // As Firefox does for a content script: the setter throws.
    Object.defineProperty(document, 'adoptedStyleSheets', { configurable: true, get: () => [], set: () => { throw new TypeError('refused'); } });
    const styles = () => document.querySelectorAll('style[data-entity-highlighter]').length;
    const root = document.getElementById('root');
    const first = await window.core.createHighlighter({ root, dictionary });
    const afterCreate = styles();
    const { mentions } = await first.highlight();
    const afterPass = styles();
    const second = await window.core.createHighlighter({ root, dictionary });
    const afterSecond = styles();
    first.destroy();
    const afterOne = styles();
    second.destroy();
    return { mentions: mentions.length, afterCreate, afterPass, afterSecond, afterOne, afterBoth: styles() };
  }, DICTIONARY);
  assert.deepEqual(facts, { mentions: 2, afterCreate: 1, afterPass: 1, afterSecond: 1, afterOne: 1, afterBoth: 0 });
  await page.close();
});

describe('highlighting again', () => {
  for (const mode of ['wrap', 'paint']) {
    test(`${mode}: the old marks stay on screen until the new pass replaces them, in one task`, async () => {
      const { page, consoleErrors, pageErrors } = await fixture(null);
      const facts = await page.evaluate(async (mode) => {
        const html = await (await fetch('/tests/data/sample-article.html')).text();
        const root = document.getElementById('root');
        root.replaceChildren(...new DOMParser().parseFromString(html, 'text/html').body.childNodes);
        const untouched = root.innerHTML;
        const local = await window.core.createLocalMatcher();
        // Answers after a few frames.
        const matcher = window.lateMatcher(local, 80);
        const highlighter = await window.core.createHighlighter({ root, matcher, mode });
        const marks = () => (mode === 'wrap'
          ? root.querySelectorAll('entity-mention').length
          : [...CSS.highlights.values()].reduce((sum, highlight) => sum + highlight.size, 0));
        const summary = (mentions) => mentions.map((m) => `${m.start}-${m.end}:${m.entity.id}`);
        const first = summary((await highlighter.highlight()).mentions);
        const shownFirst = marks();
        // What every frame drawn during the next passes shows.
        const stopWatching = window.watchFrames(marks);
        const again = summary((await highlighter.highlight()).mentions);
        const shownAgain = marks();
        highlighter.setOptions({ types: ['country'] });
        const countries = (await highlighter.highlight()).mentions;
        const shownCountries = marks();
        const frames = stopWatching();
        const wrappedText = root.textContent;
        highlighter.clear();
        return {
          first, again, shownFirst, shownAgain, frames,
          countries: countries.length, onlyCountries: countries.every((m) => m.entity.type === 'country'), shownCountries,
          textKept: wrappedText === root.textContent,
          restored: root.innerHTML === untouched,
          marksAfterClear: marks(),
        };
      }, mode);
      assert.ok(facts.first.length >= 70, `${facts.first.length} mentions`);
      assert.deepEqual(facts.again, facts.first, 'the same mentions again');
      assert.equal(facts.shownAgain, facts.shownFirst, 'shown once each, the old marks gone');
      assert.ok(facts.frames.length >= 8, `${facts.frames.length} frames watched while two passes waited for their matcher`);
      assert.ok(facts.frames.every((count) => count > 0), `a frame without marks: ${facts.frames.join(' ')}`);
      assert.ok(facts.countries > 5 && facts.countries < facts.first.length && facts.onlyCountries, `${facts.countries} countries`);
      assert.ok(facts.shownCountries > 0 && facts.shownCountries < facts.shownFirst, 'only the countries shown');
      assert.ok(facts.textKept, 'the text is the page\'s own');
      assert.ok(facts.restored, 'clear() restores the page exactly');
      assert.equal(facts.marksAfterClear, 0);
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  }

  test('paint: a pass of several slices keeps the old paint until it shows its own, all ranges registered or under watch', async () => {
    const { page, consoleErrors, pageErrors } = await fixture(null);
    const runs = await page.evaluate(async () => {
      const html = await (await fetch('/tests/data/sample-article.html')).text();
      const article = new DOMParser().parseFromString(html, 'text/html').body;
      const root = document.getElementById('root');
      const painted = () => [...CSS.highlights.values()].reduce((sum, highlight) => sum + highlight.size, 0);
      const runs = [];
      // 20 copies: 1,680 ranges, all registered; 30: 2,520, only those near
      // the viewport registered. Both texts are too short to be shown
      // visible part first, and both take several DOM slices.
      for (const copies of [20, 30]) {
        root.replaceChildren();
        for (let i = 0; i < copies; i++) root.append(...article.cloneNode(true).childNodes);
        window.scrollTo(0, document.body.scrollHeight / 2);
        const local = await window.core.createLocalMatcher();
        const highlighter = await window.core.createHighlighter({ root, matcher: window.lateMatcher(local, 80), mode: 'paint' });
        const mentions = (await highlighter.highlight()).mentions.length;
        // Until the ranges near the viewport are settled.
        await new Promise((resolve) => setTimeout(resolve, 600));
        const before = painted();
        const stopWatching = window.watchFrames(painted);
        await highlighter.highlight();
        await new Promise((resolve) => setTimeout(resolve, 600));
        const frames = stopWatching();
        runs.push({ copies, mentions, before, frames });
        highlighter.destroy();
        local.free();
      }
      window.scrollTo(0, 0);
      return runs;
    });
    for (const { copies, mentions, before, frames } of runs) {
      assert.equal(mentions, 84 * copies);
      assert.ok(before > 0 && (copies === 20 ? before === mentions : before < mentions / 4), `${copies} copies: ${before} ranges registered`);
      assert.ok(frames.length >= 10, `${copies} copies: ${frames.length} frames watched`);
      assert.ok(frames.every((count) => count === before), `${copies} copies: a frame not showing the ${before} ranges: ${frames.join(' ')}`);
    }
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('wrap: a pass of several slices marks the screen first, so no frame shows the screen less marked than before', async () => {
    const { page, consoleErrors, pageErrors } = await fixture(null);
    const facts = await page.evaluate(async () => {
      const html = await (await fetch('/tests/data/sample-article.html')).text();
      const article = new DOMParser().parseFromString(html, 'text/html').body;
      const root = document.getElementById('root');
      // 20 copies, 1,680 mentions: several DOM slices, too short a text to
      // be matched screen first.
      for (let i = 0; i < 20; i++) root.append(...article.cloneNode(true).childNodes);
      window.scrollTo(0, document.body.scrollHeight * 0.7);
      const local = await window.core.createLocalMatcher();
      const highlighter = await window.core.createHighlighter({ root, matcher: window.lateMatcher(local, 80), mode: 'wrap' });
      const mentions = (await highlighter.highlight()).mentions.length;
      const onScreen = () => {
        let count = 0;
        for (const element of root.querySelectorAll('entity-mention')) {
          const rect = element.getBoundingClientRect();
          if (rect.bottom > 0 && rect.top < innerHeight) count += 1;
        }
        return count;
      };
      const before = onScreen();
      const all = () => root.querySelectorAll('entity-mention').length;
      const stopWatching = window.watchFrames(() => [onScreen(), all()]);
      await highlighter.highlight();
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
      const frames = stopWatching();
      highlighter.destroy();
      local.free();
      window.scrollTo(0, 0);
      return { mentions, before, frames };
    });
    assert.equal(facts.mentions, 1680);
    assert.ok(facts.before > 10, `${facts.before} marks on screen`);
    assert.ok(facts.frames.length >= 5, `${facts.frames.length} frames watched`);
    const partial = facts.frames.filter(([, all]) => all < 1700 && all > 0);
    assert.ok(facts.frames.every(([screen]) => screen === facts.before), `a frame not showing the ${facts.before} marks on screen: ${facts.frames.map(([screen, all]) => `${screen}/${all}`).join(' ')} (${partial.length} frames part-wrapped)`);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a matcher given by the caller is asked for its info again at each pass, once at the first', async () => {
    const { page, consoleErrors, pageErrors } = await fixture(null);
    const facts = await page.evaluate(async () => {
      const root = document.getElementById('root');
      root.textContent = 'Talks in Baku.';
      const local = await window.core.createLocalMatcher();
      const real = await local.info();
      let asked = 0;
      let title = 'Before';
      const matcher = {
        async info() {
          asked += 1;
          return { ...real, title };
        },
        match: (text) => local.match(text),
      };
      const highlighter = await window.core.createHighlighter({ root, matcher });
      const atCreation = asked;
      await highlighter.highlight();
      const afterFirst = { asked, title: highlighter.dictionary.title };
      title = 'After';
      await highlighter.highlight();
      const afterSecond = { asked, title: highlighter.dictionary.title, entities: highlighter.dictionary.entityCount };
      highlighter.destroy();
      local.free();
      return { atCreation, afterFirst, afterSecond, entities: real.entityCount };
    });
    assert.equal(facts.atCreation, 1);
    assert.deepEqual(facts.afterFirst, { asked: 1, title: 'Before' }, 'the first pass uses the info read at creation');
    assert.deepEqual(facts.afterSecond, { asked: 2, title: 'After', entities: facts.entities }, 'the next pass reads it again');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});

test('wrap: text the page changes inside an old wrapper while the new pass waits is read again', async () => {
  const { page, consoleErrors, pageErrors } = await fixture('<p>Talks in Baku and Yerevan.</p><p>Then Georgia.</p>');
  const facts = await page.evaluate(async (dictionary) => {
    const root = document.getElementById('root');
    const local = await window.core.createLocalMatcher({ dictionary });
    let onMatch = null;
    const texts = [];
    const matcher = window.lateMatcher(local, 40, (text) => {
      texts.push(text);
      onMatch?.();
    });
    const highlighter = await window.core.createHighlighter({ root, matcher, mode: 'wrap' });
    const first = (await highlighter.highlight()).mentions.map((m) => m.text);
    // While the next pass waits for its first answer, the page rewrites
    // the text inside the wrapper of "Baku".
    onMatch = () => {
      onMatch = null;
      root.querySelector('entity-mention[data-entity="city:baku"]').firstChild.data = 'Yerevan';
    };
    const again = (await highlighter.highlight()).mentions.map((m) => [m.text, m.elements.length]);
    const wrappers = root.querySelectorAll('entity-mention').length;
    highlighter.clear();
    return { first, again, wrappers, texts, after: root.innerHTML };
  }, DICTIONARY);
  assert.deepEqual(facts.first, ['Baku', 'Yerevan', 'Georgia']);
  assert.deepEqual(facts.again, [['Yerevan', 1], ['Yerevan', 1], ['Georgia', 1]]);
  assert.equal(facts.wrappers, 3);
  // The first walk read the page's text through the old wrappers; the
  // second, after the change, read it again.
  assert.deepEqual(facts.texts.slice(1), ['Talks in Baku and Yerevan.\u2029Then Georgia.\u2029', 'Talks in Yerevan and Yerevan.\u2029Then Georgia.\u2029']);
  assert.equal(facts.after, '<p>Talks in Yerevan and Yerevan.</p><p>Then Georgia.</p>');
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('wrap: a piece the page removed before the next pass does not send that pass to walk again', async () => {
  const { page, consoleErrors, pageErrors } = await fixture('<p>Baku, Yerevan and Georgia.</p>');
  const facts = await page.evaluate(async (dictionary) => {
    const root = document.getElementById('root');
    const local = await window.core.createLocalMatcher({ dictionary });
    const texts = [];
    const matcher = window.lateMatcher(local, 20, (text) => texts.push(text));
    const highlighter = await window.core.createHighlighter({ root, matcher, mode: 'wrap' });
    const first = (await highlighter.highlight()).mentions.map((m) => m.text);
    // The ", " between the first two wrappers goes; unwrapping then joins
    // what follows it to "Baku" all the same.
    const comma = root.querySelector('entity-mention').nextSibling;
    const removed = comma.data;
    comma.remove();
    const again = (await highlighter.highlight()).mentions.map((m) => m.text);
    highlighter.clear();
    return { first, removed, again, texts, after: root.innerHTML };
  }, DICTIONARY);
  assert.deepEqual(facts.first, ['Baku', 'Yerevan', 'Georgia']);
  assert.equal(facts.removed, ', ');
  assert.deepEqual(facts.again, ['Georgia']);
  assert.deepEqual(facts.texts, ['Baku, Yerevan and Georgia.\u2029', 'BakuYerevan and Georgia.\u2029'], 'one walk and one match per pass');
  assert.equal(facts.after, '<p>BakuYerevan and Georgia.</p>');
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('wrap: a copy of marked text gives the clipboard the page\'s text and markup, none of the wrappers', async () => {
  const { page, consoleErrors, pageErrors } = await fixture('<p id="one">Talks in <b>Baku</b> and Yerevan.</p><p id="two">Georgia next.</p>');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await highlight(page, { options: { mode: 'wrap' } });
  assert.equal(await page.evaluate(() => document.querySelectorAll('#root entity-mention').length), 3);
  /** Selects from (start node, offset) to (end node, offset), copies with
   * the keyboard, and reads back the clipboard. */
  const copy = async (select) => {
    await page.evaluate(select);
    await page.keyboard.press('Control+C');
    return page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      return { text: await (await item.getType('text/plain')).text(), html: await (await item.getType('text/html')).text() };
    });
  };
  // Across both paragraphs and every mention.
  const across = await copy(() => {
    const range = document.createRange();
    range.setStart(document.querySelector('#one').firstChild, 0);
    const last = document.querySelector('#two').lastChild;
    range.setEnd(last, last.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  assert.doesNotMatch(across.html, /entity-mention|data-owner|tabindex|role=/);
  assert.match(across.html, /<p id="one">Talks in <b>Baku<\/b> and Yerevan\.<\/p><p id="two">Georgia next\.<\/p>/);
  assert.match(across.text, /^Talks in Baku and Yerevan\.\s+Georgia next\.$/);
  // Inside one mention: the browser would carry the wrapper's look.
  const inside = await copy(() => {
    const text = document.querySelector('#one entity-mention').firstChild;
    const range = document.createRange();
    range.setStart(text, 1);
    range.setEnd(text, 3);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  assert.deepEqual(inside, { text: 'ak', html: 'ak' });
  // Text without marks is left to the browser, styles and all.
  const plain = await copy(() => {
    const text = document.querySelector('#two').lastChild;
    const range = document.createRange();
    range.setStart(text, 1);
    range.setEnd(text, text.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  assert.equal(plain.text, 'next.');
  assert.match(plain.html, /style=/);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('wrap: dragging a selection of marked text, or a link holding a mark, drops the page\'s text and markup, none of the wrappers', async () => {
  const { page, consoleErrors, pageErrors } = await fixture('<p id="one" style="font-size: 24px">Talks in <b>Baku</b> and Yerevan went on.</p>'
    + '<p><a id="link" href="/about" style="font-size: 24px">Georgia</a></p><div id="drop" style="width: 300px; height: 100px; border: 1px solid">drop here</div>');
  await highlight(page, { options: { mode: 'wrap' } });
  assert.equal(await page.evaluate(() => document.querySelectorAll('#root entity-mention').length), 3);
  await page.evaluate(() => {
    window.dropped = [];
    const drop = document.getElementById('drop');
    drop.addEventListener('dragover', (event) => event.preventDefault());
    drop.addEventListener('drop', (event) => {
      event.preventDefault();
      const data = event.dataTransfer;
      window.dropped.push({ text: data.getData('text/plain'), html: data.getData('text/html'), link: data.getData('text/uri-list') });
    });
  });
  /** Drags with the mouse from the middle of `from` to the drop zone. */
  const drag = async (from) => {
    const before = await page.evaluate(() => window.dropped.length);
    const start = await page.locator(from).boundingBox();
    const end = await page.locator('#drop').boundingBox();
    await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page.mouse.down();
    await page.mouse.move(start.x + start.width / 2 + 30, start.y + start.height / 2 + 10, { steps: 5 });
    await page.mouse.move(end.x + 50, end.y + 50, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction((count) => window.dropped.length > count, before);
    return page.evaluate(() => window.dropped.at(-1));
  };
  await page.evaluate(() => {
    const one = document.getElementById('one');
    const range = document.createRange();
    range.setStart(one.firstChild, 0);
    range.setEnd(one.lastChild, one.lastChild.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  const selection = await drag('#one b');
  assert.equal(selection.text, 'Talks in Baku and Yerevan went on.');
  assert.doesNotMatch(selection.html, /entity-mention|data-owner|tabindex|role=/);
  assert.match(selection.html, /Talks in <b>Baku<\/b> and Yerevan went on\./);
  // The drag moved nothing and left the marks in place.
  assert.equal(await page.evaluate(() => document.querySelectorAll('#root entity-mention').length), 3);
  // A link dragged with nothing selected: the browser's address and text,
  // the link's markup without the wrapper.
  await page.evaluate(() => getSelection().removeAllRanges());
  const link = await drag('#link');
  assert.equal(link.link, `${server.url}/about`);
  assert.equal(link.html, `<a id="link" href="${server.url}/about" style="font-size: 24px">Georgia</a>`);
  // A selection dragged by an image inside it is the selection's drag.
  await page.evaluate(() => {
    const image = document.createElement('img');
    image.id = 'image';
    image.width = 40;
    image.height = 40;
    image.src = 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" width="40" height="40"%3E%3Crect width="40" height="40" fill="teal"/%3E%3C/svg%3E';
    const one = document.getElementById('one');
    one.prepend(image);
    const range = document.createRange();
    range.setStartBefore(image);
    range.setEnd(one.lastChild, one.lastChild.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  const byImage = await drag('#image');
  assert.doesNotMatch(byImage.html, /entity-mention|data-owner|tabindex|role=/);
  assert.match(byImage.html, /<img id="image"[^>]*>Talks in <b>Baku<\/b> and Yerevan went on\./);
  // A draggable element of the page's: the browser offers no markup, and
  // none is added.
  await page.evaluate(() => {
    getSelection().removeAllRanges();
    const card = document.createElement('div');
    card.id = 'draggable';
    card.draggable = true;
    card.style.cssText = 'font-size: 24px; width: 200px';
    card.textContent = 'Armenia card';
    document.getElementById('one').after(card);
    card.addEventListener('dragstart', (event) => event.dataTransfer.setData('text/plain', 'the page\'s own'));
  });
  await highlight(page, { options: { mode: 'wrap' } });
  await page.evaluate(() => { window.dropped = []; });
  assert.equal(await page.locator('#draggable entity-mention').count(), 1);
  const draggable = await drag('#draggable');
  assert.deepEqual(draggable, { text: 'the page\'s own', html: '', link: '' });
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

describe('errors leave the page untouched', () => {
  test('a dictionary object with a lone surrogate is refused at the field that holds it', async () => {
    const { page, pageErrors } = await fixture('<p>Baku.</p>');
    const facts = await page.evaluate(async () => {
      const half = String.fromCharCode(0xd800);
      const dictionary = { entities: [
        { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
        { id: 'city:odd', name: 'Odd', type: 'city', aliases: ['fine', `Od${half}d`], summary: 'A name with half a character.' },
      ] };
      try {
        await window.core.createHighlighter({ root: document.getElementById('root'), dictionary });
        return 'created';
      } catch (error) {
        return { kind: error.kind, message: error.message, problems: error.problems };
      }
    });
    assert.deepEqual(facts, {
      kind: 'dictionary',
      message: 'the dictionary was refused: 1 problem\n  entities[1], aliases[1]: unpaired surrogate (half of a UTF-16 pair, not a character)',
      problems: [{ location: 'entities[1], aliases[1]', message: 'unpaired surrogate (half of a UTF-16 pair, not a character)' }],
    });
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a refused dictionary, a bad option and an unreachable dictionary', async () => {
    const { page, consoleErrors } = await fixture('<p>Baku</p>');
    const outcome = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const before = root.cloneNode(true);
      const attempt = async (options) => {
        try {
          await window.core.createHighlighter({ root, ...options });
          return 'created';
        } catch (error) {
          return { kind: error.kind, message: error.message, problems: error.problems, isError: error instanceof window.core.HighlighterError };
        }
      };
      return {
        refused: await attempt({ dictionary: '{"entities": [{"id": "a", "name": "", "type": "city", "summary": "s"}]}' }),
        syntax: await attempt({ dictionary: '{"entities": [\n  {"id": "a",}\n]}' }),
        option: await attempt({ mentions: 'some' }),
        unknown: await attempt({ colour: 'red' }),
        missing: await attempt({ dictionary: '/data/no-such-dictionary.json' }),
        page: await attempt({ dictionary: '/tests/e2e/pages/fixture.html' }),
        scheme: await attempt({ dictionary: 'javascript:alert(1)' }),
        untouched: root.isEqualNode(before),
        sheets: document.adoptedStyleSheets.length,
      };
    });
    assert.equal(outcome.refused.kind, 'dictionary');
    assert.ok(outcome.refused.isError);
    assert.deepEqual(outcome.refused.problems, [{ location: 'entities[0] (id "a"), name', message: 'empty name' }]);
    assert.equal(outcome.syntax.problems[0].location, 'line 2, column 14');
    assert.equal(outcome.option.kind, 'option');
    assert.match(outcome.option.message, /mentions must be "all" or "first"/);
    assert.match(outcome.unknown.message, /unknown option "colour"/);
    assert.equal(outcome.missing.kind, 'dictionary');
    assert.match(outcome.missing.message, /HTTP 404/);
    assert.equal(outcome.page.kind, 'dictionary');
    assert.match(outcome.page.message, /^the dictionary at \S+\/tests\/e2e\/pages\/fixture\.html is an HTML page, not a dictionary/);
    assert.equal(outcome.scheme.kind, 'option');
    assert.ok(outcome.untouched);
    assert.equal(outcome.sheets, 0, 'the sheet adopted at creation is released when creation fails');
    assert.ok(consoleErrors.some((line) => line.startsWith('entity-highlighter: ')), 'errors are also reported on the console');
    await page.close();
  });

  test('a page whose CSP forbids WebAssembly gets a clear error and no changes', async () => {
    const { page, consoleErrors } = await fixture(null, { page: 'csp-strict.html' });
    const outcome = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const before = root.cloneNode(true);
      try {
        await window.core.createHighlighter({ root, dictionary: { entities: [] } });
        return { created: true };
      } catch (error) {
        return { kind: error.kind, message: error.message, untouched: root.isEqualNode(before) };
      }
    });
    assert.equal(outcome.kind, 'wasm');
    assert.match(outcome.message, /wasm-unsafe-eval/);
    assert.ok(outcome.untouched);
    assert.ok(consoleErrors.some((line) => line.includes("needs 'wasm-unsafe-eval'")), consoleErrors.join('\n'));
    await page.close();
  });
});

describe('hover card', () => {
  const cardState = (page) => page.evaluate(() => {
    const host = document.querySelector('entity-highlighter-card');
    if (!host || host.hidden) return null;
    const dialog = host.shadowRoot.querySelector('.card');
    const box = host.getBoundingClientRect();
    return { text: dialog.textContent, names: [...dialog.querySelectorAll('.name')].map((n) => n.textContent), box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom }, placement: host.dataset.placement };
  });

  test('opens on hover after a dwell, stays over the card, closes after leaving, reopens on return', async () => {
    const { page, consoleErrors } = await fixture('<p style="margin-top:40px">The capital <b id="baku">Baku</b> lies on the sea.</p><p id="far" style="margin-top:200px">Far away text.</p>');
    await highlight(page);
    const mention = page.locator('entity-mention').first();
    await mention.hover();
    assert.equal(await cardState(page), null, 'not open at once');
    await page.waitForTimeout(350);
    const open = await cardState(page);
    assert.ok(open, 'open after the dwell');
    assert.deepEqual(open.names, ['Baku']);
    assert.match(open.text, /Capital of Azerbaijan, on the Caspian Sea\./);
    assert.equal(await mention.getAttribute('aria-expanded'), 'true');
    // Into the card: it stays.
    await page.mouse.move(open.box.left + 20, open.box.top + 20, { steps: 4 });
    await page.waitForTimeout(450);
    assert.ok(await cardState(page), 'stays open while the pointer is on the card');
    // Away, then back within the close delay: still open.
    await page.locator('#far').hover();
    await page.waitForTimeout(100);
    await mention.hover();
    await page.waitForTimeout(400);
    assert.ok(await cardState(page), 'coming back during the close delay keeps it');
    // Away for good: closed about 300 ms later.
    await page.locator('#far').hover();
    await page.waitForTimeout(150);
    assert.ok(await cardState(page), 'not closed at once');
    await page.waitForTimeout(300);
    assert.equal(await cardState(page), null);
    assert.equal(await mention.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  for (const mode of ['wrap', 'paint']) {
    test(`${mode}: in a page that scrolls an inner element, the wheel goes on scrolling it under a card opened by hover, which closes; a card opened from the keyboard follows its mention`, async () => {
      const filler = '<p>Filler text without names.</p>'.repeat(40);
      const { page, consoleErrors } = await fixture(`<div id="scroller" style="position: fixed; inset: 40px 0 0 0; overflow: auto">${filler.slice(0, 200)}<p id="talks">Talks in Baku went on.</p>${filler}</div>`);
      await page.evaluate(() => { document.documentElement.style.overflow = 'hidden'; document.body.style.overflow = 'hidden'; });
      await highlight(page, { options: { mode } });
      const place = () => page.evaluate(() => {
        const text = document.getElementById('talks').textContent;
        const range = document.createRange();
        const node = document.getElementById('talks').querySelector('entity-mention')?.firstChild ?? document.getElementById('talks').firstChild;
        const at = node.data.indexOf('Baku');
        range.setStart(node, at);
        range.setEnd(node, at + 4);
        const rect = range.getBoundingClientRect();
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2, text };
      });
      const spot = await place();
      await page.mouse.move(spot.x - 40, spot.y - 40);
      await page.mouse.move(spot.x, spot.y, { steps: 3 });
      await page.waitForTimeout(400);
      assert.ok(await cardState(page), 'open after the dwell');
      const positions = [];
      for (let notch = 0; notch < 4; notch++) {
        await page.mouse.wheel(0, 120);
        await page.waitForTimeout(150);
        positions.push(await page.evaluate(() => Math.round(document.getElementById('scroller').scrollTop)));
      }
      assert.ok(positions.every((top, i) => top > (i ? positions[i - 1] : 0)), `every notch scrolls the article (${positions.join(', ')})`);
      assert.equal(await cardState(page), null, 'the card opened by hover closed');
      if (mode === 'wrap') {
        // From the keyboard: the card stays with its mention as the page scrolls.
        await page.evaluate(() => { document.getElementById('scroller').scrollTop = 0; });
        await page.locator('#talks entity-mention').focus();
        await page.keyboard.press('Enter');
        const before = await cardState(page);
        assert.ok(before, 'open from the keyboard');
        await page.evaluate(() => { document.getElementById('scroller').scrollTop += 30; });
        await page.waitForTimeout(100);
        const after = await cardState(page);
        assert.ok(after, 'still open');
        assert.ok(Math.abs(after.box.top - (before.box.top - 30)) < 2, `moved with its mention (${before.box.top} -> ${after.box.top})`);
      }
      assert.deepEqual(consoleErrors, []);
      await page.close();
    });
  }

  test('Escape closes it', async () => {
    const { page } = await fixture('<p>In Baku today.</p>');
    await highlight(page);
    await page.locator('entity-mention').hover();
    await page.waitForTimeout(350);
    assert.ok(await cardState(page));
    await page.keyboard.press('Escape');
    assert.equal(await cardState(page), null);
    await page.close();
  });

  test('keyboard: focus shows it, Enter moves into it, Tab and Escape return to the mention', async () => {
    const { page } = await fixture('<p><a href="#x">A link first</a> then Ilham Aliyev and Yerevan.</p>');
    await highlight(page);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    assert.equal(await focused(), 'Ilham Aliyev');
    assert.deepEqual((await cardState(page)).names, ['Ilham Aliyev'], 'focus shows the card');
    const description = () => page.evaluate(() => [...document.querySelectorAll('entity-mention')].map((el) => el.getAttribute('aria-description')));
    assert.deepEqual(await description(), ['Person. President of Azerbaijan.', null], 'a screen reader hears the card with the mention');
    await page.keyboard.press('Enter');
    const inside = await page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      return document.activeElement === host && host.shadowRoot.activeElement?.getAttribute('role');
    });
    assert.equal(inside, 'dialog', 'Enter moves focus into the card');
    await page.keyboard.press('Tab');
    const onLink = () => page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.activeElement?.className);
    assert.equal(await onLink(), 'more');
    // Past the card's closing delay: focus on its link keeps it open.
    await page.waitForTimeout(700);
    assert.equal(await onLink(), 'more', 'the link keeps focus');
    assert.deepEqual((await cardState(page))?.names, ['Ilham Aliyev'], 'the card stays open while focus is in it');
    await page.keyboard.press('Escape');
    assert.equal(await cardState(page), null);
    assert.equal(await focused(), 'Ilham Aliyev', 'Escape returns focus to the mention');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Yerevan');
    assert.deepEqual((await cardState(page)).names, ['Yerevan']);
    const [aliyev, yerevan] = await description();
    assert.equal(aliyev, null, 'gone with its card');
    assert.match(yerevan, /^City\. /);
    await page.close();
  });

  test('paint: Alt+Shift+Down and Up step through the mentions, each scrolled to, marked, and its card focused; Escape gives focus back', async () => {
    const filler = '<p style="margin: 0 0 18px">Filler text without names.</p>'.repeat(30);
    const { page, consoleErrors, pageErrors } = await fixture(`<p><button id="start">Start</button> <input id="field" value="Baku"> <input id="box" type="checkbox"></p><p>Talks in Baku and Yerevan.</p>${filler}<p id="far">Then Ilham Aliyev in Armenia.</p>`);
    await highlight(page, { options: { mode: 'paint' } });
    await page.locator('#start').focus();
    const state = () => page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      const shadow = host?.shadowRoot;
      const stepped = CSS.highlights.get('entity-highlighter-stepped');
      const [range] = stepped ? [...stepped] : [];
      const rect = range?.getBoundingClientRect();
      return {
        names: host && !host.hidden ? [...shadow.querySelectorAll('.name')].map((n) => n.textContent) : null,
        position: host && !host.hidden ? shadow.querySelector('.position [aria-hidden]')?.textContent : null,
        heard: host && !host.hidden ? shadow.querySelector('.position .visually-hidden')?.textContent : null,
        focus: shadow?.activeElement?.getAttribute('role') ?? document.activeElement?.id,
        stepped: range ? range.toString() : null,
        onScreen: rect ? rect.top >= 0 && rect.bottom <= innerHeight : null,
        described: shadow?.querySelector('.card')?.getAttribute('aria-describedby'),
      };
    });
    const step = async (key) => {
      await page.keyboard.press(`Alt+Shift+${key}`);
      return state();
    };
    assert.deepEqual(await step('ArrowDown'), {
      names: ['Baku'],
      position: '1 of 4 · Alt+Shift+↓ next, Alt+Shift+↑ previous',
      heard: 'Mention 1 of 4. Alt+Shift+Down arrow for the next, Alt+Shift+Up arrow for the previous.',
      focus: 'dialog',
      stepped: 'Baku',
      onScreen: true,
      described: 'summary-0 position',
    });
    assert.deepEqual((await step('ArrowDown')).names, ['Yerevan']);
    // Below the fold: scrolled to.
    assert.equal(await page.evaluate(() => scrollY), 0);
    const far = await step('ArrowDown');
    assert.deepEqual([far.names, far.stepped, far.onScreen, far.position.slice(0, 6)], [['Ilham Aliyev'], 'Ilham Aliyev', true, '3 of 4']);
    assert.ok(await page.evaluate(() => scrollY) > 0);
    assert.deepEqual((await step('ArrowDown')).names, ['Armenia']);
    // At the end it stays on the last.
    assert.deepEqual((await step('ArrowDown')).names, ['Armenia']);
    assert.deepEqual((await step('ArrowUp')).names, ['Ilham Aliyev']);
    // The card's link is reached by Tab, as for any card; the keys still step.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.activeElement?.className), 'more');
    assert.deepEqual((await step('ArrowUp')).names, ['Yerevan']);
    // Escape: the card and the mark go, focus is back where stepping began.
    await page.keyboard.press('Escape');
    assert.deepEqual(await state(), { names: null, position: null, heard: null, focus: 'start', stepped: null, onScreen: null, described: 'summary-0 position' });
    // The next step goes on from the last mention stepped to, while it is
    // on screen; scrolled away from it, from what is on screen.
    assert.deepEqual((await step('ArrowDown')).names, ['Ilham Aliyev']);
    await page.keyboard.press('Escape');
    await page.evaluate(() => scrollTo(0, 0));
    assert.deepEqual((await step('ArrowDown')).names, ['Baku']);
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    assert.deepEqual((await step('ArrowUp')).names, ['Armenia']);
    await page.keyboard.press('Escape');
    // In a text field the keys are the field's; on a checkbox they step.
    await page.locator('#field').focus();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.equal((await state()).names, null);
    await page.locator('#box').focus();
    assert.deepEqual((await step('ArrowDown')).names, ['Baku']);
    await page.keyboard.press('Escape');
    assert.equal((await state()).focus, 'box');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('paint: leaving a stepped card far from where stepping began, Tab goes on from the mention, and the page stays put', async () => {
    const notes = Array.from({ length: 12 }, (_, i) => `<p style="margin: 0 0 140px"><a href="#p${i}" id="p${i}">before ${i}</a>: talks in Baku, then <a href="#n${i}" id="n${i}">note ${i}</a>.</p>`).join('');
    const { page, consoleErrors, pageErrors } = await fixture(`<p><button id="start">Start</button></p>${notes}`, { viewport: { width: 900, height: 600 } });
    await highlight(page, { options: { mode: 'paint' } });
    await page.locator('#start').focus();
    const where = () => page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      return { card: Boolean(host && !host.hidden), focus: host?.shadowRoot.activeElement?.getAttribute('role') ?? (document.activeElement.id || document.activeElement.localName), scrollY };
    });
    for (let i = 0; i < 8; i++) await page.keyboard.press('Alt+Shift+ArrowDown');
    const stepped = await where();
    assert.deepEqual([stepped.card, stepped.focus], [true, 'dialog']);
    assert.ok(stepped.scrollY > 600, `scrolled down to the eighth mention: ${stepped.scrollY}`);
    // Escape: #start is out of sight, so focus does not go back up there;
    // the next Tab goes on from the eighth mention.
    await page.keyboard.press('Escape');
    assert.deepEqual(await where(), { card: false, focus: 'body', scrollY: stepped.scrollY });
    await page.keyboard.press('Tab');
    assert.equal((await where()).focus, 'n7');
    // Tab out of a card: one key press goes on from its mention, either
    // way (to the link just before it, in the same paragraph).
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual([(await where()).card, (await where()).focus], [true, 'dialog']);
    await page.keyboard.press('Shift+Tab');
    assert.deepEqual([(await where()).card, (await where()).focus], [false, 'p8']);
    // (The next step goes on from the place stepped to, the ninth.)
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.keyboard.press('Tab');
    assert.equal((await where()).focus, 'n9');
    // Back near the top, Escape gives focus back where stepping began.
    await page.evaluate(() => scrollTo(0, 0));
    await page.locator('#start').focus();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.keyboard.press('Escape');
    assert.equal((await where()).focus, 'start');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  /** In paint mode: what the step keys show (card names, the stepped
   * mark's text, where focus is). */
  const stepState = (page) => page.evaluate(() => {
    // One card element per highlighter: the one shown, if any.
    const hosts = [...document.querySelectorAll('entity-highlighter-card')];
    const host = hosts.find((element) => !element.hidden) ?? hosts[0];
    const shadow = hosts.find((element) => element.shadowRoot.activeElement)?.shadowRoot ?? host?.shadowRoot;
    const stepped = CSS.highlights.get('entity-highlighter-stepped');
    const [range] = stepped ? [...stepped] : [];
    return {
      names: host && !host.hidden ? [...shadow.querySelectorAll('.name')].map((n) => n.textContent) : null,
      position: host && !host.hidden ? shadow.querySelector('.position [aria-hidden]')?.textContent.split(' · ')[0] : null,
      stepped: range ? range.toString() : null,
      focus: shadow?.activeElement ? 'card' : document.activeElement?.id || document.activeElement?.localName,
    };
  });

  test('paint: stepping scrolls inner boxes to the mention, never covers it with the card, and passes over text no one can see', async () => {
    const filler = (n) => '<p>Filler text without names.</p>'.repeat(n);
    const { page, consoleErrors, pageErrors } = await fixture(`<p><button id="start">Start</button> Baku first.</p>`
      + `<div id="tall" style="height: 120px; overflow: auto">${filler(12)}<p>Yerevan inside.</p>${filler(12)}</div>`
      + '<div id="wide" style="width: 260px; overflow-x: auto; white-space: nowrap">Filler text without names, a long line of it, and then Georgia at its end.</div>'
      + '<p style="visibility: hidden">Armenia unseen.</p><p style="position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0)">Armenia for screen readers.</p>'
      + '<p style="position: absolute; left: -9999px">Armenia far left.</p><p style="opacity: 0">Armenia transparent.</p>'
      + `${filler(14)}<p id="low">Low on the screen: Ilham Aliyev.</p>`, { viewport: { width: 1000, height: 700 } });
    await highlight(page, { options: { mode: 'paint' } });
    await page.locator('#start').focus();
    const boxes = () => page.evaluate(() => {
      const stepped = [...CSS.highlights.get('entity-highlighter-stepped') ?? []][0];
      const mark = stepped?.getBoundingClientRect();
      const host = document.querySelector('entity-highlighter-card');
      const card = host?.shadowRoot.querySelector('.card').getBoundingClientRect();
      const inside = (id) => {
        const frame = document.getElementById(id).getBoundingClientRect();
        return mark.top >= frame.top && mark.bottom <= frame.bottom && mark.left >= frame.left && mark.right <= frame.right;
      };
      return {
        text: stepped?.toString(),
        inTall: inside('tall'),
        inWide: inside('wide'),
        onScreen: mark.top >= 0 && mark.bottom <= innerHeight,
        covered: card.left < mark.right && card.right > mark.left && card.top < mark.bottom && card.bottom > mark.top,
      };
    });
    await page.keyboard.press('Alt+Shift+ArrowDown');
    // Numbered among the mentions shown: the two hidden by style are
    // neither stepped to nor counted; the clipped one and the one placed
    // off the page are passed over, but counted (telling them apart costs
    // a box test per mention).
    assert.equal((await stepState(page)).position, '1 of 6');
    await page.keyboard.press('Alt+Shift+ArrowDown');
    const tall = await boxes();
    assert.deepEqual([tall.text, tall.inTall, tall.onScreen, tall.covered], ['Yerevan', true, true, false], `the inner box scrolled to it: ${JSON.stringify(tall)}`);
    await page.keyboard.press('Alt+Shift+ArrowDown');
    const wide = await boxes();
    assert.deepEqual([wide.text, wide.inWide, wide.covered], ['Georgia', true, false], `scrolled sideways to it: ${JSON.stringify(wide)}`);
    await page.keyboard.press('Alt+Shift+ArrowDown');
    const low = await boxes();
    assert.deepEqual([low.text, low.onScreen, low.covered], ['Ilham Aliyev', true, false], JSON.stringify(low));
    assert.equal((await stepState(page)).position, '6 of 6');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('paint: stepping goes through every highlighter\'s mentions in page order, keeps to an open modal dialog, and keeps its place when the page changes', async () => {
    const { page, consoleErrors, pageErrors } = await fixture('<p><button id="start">Start</button></p><div id="a"><p id="first">Talks in Baku and Yerevan.</p></div><div id="b"><p>Then Armenia and Georgia.</p></div>'
      + '<dialog id="modal"><p>Inside: Yerevan and Georgia.</p><button id="ok">OK</button></dialog>');
    await page.evaluate(async (dictionary) => {
      window.first = await window.core.createHighlighter({ root: document.getElementById('a'), dictionary, mode: 'paint', observe: true });
      await window.first.highlight();
      window.second = await window.core.createHighlighter({ root: document.getElementById('b'), dictionary, mode: 'paint' });
      await window.second.highlight();
    }, DICTIONARY);
    await page.locator('#start').focus();
    const names = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Alt+Shift+ArrowDown');
      const state = await stepState(page);
      names.push(`${state.names?.[0]} ${state.position}`);
    }
    assert.deepEqual(names, ['Baku 1 of 4', 'Yerevan 2 of 4', 'Armenia 3 of 4', 'Georgia 4 of 4']);
    // The page adds to a paragraph stepped through: the mentions there
    // are found again, and the next step goes on from the same place.
    await page.keyboard.press('Alt+Shift+ArrowUp');
    await page.keyboard.press('Alt+Shift+ArrowUp');
    assert.equal((await stepState(page)).names[0], 'Yerevan');
    const updated = page.evaluate(() => new Promise((resolve) => window.first.setOptions({ onUpdate: resolve })));
    await page.evaluate(() => document.getElementById('first').append(' More later.'));
    await updated;
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual((await stepState(page)).names, ['Armenia']);
    await page.keyboard.press('Escape');
    // A modal dialog: only its mentions, and focus stays in it.
    await page.evaluate(async (dictionary) => {
      document.getElementById('modal').showModal();
      window.third = await window.core.createHighlighter({ root: document.getElementById('modal'), dictionary, mode: 'paint' });
      await window.third.highlight();
    }, DICTIONARY);
    await page.locator('#ok').focus();
    const inModal = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Alt+Shift+ArrowDown');
      const state = await stepState(page);
      inModal.push(`${state.names[0]} ${state.position} ${state.focus}`);
    }
    assert.deepEqual(inModal, ['Yerevan 1 of 2 card', 'Georgia 2 of 2 card', 'Georgia 2 of 2 card']);
    await page.keyboard.press('Escape');
    assert.equal((await stepState(page)).focus, 'ok', 'focus back on the dialog\'s button');
    assert.equal(await page.evaluate(() => document.getElementById('modal').open), true);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('paint: two highlighters\' mentions, one in a shadow root, are stepped through in reading order', async () => {
    const { page, pageErrors } = await fixture('<div id="a"><p>Talks in Baku.</p><div id="host"></div><p>Then Yerevan.</p></div><div id="b"><p>Georgia last.</p></div>');
    await page.evaluate(async (dictionary) => {
      const shadow = document.getElementById('host').attachShadow({ mode: 'open' });
      shadow.innerHTML = '<p>Inside: Armenia.</p>';
      for (const id of ['a', 'b']) {
        const highlighter = await window.core.createHighlighter({ root: document.getElementById(id), dictionary, mode: 'paint' });
        await highlighter.highlight();
      }
    }, DICTIONARY);
    const names = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Alt+Shift+ArrowDown');
      names.push((await stepState(page)).names?.[0]);
    }
    assert.deepEqual(names, ['Baku', 'Armenia', 'Yerevan', 'Georgia']);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('paint: the stepped mark and focus are given back when the card cannot be made, on clear() and on highlighting again', async () => {
    const { page, pageErrors } = await fixture('<p><button id="start">Start</button> Talks in Baku and Yerevan.</p>');
    await highlight(page, { options: { mode: 'paint' } });
    await page.locator('#start').focus();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual(await stepState(page), { names: ['Baku'], position: '1 of 2', stepped: 'Baku', focus: 'card' });
    await page.evaluate(() => window.highlighter.highlight());
    assert.deepEqual(await stepState(page), { names: null, position: null, stepped: null, focus: 'start' }, 'highlighting again');
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.evaluate(() => window.highlighter.clear());
    assert.deepEqual(await stepState(page), { names: null, position: null, stepped: null, focus: 'start' }, 'clear()');
    // A page where no card can be made: nothing is marked for it.
    await page.evaluate(async () => {
      window.highlighter.destroy();
      Element.prototype.attachShadow = () => { throw new Error('no shadow roots here'); };
    });
    await highlight(page, { options: { mode: 'paint' } });
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual(await stepState(page), { names: null, position: null, stepped: null, focus: 'start' });
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('wrap: Alt+Shift+Down and Up focus the next and previous mention, which shows its card', async () => {
    const { page } = await fixture('<p><button id="start">Start</button> Talks in Baku and <a href="#y">Yerevan</a> with Armenia.</p>');
    await highlight(page, { options: { mode: 'wrap' } });
    await page.locator('#start').focus();
    const state = () => page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      return { focus: document.activeElement.textContent, names: host && !host.hidden ? [...host.shadowRoot.querySelectorAll('.name')].map((n) => n.textContent) : null };
    });
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual(await state(), { focus: 'Baku', names: ['Baku'] });
    // A mention inside a link has no focus stop: its card takes focus.
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual(await state(), { focus: '', names: ['Yerevan'] });
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.activeElement?.getAttribute('role')), 'dialog');
    // Escape: focus goes to the link around it, where the reader is.
    await page.keyboard.press('Escape');
    assert.deepEqual(await state(), { focus: 'Yerevan', names: null });
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#y');
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual(await state(), { focus: 'Armenia', names: ['Armenia'] });
    // At the last one, after Escape: its card shows again.
    await page.keyboard.press('Escape');
    assert.deepEqual(await state(), { focus: 'Armenia', names: null });
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.deepEqual(await state(), { focus: 'Armenia', names: ['Armenia'] });
    await page.keyboard.press('Alt+Shift+ArrowUp');
    await page.keyboard.press('Alt+Shift+ArrowUp');
    assert.deepEqual(await state(), { focus: 'Baku', names: ['Baku'] });
    // From a mention reached by Tab, the next one.
    await page.locator('#root entity-mention').last().focus();
    await page.keyboard.press('Alt+Shift+ArrowUp');
    assert.deepEqual(await state(), { focus: '', names: ['Yerevan'] });
    await page.close();
  });

  test('a card that fits neither below nor above its line is cut to the roomier side, never over the mention', async () => {
    // 300 px high, the mention in the middle: the ambiguous card (about
    // 250 px) fits on neither side.
    const { page } = await fixture('<p style="margin:0;padding-top:140px">Visiting <span id="m">Georgia</span>.</p><p style="height:600px"></p>', { viewport: { width: 900, height: 300 } });
    await highlight(page);
    const mention = page.locator('entity-mention').first();
    await mention.focus();
    const facts = await page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      const card = host.shadowRoot.querySelector('.card');
      const m = document.querySelector('entity-mention').getBoundingClientRect();
      const c = host.getBoundingClientRect();
      return { mention: [m.top, m.bottom], card: [c.top, c.bottom], scrolls: card.scrollHeight > card.clientHeight, height: innerHeight };
    });
    assert.ok(facts.card[0] >= facts.mention[1] || facts.card[1] <= facts.mention[0], `card ${facts.card} over the mention ${facts.mention}`);
    assert.ok(facts.card[0] >= 0 && facts.card[1] <= facts.height, `card ${facts.card} within the window`);
    assert.ok(facts.scrolls, 'the cut card scrolls');
    await screenshot(page, 'card-cut-to-room');
    // A window 240 px high: about 105 px either side, still room for the
    // card's name and a line of its summary beside the mention.
    await page.setViewportSize({ width: 900, height: 240 });
    await page.evaluate(() => { document.querySelector('#root p').style.paddingTop = '100px'; });
    await page.keyboard.press('Escape');
    await mention.blur();
    await mention.focus();
    const small = await page.evaluate(() => {
      const m = document.querySelector('entity-mention').getBoundingClientRect();
      const c = document.querySelector('entity-highlighter-card').getBoundingClientRect();
      return { mention: [m.top, m.bottom], card: [c.top, c.bottom] };
    });
    assert.ok(small.card[0] >= small.mention[1] || small.card[1] <= small.mention[0], `240 px high: card ${small.card} over the mention ${small.mention}`);
    await screenshot(page, 'card-cut-to-small-room');
    // Its last candidate can be reached by scrolling the card.
    await page.keyboard.press('Enter');
    const names = (await cardState(page)).names;
    assert.deepEqual(names, ['Georgia', 'Georgia']);
    await page.close();
  });

  test('a page with CSS zoom gets the card next to the mention', async () => {
    const { page } = await fixture('<p style="margin:60px 0 0 50px">The capital Baku lies on the sea.</p>', { viewport: { width: 1280, height: 800 } });
    await page.evaluate(() => { document.documentElement.style.zoom = '2'; });
    await highlight(page);
    await page.locator('entity-mention').first().focus();
    const facts = await page.evaluate(() => {
      const m = document.querySelector('entity-mention').getBoundingClientRect();
      const c = document.querySelector('entity-highlighter-card').getBoundingClientRect();
      return { mention: { left: m.left, bottom: m.bottom }, card: { left: c.left, top: c.top, right: c.right, bottom: c.bottom } };
    });
    assert.ok(Math.abs(facts.card.left - facts.mention.left) <= 2, `card left ${facts.card.left}, mention left ${facts.mention.left}`);
    assert.ok(facts.card.top >= facts.mention.bottom && facts.card.top <= facts.mention.bottom + 20, `card top ${facts.card.top}, mention bottom ${facts.mention.bottom}`);
    assert.ok(facts.card.right <= 1280 && facts.card.bottom <= 800, `card ${JSON.stringify(facts.card)} within the window`);
    await page.close();
  });

  test('in a modal dialog the card is usable and on top, and Escape closes the card, not the dialog', async () => {
    const { page } = await fixture('<p>Outside.</p><dialog id="box" style="transform: translateY(10px)"><p>Talks in Baku resumed.</p><button id="done">Done</button></dialog>');
    await page.evaluate(() => document.getElementById('box').showModal());
    await highlight(page);
    await page.locator('entity-mention').first().focus();
    await page.keyboard.press('Enter');
    const facts = await page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      const box = host.getBoundingClientRect();
      const m = document.querySelector('entity-mention').getBoundingClientRect();
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return {
        inDialog: host.parentElement?.id,
        focusInside: document.activeElement === host && host.shadowRoot.activeElement !== null,
        onTop: top === host,
        below: box.top >= m.bottom && box.top <= m.bottom + 20,
      };
    });
    assert.deepEqual(facts, { inDialog: 'box', focusInside: true, onTop: true, below: true });
    await screenshot(page, 'card-in-modal-dialog');
    await page.keyboard.press('Escape');
    assert.equal(await cardState(page), null);
    assert.equal(await page.evaluate(() => document.getElementById('box').open), true, 'the dialog stays open');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Baku', 'focus back on the mention');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.getElementById('box').open), false, 'the next Escape is the page\'s');
    // Cleared, the page is as it was: the card's element is gone from the dialog.
    await page.evaluate(() => window.highlighter.clear());
    assert.equal(await page.evaluate(() => document.querySelectorAll('entity-highlighter-card, entity-mention').length), 0);
    await page.close();
  });

  test('keyboard focus in the card stays there when the pointer passes over another mention', async () => {
    const { page } = await fixture('<p style="margin-top:40px">Talks in Baku and, much later, in Yerevan.</p>');
    await highlight(page);
    await page.locator('entity-mention').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('entity-mention').nth(1).hover();
    await page.waitForTimeout(450);
    assert.deepEqual((await cardState(page)).names, ['Baku'], 'the card is still the focused one');
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.activeElement?.getAttribute('role')), 'dialog');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Baku');
    await page.close();
  });

  test('a name split by the page\'s markup is one button, named and ringed whole; the ring is the text colour', async () => {
    const { page } = await fixture('<p style="color: rgb(20, 30, 40)">Then <strong>Ilham</strong> Aliyev spoke in Baku.</p>');
    await highlight(page);
    await page.keyboard.press('Tab');
    const facts = await page.evaluate(() => {
      const pieces = [...document.querySelectorAll('entity-mention')].filter((el) => el.dataset.entity === document.activeElement.dataset.entity);
      return {
        label: document.activeElement.getAttribute('aria-label'),
        pieces: pieces.map((el) => [el.textContent, el.hasAttribute('data-focus'), getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineColor]),
        bakuLabel: document.querySelector('entity-mention[data-entity="city:baku"]')?.getAttribute('aria-label') ?? null,
      };
    });
    assert.equal(facts.label, 'Ilham Aliyev');
    assert.deepEqual(facts.pieces, [['Ilham', true, 'solid', 'rgb(20, 30, 40)'], [' Aliyev', true, 'solid', 'rgb(20, 30, 40)']]);
    assert.equal(facts.bakuLabel, null, 'a whole mention needs no label');
    await screenshot(page, 'focus-ring-split-name');
    const tree = await page.locator('#root').ariaSnapshot();
    assert.match(tree, /button "Ilham Aliyev"/);
    await page.keyboard.press('Tab');
    const after = await page.evaluate(() => [...document.querySelectorAll('entity-mention[data-focus]')].length);
    assert.equal(after, 0, 'the ring goes with the focus');
    await page.close();
  });

  test('keyboard focus on a link around a mention shows its card; Tab on closes it', async () => {
    const { page } = await fixture('<p><a href="#baku" id="tag">Baku</a> and <span role="button" tabindex="0" id="b">more on Yerevan</span>, then <a href="#x" id="plain">a plain link</a>.</p>');
    await highlight(page);
    assert.equal(await page.locator('entity-mention[tabindex]').count(), 0, 'no focus stops inside links and buttons');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tag');
    assert.deepEqual((await cardState(page)).names, ['Baku'], 'focus on the link shows its mention\'s card');
    await page.keyboard.press('Tab');
    assert.deepEqual((await cardState(page)).names, ['Yerevan'], 'and on a role="button" element');
    await page.keyboard.press('Escape');
    assert.equal(await cardState(page), null);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'b', 'Escape leaves focus on the button');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'plain');
    await page.waitForTimeout(450);
    assert.equal(await cardState(page), null, 'closed once focus moves on to a link without mentions');
    // A click on the link is the page's: no card from its focus.
    await page.locator('#tag').click();
    await page.waitForTimeout(100);
    assert.equal(await cardState(page), null);
    await page.close();
  });

  test('tabbing on quickly from a mention\'s link does not land in its closing card', async () => {
    const { page, pageErrors } = await fixture('<p><a id="link" href="#a">Ilham Aliyev</a> and <a id="next" href="#b">the next link</a>.</p>');
    await highlight(page);
    await page.locator('#link').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'next');
    assert.ok(await cardState(page), 'the card is still there, closing');
    // Back before it closes: it stays, and takes focus again.
    await page.keyboard.press('Shift+Tab');
    await page.waitForTimeout(450);
    assert.deepEqual((await cardState(page))?.names, ['Ilham Aliyev']);
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card').inert), false);
    await page.keyboard.press('Tab');
    // The card sits at the end of the body: the next Tab used to reach its
    // link, and focus fell to the body when the card closed a moment later.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => Boolean(document.querySelector('entity-highlighter-card').shadowRoot.activeElement)), false);
    await page.waitForTimeout(450);
    assert.equal(await cardState(page), null);
    // Focused again, the link's card opens and can be entered as before.
    await page.locator('#link').focus();
    assert.deepEqual((await cardState(page))?.names, ['Ilham Aliyev']);
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card').inert), false);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('an ambiguous mention lists every candidate', async () => {
    const { page } = await fixture('<p>Visiting Georgia.</p>');
    await highlight(page);
    await page.locator('entity-mention').focus();
    const state = await cardState(page);
    assert.deepEqual(state.names, ['Georgia', 'Georgia']);
    assert.match(state.text, /may refer to 2 entries/);
    assert.match(state.text, /A state of the United States\./);
    await page.close();
  });

  test('an ambiguous mention whose first candidate the page names on its own shows that one as the likely meaning', async () => {
    const dictionary = { entities: [
      { id: 'person:ilham-aliyev', name: 'Ilham Aliyev', type: 'person', aliases: ['Aliyev'], summary: 'President of Azerbaijan.' },
      { id: 'person:heydar-aliyev', name: 'Heydar Aliyev', type: 'person', aliases: ['Aliyev'], summary: 'His father, president before him.' },
    ] };
    const { page } = await fixture('<p id="bare">Aliyev arrives.</p><p>Ilham Aliyev met the press.</p>');
    await highlight(page, { dictionary });
    const open = async () => {
      await page.locator('#bare entity-mention').focus();
      const state = await cardState(page);
      const description = await page.locator('#bare entity-mention').getAttribute('aria-description');
      await page.locator('#bare entity-mention').blur();
      await page.waitForTimeout(450);
      return { ...state, description };
    };
    const likely = await open();
    assert.deepEqual(likely.names, ['Ilham Aliyev', 'Heydar Aliyev']);
    assert.match(likely.text, /^“Aliyev” here most likely means:\s*Person\s*Ilham Aliyev\s*President of Azerbaijan\.\s*It may also refer to:\s*Person\s*Heydar Aliyev/);
    assert.equal(likely.description, 'Most likely Ilham Aliyev (person). President of Azerbaijan. May also refer to: Heydar Aliyev (person).');
    // Named on its own nowhere else: every candidate alike.
    await page.evaluate(() => { document.querySelector('#root p:last-child').textContent = 'The press waited.'; });
    await highlight(page, { dictionary });
    const even = await open();
    assert.match(even.text, /^“Aliyev” may refer to 2 entries:/);
    assert.match(even.description, /^May refer to 2 entries: /);
    await page.close();
  });

  test('touch, small screen: the card is a sheet with a close button; wide, it has none', async () => {
    const { page } = await fixture('<p>Talks in Baku today.</p><p style="height:900px"></p>', { hasTouch: true, viewport: { width: 390, height: 700 } });
    await highlight(page);
    await page.locator('entity-mention').tap();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    const closer = page.locator('entity-highlighter-card').locator('button.close');
    const box = await closer.boundingBox();
    assert.ok(box && box.width >= 24 && box.height >= 24, `a close button big enough to tap: ${JSON.stringify(box)}`);
    assert.equal(await closer.getAttribute('aria-label'), 'Close');
    await closer.tap();
    assert.equal(await cardState(page), null, 'the button closes the card');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Baku', 'focus back on the mention');
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.locator('entity-mention').focus();
    await page.locator('entity-mention').blur();
    await page.locator('entity-mention').focus();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    assert.equal(await closer.isVisible(), false, 'no close button on a card beside its mention');
    // Opened by a tap, a card beside its mention has one too: a tap beside
    // the card may land on text it covers.
    await page.locator('entity-mention').blur();
    await page.locator('entity-mention').tap();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    assert.equal(await closer.isVisible(), true, 'a close button on a card opened by a tap');
    await page.close();
  });

  test('touch: a card goes when its mention leaves the screen or is tapped again; a long one scrolls clear of its button; right-to-left on a phone', async () => {
    const long = 'A summary long enough to scroll on a phone, sentence after sentence of it. '.repeat(12).trim();
    const dictionary = { entities: [...DICTIONARY.entities, { id: 'city:long', name: 'Longtown', type: 'city', summary: long }, { id: 'city:cairo', name: 'القاهرة', type: 'city', summary: 'عاصمة مصر.' }] };
    const { page, consoleErrors, pageErrors } = await fixture('<p>Talks in Baku today.</p><p>Then Longtown.</p><p dir="rtl" lang="ar">في القاهرة اليوم</p><p style="height:1600px"></p>', { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    await page.evaluate(() => document.head.insertAdjacentHTML('beforeend', '<meta name="viewport" content="width=device-width, initial-scale=1">'));
    await page.waitForFunction(() => innerWidth === 390);
    await highlight(page, { dictionary });
    const baku = page.locator('entity-mention', { hasText: 'Baku' });
    await baku.tap();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    // Scrolled a little, it follows; scrolled off the screen, it goes.
    await page.evaluate(() => scrollBy(0, 5));
    await page.waitForTimeout(100);
    assert.deepEqual((await cardState(page))?.names, ['Baku'], 'still on screen: stays');
    await page.evaluate(() => scrollBy(0, 800));
    await page.waitForTimeout(100);
    assert.equal(await cardState(page), null, 'its mention off the screen: the card goes');
    await page.evaluate(() => scrollTo(0, 0));
    // A second tap on the mention closes the card (and lets the page act).
    await baku.tap();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    await baku.tap();
    assert.equal(await cardState(page), null, 'a second tap closes it');
    // A long card scrolls with a gutter for its close button.
    await page.locator('entity-mention', { hasText: 'Longtown' }).tap();
    const layout = await page.evaluate(() => {
      const shadow = document.querySelector('entity-highlighter-card').shadowRoot;
      const card = shadow.querySelector('.card');
      card.scrollTop = 200;
      const button = shadow.querySelector('.close').getBoundingClientRect();
      const summary = shadow.querySelector('.summary').getBoundingClientRect();
      return { scrolls: card.scrollHeight > card.clientHeight, marked: card.classList.contains('scrolls'), clear: button.left >= summary.right, overscroll: getComputedStyle(card).overscrollBehaviorY };
    });
    assert.deepEqual(layout, { scrolls: true, marked: true, clear: true, overscroll: 'contain' });
    // Right to left on a phone, as beside the mention.
    await page.locator('entity-mention', { hasText: 'القاهرة' }).tap();
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.querySelector('.card').dir), 'rtl');
    // Wider, beside its mention, a long card opened by a tap scrolls by
    // its own height limit, with the same gutter.
    await page.setViewportSize({ width: 900, height: 900 });
    await page.locator('entity-mention', { hasText: 'Longtown' }).tap();
    assert.deepEqual(await page.evaluate(() => {
      const card = document.querySelector('entity-highlighter-card').shadowRoot.querySelector('.card');
      return { sheet: document.querySelector('entity-highlighter-card').classList.contains('sheet'), scrolls: card.scrollHeight > card.clientHeight, marked: card.classList.contains('scrolls') };
    }), { sheet: false, scrolls: true, marked: true });
    // A mention scrolled out of a box that scrolls it: its card goes.
    await page.keyboard.press('Escape');
    await page.evaluate(() => {
      document.getElementById('root').insertAdjacentHTML('afterbegin', '<div id="box" style="height: 120px; overflow: auto"><p>Boxed Baku here.</p><p style="height: 400px"></p></div>');
    });
    await highlight(page, { dictionary });
    await page.locator('#box entity-mention').tap();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    await page.evaluate(() => { document.getElementById('box').scrollTop = 100; });
    await page.waitForTimeout(100);
    assert.equal(await cardState(page), null, 'scrolled out of its box: the card goes');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('phone, pinch-zoomed: a tapped mention\'s card is placed where the reader sees, and stays there as the page scrolls', async () => {
    const filler = '<p>Filler text without names, to make the page long enough to scroll.</p>'.repeat(12);
    const { page, consoleErrors, pageErrors } = await fixture(`${filler}<p id="here">Talks in Baku today.</p>${filler}`, { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    await page.evaluate(() => document.head.insertAdjacentHTML('beforeend', '<meta name="viewport" content="width=device-width, initial-scale=1">'));
    await page.waitForFunction(() => innerWidth === 390);
    await highlight(page);
    const cdp = await page.context().newCDPSession(page);
    await page.evaluate(() => document.getElementById('here').scrollIntoView({ block: 'start' }));
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
    await page.waitForFunction(() => visualViewport.scale === 2);
    // (Touch points here are in the page's CSS pixels, as its boxes are.)
    const point = await page.evaluate(() => {
      const box = document.querySelector('entity-mention').getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    });
    await page.touchscreen.tap(point.x, point.y);
    const placed = () => page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      const box = host.getBoundingClientRect();
      const v = visualViewport;
      return { open: !host.hidden, inside: box.left >= v.offsetLeft - 1 && box.right <= v.offsetLeft + v.width + 1 && box.top >= v.offsetTop - 1 && box.bottom <= v.offsetTop + v.height + 1, box: [box.left, box.top, box.right, box.bottom], seen: [v.offsetLeft, v.offsetTop, v.width, v.height] };
    });
    const first = await placed();
    assert.ok(first.open && first.inside, `within what shows: ${JSON.stringify(first)}`);
    await page.screenshot({ path: 'target/screenshots/pinch-zoomed-card.png' });
    await page.evaluate(() => scrollBy(0, -60));
    await page.waitForTimeout(100);
    const scrolled = await placed();
    assert.ok(scrolled.open && scrolled.inside, `still within what shows: ${JSON.stringify(scrolled)}`);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('paint: the mention whose card is open is marked, as an open wrapper darkens', async () => {
    const { page, pageErrors } = await fixture('<p>Talks in Baku, then Baku again.</p>');
    await highlight(page, { options: { mode: 'paint' } });
    const marked = () => page.evaluate(() => {
      const open = CSS.highlights.get('entity-highlighter-open');
      return open ? [...open].map((range) => `${range.toString()}@${range.startOffset}`) : [];
    });
    assert.deepEqual(await marked(), []);
    const second = await page.evaluate(() => {
      const text = document.querySelector('#root p').firstChild;
      const range = document.createRange();
      range.setStart(text, 20);
      range.setEnd(text, 24);
      const box = range.getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    });
    await page.mouse.move(second.x, second.y);
    await page.waitForTimeout(350);
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    assert.deepEqual(await marked(), ['Baku@20'], 'the second Baku, the one under the pointer');
    await page.keyboard.press('Escape');
    assert.deepEqual(await marked(), []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('touch: the first tap opens the card instead of following a link', async () => {
    const { page } = await fixture('<p>Read about <a href="#followed">Baku here</a>.</p>', { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    await highlight(page);
    await page.locator('entity-mention').tap();
    assert.deepEqual((await cardState(page)).names, ['Baku']);
    assert.match((await cardState(page)).text, /Tap the mention again to follow its link\.$/, 'the card says how to reach the link');
    assert.notEqual(await page.evaluate(() => location.hash), '#followed');
    await page.locator('entity-mention').tap();
    assert.equal(await page.evaluate(() => location.hash), '#followed', 'the second tap follows the link');
    assert.equal(await cardState(page), null, 'and the card goes');
    // Opened later by a pointer resting on it, the card has no word of taps.
    await page.locator('entity-mention').hover();
    await page.waitForTimeout(350);
    assert.doesNotMatch((await cardState(page)).text, /Tap the mention/);
    await page.close();
  });

  test('touch: a tapped card steps to the previous and the next mention with its buttons, wrapped and painted', async () => {
    const gap = '<p style="height:900px"></p>';
    const { page, consoleErrors, pageErrors } = await fixture(`<p>Talks in <span id="first">Baku</span> today.</p>${gap}<p>Then <span id="second">Yerevan</span>.</p><p style="visibility:hidden">Hidden Armenia.</p>${gap}<p>And <span id="third">Baku</span> again.</p><div style="height:0;overflow:hidden"><p>Clipped Armenia.</p></div>${gap}`, { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    await page.evaluate(() => document.head.insertAdjacentHTML('beforeend', '<meta name="viewport" content="width=device-width, initial-scale=1">'));
    await page.waitForFunction(() => innerWidth === 390);
    const steps = () => page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      const row = host && !host.hidden ? host.shadowRoot.querySelector('.steps') : null;
      return row && { count: row.querySelector('.count').textContent, previous: row.querySelector('.previous').disabled, next: row.querySelector('.next').disabled, labels: [...row.querySelectorAll('button')].map((b) => b.getAttribute('aria-label')) };
    });
    const onScreen = (id) => page.evaluate((id) => {
      const box = document.getElementById(id).getBoundingClientRect();
      return box.top >= 0 && box.bottom <= innerHeight;
    }, id);
    const focusedInCard = () => page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.activeElement?.className ?? null);
    const tapButton = (which) => page.locator('entity-highlighter-card').locator(`button.${which}`).tap();
    // At the middle of an element's text: painted text has no element of its own.
    const tapText = async (id) => {
      const point = await page.evaluate((id) => {
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(id));
        const box = range.getBoundingClientRect();
        return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      }, id);
      await page.touchscreen.tap(point.x, point.y);
    };
    for (const mode of ['wrap', 'paint']) {
      await page.evaluate(() => scrollTo(0, 0));
      await highlight(page, { options: { mode } });
      await tapText('first');
      assert.deepEqual((await cardState(page))?.names, ['Baku'], mode);
      // The mention hidden by style is not counted, as the steps pass it
      // over; the clipped one is (the count reads styles only).
      assert.deepEqual(await steps(), { count: '1 of 4Mention 1 of 4.', previous: true, next: false, labels: ['Previous mention', 'Next mention'] }, mode);
      await tapButton('next');
      assert.deepEqual((await cardState(page))?.names, ['Yerevan'], `${mode}: the next mention's card`);
      assert.equal(await onScreen('second'), true, `${mode}: scrolled to`);
      assert.deepEqual(await steps(), { count: '2 of 4Mention 2 of 4.', previous: false, next: false, labels: ['Previous mention', 'Next mention'] }, mode);
      assert.equal(await focusedInCard(), 'step next', `${mode}: focus stays on the button, in the new card`);
      assert.equal(await page.evaluate(() => {
        const shadow = document.querySelector('entity-highlighter-card').shadowRoot;
        return shadow.getElementById(shadow.activeElement.getAttribute('aria-describedby'))?.querySelector('.visually-hidden')?.textContent;
      }), 'Mention 2 of 4.', `${mode}: the button is described by the count`);
      assert.equal(await page.evaluate((mode) => (mode === 'wrap'
        ? document.querySelector('#second entity-mention')?.hasAttribute('data-focus')
        : CSS.highlights.get('entity-highlighter-stepped')?.size === 1), mode), true, `${mode}: the mention stepped to is marked`);
      // The card's buttons are in its Tab order.
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focusedInCard(), 'step previous', mode);
      await page.keyboard.press('Tab');
      assert.equal(await focusedInCard(), 'step next', mode);
      await tapButton('next');
      assert.deepEqual((await cardState(page))?.names, ['Baku'], mode);
      assert.equal(await onScreen('third'), true, `${mode}: the last scrolled to`);
      // The clipped one after it is counted but cannot be stepped to.
      assert.deepEqual(await steps(), { count: '3 of 4Mention 3 of 4.', previous: false, next: true, labels: ['Previous mention', 'Next mention'] }, `${mode}: no next after the last one to be seen`);
      assert.equal(await focusedInCard(), 'step previous', `${mode}: at the end, focus on the button that still goes`);
      await tapButton('previous');
      assert.deepEqual((await cardState(page))?.names, ['Yerevan'], `${mode}: back`);
      assert.equal(await onScreen('second'), true, mode);
      // Still a tapped card: the mention tapped again closes it.
      await tapText('second');
      assert.equal(await cardState(page), null, `${mode}: a second tap closes it`);
    }
    // A card the keys stepped to keeps its words for the keys, no buttons.
    await page.evaluate(() => scrollTo(0, 0));
    await page.keyboard.press('Alt+Shift+ArrowDown');
    assert.match((await cardState(page))?.text ?? '', /1 of 4 · Alt\+Shift\+↓ next/);
    assert.equal(await steps(), null);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('phone: the sheet never covers the tapped mention: at the bottom for a mention above it, at the top for one low on the screen', async () => {
    const { page } = await fixture('<p id="high" style="margin-top:60px">Talks in Baku.</p><p style="margin-top:560px" id="low">Then Yerevan.</p>', { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } });
    // A phone's page says how wide it is (without this, its layout is 980 px).
    await page.evaluate(() => document.head.insertAdjacentHTML('beforeend', '<meta name="viewport" content="width=device-width, initial-scale=1">'));
    await page.waitForFunction(() => innerWidth === 390);
    await highlight(page);
    const facts = async (text) => {
      const mention = page.locator('entity-mention', { hasText: text });
      await mention.tap();
      const line = await mention.boundingBox();
      const state = await cardState(page);
      await page.screenshot({ path: `target/screenshots/sheet-${text.toLowerCase()}.png` });
      return { line: { top: line.y, bottom: line.y + line.height }, box: state.box, names: state.names };
    };
    const high = await facts('Baku');
    assert.deepEqual(high.names, ['Baku']);
    assert.ok(Math.abs(high.box.bottom - 700) <= 1, `a sheet along the bottom (${JSON.stringify(high.box)})`);
    assert.ok(high.box.top >= high.line.bottom, 'below the mention');
    await page.keyboard.press('Escape');
    const low = await facts('Yerevan');
    assert.deepEqual(low.names, ['Yerevan']);
    assert.ok(low.box.bottom <= low.line.top, `the sheet leaves the mention visible (${JSON.stringify(low)})`);
    assert.ok(Math.abs(low.box.top) <= 1, 'along the top edge');
    await page.close();
  });

  test('summaries are text: a dictionary payload shows as text and runs nothing', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const { page } = await fixture('<p>Baku</p>');
    await highlight(page, { dictionary: { entities: [{ id: 'x', name: 'Baku', type: 'city', summary: payload }, { id: 'y', name: 'Yerevan<b>', type: 'city', summary: 's' }] } });
    await page.locator('entity-mention').hover();
    await page.waitForTimeout(350);
    const state = await cardState(page);
    assert.ok(state.text.includes(payload), 'the payload is shown literally');
    const images = await page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.querySelectorAll('img, script').length);
    assert.equal(images, 0);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.close();
  });

  test('placement: by the line under the pointer, flipped at the bottom edge, mirrored for right-to-left', async () => {
    const { page } = await fixture(`<p id="wrapping" style="width:18ch;font:16px/1.5 monospace">abcdefghij Ilham Aliyev and more</p><p style="margin-top:560px">Near the bottom: Baku.</p><p dir="rtl" lang="ar" style="margin-top:20px">في Yerevan اليوم</p>`, { viewport: { width: 900, height: 700 } });
    await highlight(page);
    const pieces = await page.locator('#wrapping entity-mention').first().evaluate((el) => [...el.getClientRects()].map((r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom })));
    assert.equal(pieces.length, 2, 'the mention wraps over two lines');
    const second = pieces[1];
    await page.mouse.move(second.left + 5, (second.top + second.bottom) / 2);
    await page.waitForTimeout(350);
    let state = await cardState(page);
    assert.ok(Math.abs(state.box.top - (second.bottom + 6)) <= 2, `card top ${state.box.top} by the second line (bottom ${second.bottom})`);
    assert.ok(Math.abs(state.box.left - second.left) <= 2, 'aligned with the line under the pointer');
    await page.keyboard.press('Escape');

    const baku = page.locator('entity-mention', { hasText: 'Baku' });
    const bakuBox = await baku.boundingBox();
    await baku.hover();
    await page.waitForTimeout(350);
    state = await cardState(page);
    assert.equal(state.placement, 'above', 'flips above near the bottom edge');
    assert.ok(state.box.bottom <= bakuBox.y, 'entirely above the mention');
    await page.keyboard.press('Escape');

    const yerevan = page.locator('entity-mention', { hasText: 'Yerevan' });
    const yerevanBox = await yerevan.boundingBox();
    await yerevan.hover();
    await page.waitForTimeout(350);
    state = await cardState(page);
    assert.ok(Math.abs(state.box.right - (yerevanBox.x + yerevanBox.width)) <= 2, 'right-aligned on a right-to-left line');
    await page.close();
  });

  test('dark theme and light theme', async () => {
    const { page } = await fixture('<p>Baku</p>', { colorScheme: 'dark' });
    await highlight(page);
    await page.locator('entity-mention').focus();
    const background = () => page.evaluate(() => getComputedStyle(document.querySelector('entity-highlighter-card').shadowRoot.querySelector('.card')).backgroundColor);
    assert.equal(await background(), 'rgb(28, 33, 40)', 'auto follows prefers-color-scheme: dark');
    await page.evaluate(() => window.highlighter.setOptions({ theme: 'light' }));
    assert.equal(await background(), 'rgb(255, 255, 255)');
    await screenshot(page, 'card-dark-page-light-card');
    await page.close();
  });
});

test('the hostile-CSS page still looks right', async () => {
  const { page, consoleErrors } = await fixture(null, { page: 'hostile-css.html' });
  await highlight(page, { dictionary: '/data/world-news.json' });
  const styles = await page.$$eval('entity-mention', (els) => els.map((el) => {
    const style = getComputedStyle(el);
    return { text: el.textContent, display: style.display, visibility: style.visibility, position: style.position, transform: style.textTransform };
  }));
  assert.deepEqual(styles.map((s) => s.text), ['Baku', 'Ilham Aliyev', 'Nikol Pashinyan', 'Washington', 'Armenia', 'Azerbaijan']);
  for (const style of styles) {
    assert.equal(style.display, 'inline', style.text);
    assert.equal(style.visibility, 'visible', style.text);
    assert.equal(style.position, 'static', style.text);
    assert.equal(style.transform, 'none', style.text);
  }
  const line = await page.$eval('#root p', (p) => p.getClientRects().length);
  assert.equal(line, 1, 'the paragraph still flows as one block');
  await screenshot(page, 'hostile-css');
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('axe-core finds no violations with a card open', async () => {
  const { page } = await openPage(browser, `${server.url}/www/demo/`);
  await page.waitForSelector('entity-mention');
  const first = page.locator('entity-mention[tabindex]').first();
  await first.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('entity-highlighter-card')?.hidden);
  await page.addScriptTag({ url: '/node_modules/axe-core/axe.min.js' });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  await screenshot(page, 'demo-card-open');
  assert.deepEqual(violations, []);
  await page.close();
});
