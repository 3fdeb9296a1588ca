// Hostile pages (issue 6): pages built by tests/e2e/hostile/generate.mjs,
// highlighted with the bundled dictionary in both modes. Each must keep its
// text exactly, get no wrapper where none belongs, come back exactly after
// clear() (the whole document, shadow roots and frames included, text node
// splits and node identity too), log no error and stay responsive; and the
// time must grow linearly with the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

let server;
let crossServer;
let browser;

before(async () => {
  server = await startServer();
  // The same files from another origin ("localhost" rather than
  // "127.0.0.1"), for a cross-origin frame.
  crossServer = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await crossServer?.close();
});

async function open() {
  const opened = await openPage(browser, `${server.url}/tests/e2e/pages/hostile.html`);
  await opened.page.waitForFunction(() => window.coreReady === true);
  return opened;
}

/** Builds a generated page into #root; returns the builder's facts. */
function build(page, builder, args = {}) {
  return page.evaluate(async ({ builder, args }) => {
    const built = await window.hostile[builder](document.getElementById('root'), args);
    // The first layout and paint of a big page are the browser's cost for
    // the page, not the highlighter's.
    await window.check.nextFrame();
    await window.check.nextFrame();
    return { expected: built.expected };
  }, { builder, args });
}

/** highlightAndCheck (tests/e2e/hostile/check.mjs) on #root. */
function highlightAndCheck(page, { mode, expected = null, extra = [], options = {}, keepHighlighted = false }) {
  return page.evaluate(async ({ mode, expected, extra, options, keepHighlighted }) => {
    const root = document.getElementById('root');
    const dictionary = await window.check.bundledDictionary(extra === 'scripts' ? window.hostile.SCRIPT_ENTITIES : []);
    return window.check.highlightAndCheck(root, { mode, dictionary, expected, options, keepHighlighted });
  }, { mode, expected, extra, options, keepHighlighted });
}

/** The assertions every hostile page must pass. */
function assertClean(facts, { consoleErrors, pageErrors }, { cleared = true } = {}) {
  assert.equal(facts.textKept, true, 'the root\'s textContent is unchanged while highlighted');
  assert.deepEqual(facts.misplaced, [], 'no wrapper in an excluded place');
  assert.equal(facts.wrapperText, true, 'each mention\'s wrappers hold exactly its text');
  assert.equal(facts.paintDiff, null, `paint mode changed the DOM: ${JSON.stringify(facts.paintDiff)}`);
  assert.equal(facts.expectedMismatch, null, `mentions differ from the expected ones: ${JSON.stringify(facts.expectedMismatch)}`);
  if (cleared) {
    assert.equal(facts.clearDiff, null, `clear() left the document different: ${JSON.stringify(facts.clearDiff)}`);
    assert.equal(facts.textAfterClear, true);
  }
  assert.deepEqual(pageErrors.map(String), [], 'no uncaught exception');
  assert.deepEqual(consoleErrors, [], 'no console error');
}

/** Hovers a mention whose text is `text` (the first one if null) and waits
 * for its card; returns the card's text. */
async function openCard(page, text = null) {
  const point = await page.evaluate((text) => {
    const mention = window.highlighter.mentions.find((m) => text === null || m.text === text);
    const box = mention.elements[0] ?? mention.ranges[0];
    (box.startContainer?.parentElement ?? box).scrollIntoView({ block: 'center' });
    const rect = box.getClientRects()[0];
    return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
  }, text);
  await page.mouse.move(point.x, point.y);
  await page.waitForFunction(() => {
    const host = window.check.cardHost();
    return host && !host.hidden;
  });
  return page.evaluate(() => window.check.cardHost().shadowRoot.textContent);
}

/** Milliseconds, rounded, for messages and the log. */
const ms = (value) => Math.round(value);

const CASES = [
  { name: 'deep nesting: 10,000 levels', builder: 'deepNesting', args: { depth: 10_000 }, useExpected: true },
  { name: '100,000 text nodes', builder: 'manyTextNodes', args: { count: 100_000 }, count: 30_000 },
  { name: 'a single 5 MB text node', builder: 'bigTextNode', args: { bytes: 5_000_000 }, atLeast: 50_000 },
  { name: 'every excluded element kind', builder: 'excludedKinds', useExpected: true, card: 'Paris', shot: true },
  {
    name: 'a form and tables',
    builder: 'formsAndTables',
    useExpected: true,
  },
  { name: 'iframes: same-origin, sandboxed and cross-origin', builder: 'frames', cross: true, texts: ['Paris', 'Tokyo', 'Georgia'] },
  { name: 'open shadow roots (nested, slotted) and a closed one', builder: 'shadowRoots', texts: ['Paris', 'Tokyo', 'Cairo', 'Berlin'] },
  {
    name: 'right-to-left and CJK text',
    builder: 'scripts',
    extra: 'scripts',
    texts: ['Paris', 'القاهرة', 'United Nations', 'Berlin', 'Tokyo', '北京', 'Paris', '東京', 'NATO', 'European Union', 'القاهرة', '北京', '東京'],
    card: 'القاهرة',
    shot: true,
  },
  {
    name: 'emoji everywhere: ZWJ sequences, flags, skin tones, a lone surrogate',
    builder: 'emoji',
    texts: ['Paris', 'Berlin', 'Tokyo', 'Cairo', 'United Nations', 'NATO', 'India', 'Kyiv', 'Brazil', 'Paris', 'Berlin', 'Beijing'],
    card: 'Cairo',
    shot: true,
  },
];

for (const mode of ['wrap', 'paint']) {
  describe(`hostile pages (${mode})`, () => {
    for (const spec of CASES) {
      test(spec.name, async () => {
        const opened = await open();
        const { page } = opened;
        const args = spec.cross ? { crossOrigin: crossServer.url.replace('127.0.0.1', 'localhost') } : spec.args;
        const built = await build(page, spec.builder, args);
        const expected = spec.useExpected ? built.expected : spec.texts ?? null;
        // Playwright's screenshot leaves style="" on a <textarea>; one taken
        // before the page is described keeps that out of the comparison.
        if (spec.shot) await screenshot(page, `hostile-${spec.builder}-${mode}-before`);
        const facts = await highlightAndCheck(page, { mode, expected, extra: spec.extra, keepHighlighted: Boolean(spec.card) });
        assert.equal(facts.mode, mode);
        if (spec.count !== undefined) assert.equal(facts.mentions, spec.count);
        if (spec.atLeast !== undefined) assert.ok(facts.mentions >= spec.atLeast, `${facts.mentions} mentions`);
        if (spec.card) {
          const card = await openCard(page, spec.card);
          assert.ok(card.length > 0, 'the card shows text');
          if (spec.shot) await screenshot(page, `hostile-${spec.builder}-${mode}`);
          Object.assign(facts, await page.evaluate(() => window.check.clearAndCompare()));
        }
        assertClean(facts, opened, { cleared: true });
        // Responsive: the page's own timers ran while the DOM was changed
        // in slices; the longest gap is the one task of extraction and
        // matching (1.8 s for 5 MB here; moving it off the main thread is
        // the performance work of issue 5). The browser's own layout and
        // paint of the result in the next frame is reported, not bounded:
        // it is Chromium's cost for 65,000 mentions in one paragraph.
        console.log(`${mode} ${spec.name}: ${facts.mentions} mentions, ${ms(facts.elapsed)} ms (extraction ${ms(facts.timings.extraction)}, matching ${ms(facts.timings.matching)}, DOM ${ms(facts.timings.domChanges)}), then ${ms(facts.elapsedToFrame - facts.elapsed)} ms to the next frame; longest gap ${ms(facts.maxGap)} ms, long tasks ${JSON.stringify(facts.longTasks.slice(0, 8))}`);
        assert.ok(facts.maxGap < 5_000, `the page froze for ${ms(facts.maxGap)} ms`);
        await page.close();
      });
    }
  });
}

for (const mode of ['wrap', 'paint']) {
  test(`a DOM that refuses a change midway (${mode}): one clear error, and the page left exactly as it was`, async () => {
    const opened = await open();
    const { page } = opened;
    const facts = await page.evaluate(async (mode) => {
      const root = document.getElementById('root');
      root.replaceChildren();
      // 2,100 mentions: painted, beyond 2,000 they are registered slice by
      // slice as they come near the viewport, not all at the end.
      for (let i = 0; i < 700; i++) {
        const p = document.createElement('p');
        p.textContent = `Talks in Baku and Yerevan, then Georgia (${i}).`;
        root.append(p);
      }
      const before = root.innerHTML;
      const highlighter = await window.core.createHighlighter({ root, mode, dictionary: await (await fetch('/data/world-news.json')).json() });
      // The page breaks the method each mode needs, after it has let the
      // first few dozen calls through (several batches of the pass).
      const [owner, name] = mode === 'wrap' ? [Node.prototype, 'insertBefore'] : [window, 'StaticRange'];
      const original = owner[name];
      let calls = 0;
      const refuse = () => { if (++calls > 40) throw new Error('refused by the page'); };
      owner[name] = mode === 'wrap'
        ? function insertBefore(...args) { refuse(); return original.apply(this, args); }
        : class extends original { constructor(init) { refuse(); super(init); } };
      let error = null;
      try {
        await highlighter.highlight();
      } catch (caught) {
        error = caught;
      } finally {
        owner[name] = original;
      }
      // Long enough for the near watcher to report and anything left
      // registered to show.
      for (let i = 0; i < 10; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const painted = [...CSS.highlights.values()].reduce((sum, highlight) => sum + highlight.size, 0);
      return {
        calls,
        error: error && { kind: error.kind, message: error.message },
        same: root.innerHTML === before,
        wrappers: root.querySelectorAll('entity-mention').length,
        painted,
        held: highlighter.mentions.length,
      };
    }, mode);
    assert.ok(facts.calls > 40, `the page refused a change (${facts.calls} calls)`);
    assert.equal(facts.error?.kind, 'page');
    assert.match(facts.error.message, /could not be changed \(refused by the page\); the change was undone/);
    assert.deepEqual({ same: facts.same, wrappers: facts.wrappers, painted: facts.painted, held: facts.held }, { same: true, wrappers: 0, painted: 0, held: 0 });
    await page.close();
  });
}

for (const mode of ['wrap', 'paint']) {
  describe(`pages that change while highlighted (${mode})`, () => {
    test('text edited, rewritten, removed, moved into excluded places and added, during the time-sliced pass and after it, with observe', async () => {
      const opened = await open();
      const facts = await opened.page.evaluate((mode) => window.mutate.changeWhileHighlighting(document.getElementById('root'), { mode }), mode);
      console.log(`${mode} changes: ${JSON.stringify(facts)}`);
      assert.ok(facts.changesDuringPass > 0, 'the page changed during the pass');
      assert.equal(facts.textKept, true, 'the page\'s text is what the same changes give without a highlighter');
      assert.deepEqual(facts.misplaced, []);
      assert.deepEqual(facts.stale, [], 'every live mention covers exactly its text, in the page');
      if (mode === 'paint') assert.equal(facts.paintDiff, null, `paint mode changed the DOM: ${JSON.stringify(facts.paintDiff)}`);
      assert.equal(facts.clearDiff, null, `after clear() the page differs from the same changes made without a highlighter: ${JSON.stringify(facts.clearDiff)}`);
      assert.equal(facts.sameAsFresh, true, `live mentions (${facts.liveCount}) are those a fresh pass finds (${facts.freshCount})`);
      assert.deepEqual(opened.pageErrors.map(String), []);
      assert.deepEqual(opened.consoleErrors, []);
      await opened.page.close();
    });

    // Changes only to the last paragraphs, early in the pass, so each
    // precedes their wrapping: whatever lands in an excluded place was put
    // there by the highlighter.
    test('without observe, paragraphs moved into excluded places during the time-sliced pass get no highlight there', async () => {
      const opened = await open();
      const facts = await opened.page.evaluate((mode) => window.mutate.changeWhileHighlighting(document.getElementById('root'), { mode, observe: false, seed: 9, from: 0.7, ticks: 5 }), mode);
      console.log(`${mode} changes without observe: ${JSON.stringify(facts)}`);
      assert.ok(facts.changesDuringPass > 0, 'the page changed during the pass');
      assert.ok(facts.counts.moveOff + facts.counts.moveCode > 0);
      assert.equal(facts.textKept, true);
      assert.deepEqual(facts.misplaced, [], 'no wrapper in a place the page moved text into mid-pass');
      assert.deepEqual(facts.stale, []);
      assert.equal(facts.clearDiff, null, JSON.stringify(facts.clearDiff));
      assert.deepEqual(opened.pageErrors.map(String), []);
      assert.deepEqual(opened.consoleErrors, []);
      await opened.page.close();
    });

    test('the page removes and moves the highlighter\'s wrappers and card, edits split text, then clear() and highlight() again', async () => {
      const opened = await open();
      const facts = await opened.page.evaluate((mode) => window.mutate.tamperWithOwnElements(document.getElementById('root'), { mode }), mode);
      console.log(`${mode} tampering: ${JSON.stringify(facts)}`);
      assert.ok(facts.mentions > 100);
      assert.equal(facts.cardOpened, true);
      assert.equal(facts.clearKeptText, true, 'clear() does not change the text the page left');
      assert.equal(facts.leftover, 0, 'no wrapper left after clear()');
      assert.equal(facts.cardLeft, false, 'no card left after clear()');
      assert.ok(facts.again > 50, `${facts.again} mentions on the second pass`);
      assert.equal(facts.againText, true);
      assert.equal(facts.cardReopened, true, 'a card opens again after the page removed the first one');
      assert.deepEqual(facts.misplaced, []);
      assert.equal(facts.againClearDiff, null, JSON.stringify(facts.againClearDiff));
      assert.deepEqual(opened.pageErrors.map(String), []);
      assert.deepEqual(opened.consoleErrors, []);
      await opened.page.close();
    });
  });
}

test('with observe, text the page edits beside a wrapper keeps the edit through the re-highlight and clear()', async () => {
  const opened = await open();
  const facts = await opened.page.evaluate(() => window.mutate.editSplitText(document.getElementById('root')));
  assert.equal(facts.edited, 10);
  assert.ok(facts.updates > 0);
  assert.equal(facts.keptWhileObserved, true);
  assert.equal(facts.keptAfterClear, true);
  assert.equal(facts.editsLeft, 10);
  assert.deepEqual(opened.pageErrors.map(String), []);
  assert.deepEqual(opened.consoleErrors, []);
  await opened.page.close();
});

// Pages of 1, 4 and 16 units. Per unit, the largest may take at most
// LINEAR_TOLERANCE times the smaller of the other two: a quadratic cost
// would take 4 times as much per unit as at 4x (16 times as at 1x) and
// fail; a linear one passes even when a busy, shared machine slows its
// best-of-three run by half again. Fixed costs make the smallest page the
// dearest per unit, which is why the reference is the smaller of two.
const LINEAR_TOLERANCE = 3;
const SHAPES = [
  { builder: 'article', key: 'paragraphs', unit: 150, what: 'paragraphs' },
  { builder: 'manyTextNodes', key: 'count', unit: 3_125, what: 'text nodes' },
  { builder: 'bigTextNode', key: 'bytes', unit: 312_500, what: 'characters in one text node' },
  // On a deep tree in wrap mode Chromium's costs grow faster than the
  // depth: its restyling between slices (~4 ms per slice at 625 levels,
  // ~40 ms at 10,000), and each DOM change itself, which takes time in
  // proportion to how deep its node lies (with the mentions growing with
  // the depth too, the bare changes wrapping needs take ~0.5 ms at 625
  // levels, 70-100 at 10,000). Paint mode, which changes no element, stays
  // linear. In wrap mode, reading (extraction and matching) is held to
  // linearity, and the DOM changes at 10,000 levels to DOM_FLOOR_FACTOR
  // times those bare changes on the same page (measured: 1.3 to 1.6).
  { builder: 'deepNesting', key: 'depth', unit: 625, what: 'levels', browserBoundInWrap: true },
];
const DOM_FLOOR_FACTOR = 2.5;

describe('a page that takes the names or methods the highlighter uses', () => {
  test('a page that defined <entity-mention> itself: wrap mode refuses with a clear error and changes nothing', async () => {
    const opened = await open();
    const { page, consoleErrors, pageErrors } = opened;
    const facts = await page.evaluate(async () => {
      // An @-mention chip of the page's own, which would hide the name.
      customElements.define('entity-mention', class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).textContent = '@someone';
        }
      });
      const root = document.getElementById('root');
      root.innerHTML = '<p>Baku is the capital of Azerbaijan.</p>';
      const before = root.innerHTML;
      const highlighter = await window.core.createHighlighter({ root, mode: 'wrap', dictionary: await (await fetch('/data/world-news.json')).json() });
      let error = null;
      try {
        await highlighter.highlight();
      } catch (caught) {
        error = { kind: caught.kind, message: caught.message };
      }
      const painted = window.core.paintSupported() ? await (async () => {
        const paint = await window.core.createHighlighter({ root, mode: 'paint', dictionary: await (await fetch('/data/world-news.json')).json() });
        const { mentions } = await paint.highlight();
        paint.destroy();
        return mentions.length;
      })() : null;
      highlighter.destroy();
      return { error, same: root.innerHTML === before, painted };
    });
    assert.equal(facts.error?.kind, 'page');
    assert.match(facts.error?.message ?? '', /defines its own <entity-mention> element.*nothing was changed/);
    assert.equal(facts.same, true, 'the page is as it was');
    assert.equal(facts.painted, 2, 'paint mode still works there');
    assert.equal(consoleErrors.length, 1, 'the error is logged once');
    assert.deepEqual(pageErrors.map(String), []);
    await page.close();
  });

  for (const hostile of ['attachShadow throws', 'the card tag is the page\'s']) {
    test(`${hostile}: no uncaught exception, mentions highlighted${hostile.startsWith('the card') ? ', and the card still opens' : ''}`, async () => {
      const opened = await open();
      const { page, pageErrors } = opened;
      const warnings = [];
      page.on('console', (message) => { if (message.type() === 'warning') warnings.push(message.text()); });
      await page.evaluate(async (hostile) => {
        if (hostile.startsWith('attachShadow')) {
          Element.prototype.attachShadow = function attachShadow() { throw new Error('no shadows here'); };
        } else {
          window.cardConstructed = 0;
          customElements.define('entity-highlighter-card', class extends HTMLElement {
            constructor() {
              super();
              window.cardConstructed += 1;
            }
          });
        }
        const root = document.getElementById('root');
        root.innerHTML = '<p>Talks in Baku resumed.</p>';
        window.highlighter = await window.core.createHighlighter({ root, mode: 'wrap', dictionary: await (await fetch('/data/world-news.json')).json() });
        await window.highlighter.highlight();
      }, hostile);
      await page.locator('entity-mention').first().focus();
      await page.waitForTimeout(100);
      const facts = await page.evaluate(() => ({
        mentions: window.highlighter.mentions.length,
        card: [...document.querySelectorAll('[data-entity-highlighter="ui"]')].map((el) => ({ tag: el.tagName, shown: !el.hidden })),
        constructed: window.cardConstructed ?? null,
      }));
      assert.equal(facts.mentions, 1);
      if (hostile.startsWith('attachShadow')) {
        assert.deepEqual(facts.card, []);
        assert.equal(warnings.filter((text) => /without cards/.test(text)).length, 1, `warnings: ${warnings}`);
      } else {
        assert.deepEqual(facts.card, [{ tag: 'DIV', shown: true }]);
        assert.equal(facts.constructed, 0, 'none of the page\'s code ran for the card');
        await page.keyboard.press('Escape');
        await page.evaluate(() => window.highlighter.clear());
        assert.equal(await page.evaluate(() => document.querySelectorAll('[data-entity-highlighter="ui"], entity-mention').length), 0);
      }
      assert.deepEqual(pageErrors.map(String), [], 'no uncaught exception');
      await page.close();
    });
  }

  test('highlight() after destroy() rejects with a HighlighterError', async () => {
    const { page } = await open();
    const facts = await page.evaluate(async () => {
      const root = document.getElementById('root');
      root.innerHTML = '<p>Baku.</p>';
      const highlighter = await window.core.createHighlighter({ root, dictionary: await (await fetch('/data/world-news.json')).json() });
      highlighter.destroy();
      try {
        await highlighter.highlight();
        return 'resolved';
      } catch (error) {
        return `${error.name} ${error.kind}: ${error.message}`;
      }
    });
    assert.match(facts, /^HighlighterError option: highlight\(\) was called after destroy\(\)/);
    await page.close();
  });
});

describe('time grows linearly with the page', () => {
  for (const mode of ['wrap', 'paint']) {
    test(`observe (${mode}): 1,000, 4,000 and 16,000 paragraphs appended to the root in one burst`, async () => {
      const opened = await open();
      const rows = [];
      for (const factor of [1, 4, 16]) {
        const count = 1_000 * factor;
        const result = await opened.page.evaluate((options) => window.mutate.timeBurst(document.getElementById('root'), options), { count, mode });
        assert.equal(result.added, 2 * count, 'every appended paragraph is highlighted');
        rows.push({ count, ...result, perUnit: result.elapsed / factor });
      }
      const ratio = rows[2].perUnit / Math.min(rows[0].perUnit, rows[1].perUnit);
      const table = rows.map((r) => `${r.count} paragraphs: ${ms(r.elapsed)} ms`).join('; ');
      console.log(`linearity burst ${mode}: ${table}; per-unit ratio 16x vs best of 1x/4x: ${ratio.toFixed(2)}`);
      assert.ok(ratio <= LINEAR_TOLERANCE, `time per paragraph grew ${ratio.toFixed(2)}x: ${table}`);
      assert.deepEqual(opened.pageErrors.map(String), []);
      assert.deepEqual(opened.consoleErrors, []);
      await opened.page.close();
    });

    for (const shape of SHAPES) {
      test(`${shape.builder} (${mode}): 1x, 4x, 16x ${shape.what}`, async () => {
        const opened = await open();
        const rows = [];
        for (const factor of [1, 4, 16]) {
          const size = shape.unit * factor;
          const result = await opened.page.evaluate((options) => window.check.timeHighlight(document.getElementById('root'), options), { builder: shape.builder, args: { [shape.key]: size }, mode, runs: 3 });
          rows.push({ factor, size, ...result, elapsedPerUnit: result.elapsed / factor, ownPerUnit: result.own / factor, readingPerUnit: result.reading / factor });
        }
        const ratio = (key) => rows[2][key] / Math.min(rows[0][key], rows[1][key]);
        const table = rows.map((r) => `${r.size} ${shape.what}: ${r.mentions} mentions, ${ms(r.elapsed)} ms (own stages ${ms(r.own)} ms: reading ${ms(r.reading)}, DOM ${ms(r.domChanges)}${r.bareChanges === null ? '' : `, bare changes ${ms(r.bareChanges)}`})`).join('; ');
        console.log(`linearity ${shape.builder} ${mode}: ${table}; per-unit ratio 16x vs best of 1x/4x: elapsed ${ratio('elapsedPerUnit').toFixed(2)}, own ${ratio('ownPerUnit').toFixed(2)}, reading ${ratio('readingPerUnit').toFixed(2)}`);
        assert.ok(rows[2].mentions >= 15 * rows[0].mentions, 'the mentions grow with the page');
        if (shape.browserBoundInWrap && mode === 'wrap') {
          assert.ok(ratio('readingPerUnit') <= LINEAR_TOLERANCE, `reading per unit grew ${ratio('readingPerUnit').toFixed(2)}x: ${table}`);
          assert.ok(rows[2].bareChanges > 0, `${shape.builder} must give its named text nodes for the bare changes: ${table}`);
          const overFloor = rows[2].domChanges / rows[2].bareChanges;
          assert.ok(overFloor <= DOM_FLOOR_FACTOR, `DOM changes took ${overFloor.toFixed(2)}x the bare changes: ${table}`);
        } else {
          assert.ok(ratio('ownPerUnit') <= LINEAR_TOLERANCE, `own stages per unit grew ${ratio('ownPerUnit').toFixed(2)}x: ${table}`);
          assert.ok(ratio('elapsedPerUnit') <= LINEAR_TOLERANCE, `time per unit grew ${ratio('elapsedPerUnit').toFixed(2)}x: ${table}`);
        }
        assert.deepEqual(opened.pageErrors.map(String), []);
        assert.deepEqual(opened.consoleErrors, []);
        await opened.page.close();
      });
    }
  }
});
