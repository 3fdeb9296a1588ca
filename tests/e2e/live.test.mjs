// Live pages and the non-destructive mode: content added or edited later,
// a React page re-rendering under the highlighter, open shadow roots and
// same-origin frames, in both modes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { launchBrowser, NEWS_DICTIONARY, openPage, screenshot, startServer } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');


let server;
let browser;

before(async () => {
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'tests/e2e/pages/react/app.jsx')],
    outfile: path.join(ROOT, 'tests/e2e/pages/build/react-app.js'),
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(page, options = {}) {
  const opened = await openPage(browser, `${server.url}/tests/e2e/pages/${page}`, options);
  await opened.page.waitForFunction(() => window.coreReady === true);
  return opened;
}

/** Starts a highlighter on #root; returns its mode. */
function start(page, options) {
  return page.evaluate(async ({ dictionary, options }) => {
    window.updates = 0;
    window.updateLog = [];
    window.highlighter = await window.core.createHighlighter({
      root: document.getElementById('root'),
      dictionary,
      onUpdate: (update) => {
        window.updates += 1;
        window.updateLog.push({ added: update.added.length, mentions: update.mentions.length });
      },
      ...options,
    });
    await window.highlighter.highlight();
    return window.highlighter.mode;
  }, { dictionary: NEWS_DICTIONARY, options });
}

const mentionTexts = (page) => page.evaluate(() => window.highlighter.mentions.map((m) => m.text));

/** The highlighter's registered ranges, read from CSS.highlights itself:
 * each one's class and the text it covers now ('' for one on a node no
 * longer in the page or past the end of a node that has since shrunk). */
const registeredRanges = (page) => page.evaluate(() => {
  const ranges = [];
  for (const [name, highlight] of CSS.highlights) {
    if (!name.startsWith('entity-highlighter-')) continue;
    for (const range of highlight) {
      const { startContainer: start, endContainer: end } = range;
      let text = '';
      if (start.isConnected && range.startOffset <= start.length && range.endOffset <= end.length) {
        const copy = document.createRange();
        copy.setStart(start, range.startOffset);
        copy.setEnd(end, range.endOffset);
        text = copy.toString();
      }
      ranges.push({ kind: range.constructor.name, text });
    }
  }
  return ranges;
});

for (const mode of ['wrap', 'paint']) {
  describe(`live page (${mode})`, () => {
    test('content appended for ten seconds is highlighted, with no long task and no runaway observer', async () => {
      const { page, consoleErrors, pageErrors } = await open('live.html');
      await page.evaluate(() => {
        window.longTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.longTasks.push(Math.round(entry.duration));
        }).observe({ type: 'longtask', buffered: false });
      });
      assert.equal(await start(page, { observe: true, mode }), mode);
      await page.evaluate(() => {
        window.passTimes = [];
        window.highlighter.setOptions({ onUpdate: ({ timings }) => {
          window.updates += 1;
          window.passTimes.push(timings.extraction + timings.matching + timings.domChanges);
        } });
      });
      // Appends a paragraph every 150 ms for ten seconds; returns how many.
      const appendForTenSeconds = () => page.evaluate(async () => {
        window.longTasks.length = 0;
        const names = ['Baku', 'Yerevan', 'Ilham Aliyev', 'Georgia', 'Washington', 'Central Asia', 'Nikol Pashinyan'];
        const feed = document.getElementById('feed');
        let count = 0;
        const started = Date.now();
        while (Date.now() - started < 10_000) {
          const p = document.createElement('p');
          p.textContent = `${String(feed.children.length).padStart(3, '0')} Update on ${names[count % names.length]} and the talks.`;
          feed.append(p);
          count += 1;
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        return count;
      });
      let appended = await appendForTenSeconds();
      await page.waitForTimeout(300);
      let longTasks = await page.evaluate(() => window.longTasks.slice());
      if (longTasks.length > 0) {
        // A busy machine can stall any task once; a real problem recurs.
        console.log(`# long tasks in the first ten seconds (${mode}): ${longTasks.join(', ')} ms; measuring again`);
        appended += await appendForTenSeconds();
        await page.waitForTimeout(300);
        longTasks = await page.evaluate(() => window.longTasks.slice());
      }
      const texts = await mentionTexts(page);
      // One mention per appended paragraph, plus the heading's and the
      // first paragraph's Baku.
      assert.equal(texts.length, appended + 2, `${texts.length} mentions for ${appended} paragraphs`);
      assert.deepEqual(longTasks, [], 'no main-thread task over 50 ms');
      // As with long tasks, a busy machine can stall one pass (one took
      // 62.5 ms in a CI run, against a few ms for the others); a slow
      // incremental path makes many slow.
      const slowest = await page.evaluate(() => window.passTimes.slice().sort((a, b) => b - a).slice(0, 3));
      assert.ok(slowest.length < 2 || slowest[1] < 50, `two or more incremental passes took 50 ms or more: the slowest ${slowest.map((ms) => ms.toFixed(1)).join(', ')} ms`);
      // Quiet page: the highlighter makes no further changes of its own.
      const selfChanges = await page.evaluate(async () => {
        let changes = 0;
        const observer = new MutationObserver((records) => { changes += records.length; });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        const before = window.updates;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        observer.disconnect();
        return { changes, passes: window.updates - before };
      });
      assert.deepEqual(selfChanges, { changes: 0, passes: 0 }, 'no runaway observer');
      const updates = await page.evaluate(() => window.updates);
      assert.ok(updates <= appended + 1, `${updates} incremental passes for ${appended} appends`);
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });

    test('edited text, removed content and single-page navigation', async () => {
      const { page } = await open('live.html');
      await start(page, { observe: true, mode });
      const settle = () => page.waitForTimeout(150);
      // Text edited in place (a text node's data changes).
      await page.evaluate(() => {
        const p = document.createElement('p');
        p.textContent = '08:05 No names yet.';
        document.getElementById('feed').append(p);
      });
      await settle();
      await page.evaluate(() => { document.querySelector('#feed p:last-child').firstChild.data = '08:05 Delegations arrive in Yerevan.'; });
      await settle();
      assert.deepEqual(await mentionTexts(page), ['Baku', 'Baku', 'Yerevan']);
      // Content removed: its mentions are forgotten.
      await page.evaluate(() => document.getElementById('feed').replaceChildren());
      await settle();
      assert.deepEqual(await mentionTexts(page), ['Baku']);
      // A single-page navigation swaps the whole main content.
      await page.evaluate(() => {
        const root = document.getElementById('root');
        const next = document.createElement('section');
        next.innerHTML = '<h1>Another story</h1><p>Nikol Pashinyan spoke in Washington.</p>';
        root.replaceChildren(next);
      });
      await settle();
      assert.deepEqual(await mentionTexts(page), ['Nikol Pashinyan', 'Washington']);
      if (mode === 'wrap') {
        assert.equal(await page.locator('entity-mention').count(), 2);
        // No wrapper left behind for removed content, nothing nested.
        assert.equal(await page.locator('entity-mention entity-mention').count(), 0);
      } else {
        assert.equal(await page.locator('entity-mention').count(), 0, 'paint mode adds no elements');
      }
      await page.close();
    });

    test('open shadow roots and same-origin iframes are covered', async () => {
      const { page } = await open('scopes.html');
      await page.waitForFunction(() => document.getElementById('frame').contentDocument?.readyState === 'complete');
      await start(page, { mode, observe: true });
      assert.deepEqual(await mentionTexts(page), ['Baku', 'Yerevan', 'Georgia']);
      if (mode === 'wrap') {
        const inShadow = await page.evaluate(() => document.getElementById('host').shadowRoot.querySelectorAll('entity-mention').length);
        const inFrame = await page.evaluate(() => document.getElementById('frame').contentDocument.querySelectorAll('entity-mention').length);
        assert.deepEqual([inShadow, inFrame], [1, 1]);
        // The wrapper style reaches into the shadow root.
        const tint = await page.evaluate(() => getComputedStyle(document.getElementById('host').shadowRoot.querySelector('entity-mention')).borderBottomStyle);
        assert.equal(tint, 'solid');
      }
      // Hovering the mention inside the shadow root opens its card.
      const box = await page.evaluate(() => {
        const mention = window.highlighter.mentions.find((m) => m.text === 'Yerevan');
        const r = (mention.elements[0] ?? mention.ranges[0]).getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      });
      await page.mouse.move(box.x, box.y);
      await page.waitForTimeout(400);
      const card = await page.evaluate(() => document.querySelector('entity-highlighter-card')?.shadowRoot.querySelector('.name')?.textContent);
      assert.equal(card, 'Yerevan');
      // Content added to the shadow root later is highlighted too.
      await page.evaluate(() => {
        const p = document.createElement('p');
        p.textContent = 'Later: Ilham Aliyev.';
        document.getElementById('host').shadowRoot.append(p);
      });
      await page.waitForTimeout(150);
      assert.ok((await mentionTexts(page)).includes('Ilham Aliyev'));
      await screenshot(page, `scopes-${mode}`);
      await page.close();
    });
  });
}

for (const mode of ['wrap', 'paint']) {
  test(`${mode}, observe: web components that fill their shadow root later, or are defined later, are highlighted then`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => {
      // A ticker whose shadow root is empty until its data comes.
      customElements.define('news-ticker', class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' });
        }
      });
      document.getElementById('root').innerHTML = '<p>Georgia.</p><news-ticker id="ticker"></news-ticker><news-teaser id="teaser"></news-teaser>';
    });
    await start(page, { observe: true, mode });
    assert.deepEqual(await mentionTexts(page), ['Georgia']);
    await page.evaluate(() => {
      const item = document.createElement('p');
      item.textContent = 'Ticker: talks in Baku.';
      document.getElementById('ticker').shadowRoot.append(item);
    });
    await page.waitForFunction(() => window.highlighter.mentions.length === 2);
    // A teaser whose code loads after the first pass (a split bundle):
    // defining it gives it a shadow root, and no mutation record.
    await page.evaluate(() => {
      customElements.define('news-teaser', class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).innerHTML = '<p>Teaser: Yerevan.</p>';
        }
      });
    });
    await page.waitForFunction(() => window.highlighter.mentions.length === 3);
    assert.deepEqual(await mentionTexts(page), ['Georgia', 'Baku', 'Yerevan']);
    if (mode === 'wrap') {
      const wrapped = await page.evaluate(() => ['ticker', 'teaser'].map((id) => document.getElementById(id).shadowRoot.querySelectorAll('entity-mention').length));
      assert.deepEqual(wrapped, [1, 1]);
    }
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
}

for (const mode of ['wrap', 'paint']) {
  test(`${mode}, observe: a card whose mention the page takes away closes, though the pointer stays still`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="story" style="font-size: 24px">Talks in Baku went on.</p>'; });
    await start(page, { observe: true, mode });
    const spot = await page.evaluate(() => {
      const node = document.getElementById('story').querySelector('entity-mention')?.firstChild ?? document.getElementById('story').firstChild;
      const range = document.createRange();
      const at = node.data.indexOf('Baku');
      range.setStart(node, at);
      range.setEnd(node, at + 4);
      const rect = range.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await page.mouse.move(spot.x - 30, spot.y - 30);
    await page.mouse.move(spot.x, spot.y, { steps: 3 });
    const cardOpen = () => page.evaluate(() => { const host = document.querySelector('entity-highlighter-card'); return Boolean(host && !host.hidden); });
    await page.waitForFunction(() => { const host = document.querySelector('entity-highlighter-card'); return host && !host.hidden; });
    // The page swaps its story (keyboard navigation, an auto-refresh).
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p style="font-size: 24px">No names here, none at all.</p>'; });
    await page.waitForFunction(() => window.highlighter.mentions.length === 0);
    await page.waitForTimeout(100);
    assert.equal(await cardOpen(), false);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
}

for (const mode of ['wrap', 'paint']) {
  test(`${mode}, observe: taking an entry out of a long live blog highlights nothing again, unless it joins text around it`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => {
      const entries = Array.from({ length: 50 }, (_, i) => `<article><p>${i}: talks in Baku.</p></article>`).join('\n');
      document.getElementById('root').innerHTML = `<section id="blog">${entries}</section><p id="join">Ilham<span id="cut">, said a source close to</span> Aliyev.</p>`;
    });
    await start(page, { observe: true, mode });
    assert.equal((await mentionTexts(page)).length, 50);
    const facts = await page.evaluate(async () => {
      const updates = window.updateLog;
      updates.length = 0;
      const blog = document.getElementById('blog');
      // The oldest entries go, one at a time, as a capped blog does.
      for (let i = 0; i < 5; i++) {
        blog.lastElementChild.remove();
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const afterRemovals = { updates: updates.slice(), mentions: window.highlighter.mentions.length };
      // Taking out what separated two words makes one name of them.
      document.getElementById('cut').remove();
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { afterRemovals, joined: window.highlighter.mentions.map((m) => m.text).filter((text) => text.includes('Aliyev')) };
    });
    assert.equal(facts.afterRemovals.mentions, 45, 'the entries taken out leave the list');
    assert.ok(facts.afterRemovals.updates.length >= 1, 'the list change is told');
    assert.ok(facts.afterRemovals.updates.every((update) => update.added === 0), `nothing highlighted again: ${JSON.stringify(facts.afterRemovals.updates)}`);
    assert.deepEqual(facts.joined, ['Ilham Aliyev']);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test(`${mode}, observe: a long-running page with components coming and going keeps no listeners, styles or watchers for what it removed`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => {
      customElements.define('news-card', class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).innerHTML = '<p>Card: talks in Yerevan.</p>';
        }
      });
      document.getElementById('root').innerHTML = '<p id="ticker">Baku at 0.</p><div id="cards"></div>';
    });
    await start(page, { observe: true, mode });
    const cdp = await page.context().newCDPSession(page);
    const listenersOnRoot = async () => {
      const { result } = await cdp.send('Runtime.evaluate', { expression: "document.getElementById('root')" });
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      return listeners.length;
    };
    const listenersAtStart = await listenersOnRoot();
    const facts = await page.evaluate(async () => {
      const cards = document.getElementById('cards');
      const ticker = document.getElementById('ticker');
      window.collected = 0;
      const registry = new FinalizationRegistry(() => { window.collected += 1; });
      window.keepRegistry = registry;
      for (let i = 1; i <= 30; i++) {
        // A component swapped, the ticker edited: each an incremental pass.
        const card = document.createElement('news-card');
        if (i < 30) registry.register(card.shadowRoot, i);
        cards.replaceChildren(card);
        ticker.firstChild.data = `Baku at ${i}.`;
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { mentions: window.highlighter.mentions.map((m) => m.text) };
    });
    const listenersAtEnd = await listenersOnRoot();
    // The 29 shadow roots taken out of the page can be collected.
    for (let i = 0; i < 5; i++) {
      await cdp.send('HeapProfiler.collectGarbage');
      await page.waitForTimeout(50);
    }
    const collected = await page.evaluate(() => window.collected);
    assert.equal(listenersAtEnd, listenersAtStart, `listeners on the root: ${listenersAtStart} after the first pass, ${listenersAtEnd} after 30 more`);
    assert.ok(collected >= 25, `${collected} of the 29 removed shadow roots collected`);
    assert.deepEqual(facts.mentions, ['Baku', 'Yerevan']);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
}

describe('observe: changes the highlighter must not lose', () => {
  test('wrap: after the page merges text nodes with normalize(), clear() still takes every wrapper out', async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="p">Baku and Yerevan.</p><p id="other">Washington.</p>'; });
    await start(page, { observe: true, mode: 'wrap' });
    const facts = await page.evaluate(async () => {
      const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const p = document.getElementById('p');
      p.append(' Georgia ');
      await wait(300);
      // Joins the text node kept before the new wrapper with its neighbour.
      p.normalize();
      await wait(300);
      document.getElementById('other').remove();
      await wait(300);
      const shown = [...p.querySelectorAll('entity-mention')].map((el) => el.textContent);
      window.highlighter.clear();
      return { shown, left: document.querySelectorAll('entity-mention').length, text: p.textContent };
    });
    assert.deepEqual(facts.shown, ['Baku', 'Yerevan', 'Georgia']);
    assert.equal(facts.left, 0, 'no wrapper outlives clear()');
    assert.equal(facts.text, 'Baku and Yerevan. Georgia ');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  for (const mode of ['wrap', 'paint']) {
    test(`${mode}: text the page changes while the first pass is still changing the DOM is looked at again`, async () => {
      const { page, consoleErrors, pageErrors } = await open('live.html');
      const facts = await page.evaluate(async ({ dictionary, mode }) => {
        const root = document.getElementById('root');
        // Long enough for several DOM slices; painted, long enough (over
        // 256 K characters) for the part on screen to be shown first.
        const count = mode === 'paint' ? 7000 : 4000;
        root.innerHTML = Array.from({ length: count }, (_, i) => `<p>${i}: Baku and Yerevan met; Georgia too.</p>`).join('');
        const first = root.firstChild;
        const highlighter = await window.core.createHighlighter({ root, dictionary, mode, observe: true });
        window.highlighter = highlighter;
        // As soon as the first paragraph shows its marks (the rest of the
        // page is still to do), the page edits a name there and adds one.
        let editedDuringPass = false;
        let done = false;
        const poll = setInterval(() => {
          const wrapper = first.querySelector('entity-mention');
          if (!(wrapper || (mode === 'paint' && CSS.highlights.size > 0))) return;
          clearInterval(poll);
          const text = wrapper ? wrapper.firstChild : first.firstChild;
          text.insertData(wrapper ? 2 : text.data.indexOf('Baku') + 2, 'zz');
          first.append(' Washington.');
          editedDuringPass = !done;
        }, 1);
        await highlighter.highlight();
        done = true;
        clearInterval(poll);
        await new Promise((resolve) => setTimeout(resolve, 600));
        const inFirst = highlighter.mentions.filter((m) => {
          const node = m.elements[0] ?? m.ranges?.[0]?.startContainer;
          return node && first.contains(node);
        });
        return { editedDuringPass, text: first.textContent, mentions: inFirst.map((m) => `${m.text}:${m.entity.id}`), wrapped: [...first.querySelectorAll('entity-mention')].map((el) => el.textContent) };
      }, { dictionary: NEWS_DICTIONARY, mode });
      assert.ok(facts.editedDuringPass, 'the page edited while the pass was under way');
      assert.equal(facts.text, '0: Bazzku and Yerevan met; Georgia too. Washington.');
      assert.deepEqual(facts.mentions, ['Yerevan:city:yerevan', 'Georgia:country:georgia', 'Washington:city:washington']);
      if (mode === 'wrap') assert.deepEqual(facts.wrapped, ['Yerevan', 'Georgia', 'Washington']);
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  }
});

for (const mode of ['wrap', 'paint']) {
  test(`${mode}, observe: a paragraph the page makes editable loses its marks while editable, and gets them back after`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="edit">Talks in Baku and Yerevan.</p><p id="other">Georgia.</p>'; });
    await start(page, { observe: true, mode });
    const marked = () => page.evaluate(() => ({
      mentions: window.highlighter.mentions.map((m) => m.text),
      wrappers: document.querySelectorAll('#edit entity-mention').length,
    }));
    assert.deepEqual(await marked(), { mentions: ['Baku', 'Yerevan', 'Georgia'], wrappers: mode === 'wrap' ? 2 : 0 });
    await page.evaluate(() => { document.getElementById('edit').contentEditable = 'true'; });
    await page.waitForTimeout(300);
    assert.deepEqual(await marked(), { mentions: ['Georgia'], wrappers: 0 }, 'no marks in the editable paragraph');
    // The reader types into it: nothing of ours is in what they edit.
    await page.locator('#edit').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Then Washington.');
    await page.waitForTimeout(300);
    assert.deepEqual(await marked(), { mentions: ['Georgia'], wrappers: 0 });
    assert.equal(await page.evaluate(() => document.getElementById('edit').innerHTML), 'Talks in Baku and Yerevan. Then Washington.');
    await page.evaluate(() => { document.getElementById('edit').contentEditable = 'false'; });
    await page.waitForTimeout(300);
    assert.deepEqual((await marked()).mentions, ['Baku', 'Yerevan', 'Washington', 'Georgia'], 'marked again once no longer editable, listed in document order');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
}

for (const mode of ['wrap', 'paint']) {
  test(`${mode}, observe: what the page or the reader shows later (a tab, a hidden paragraph, a <details>) is highlighted then, and listed in document order`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    await page.evaluate(() => {
      document.getElementById('root').innerHTML = `
        <style>.panel { display: none } .show-a .a, .show-b .b { display: block }</style>
        <p>Georgia first.</p>
        <div id="tabs" class="show-a"><div class="panel a">Tab A: Baku.</div><div class="panel b">Tab B: <b>Yerevan</b>.</div></div>
        <p id="later" hidden>Washington, later.</p>
        <details id="more"><summary>More on Nikol Pashinyan</summary>Bare text on Baku. <p>Talks in Yerevan.</p></details>
        <p>Ilham Aliyev last.</p>`;
    });
    await start(page, { observe: true, mode });
    const state = () => page.evaluate(() => ({
      mentions: window.highlighter.mentions.map((m) => m.text),
      wrappers: document.querySelectorAll('#root entity-mention').length,
    }));
    // Hidden text is not highlighted; a closed <details> shows only its
    // summary, its bare text included.
    assert.deepEqual((await state()).mentions, ['Georgia', 'Baku', 'Nikol Pashinyan', 'Ilham Aliyev']);
    await page.evaluate(() => { document.getElementById('tabs').className = 'show-b'; });
    await page.waitForFunction(() => window.highlighter.mentions.length === 5);
    assert.deepEqual((await state()).mentions, ['Georgia', 'Baku', 'Yerevan', 'Nikol Pashinyan', 'Ilham Aliyev']);
    await page.evaluate(() => { document.getElementById('later').hidden = false; });
    await page.waitForFunction(() => window.highlighter.mentions.length === 6);
    // The reader opens the <details> by its summary.
    await page.locator('#more summary').click();
    await page.waitForFunction(() => window.highlighter.mentions.length === 8);
    const opened = await state();
    assert.deepEqual(opened.mentions, ['Georgia', 'Baku', 'Yerevan', 'Washington', 'Nikol Pashinyan', 'Baku', 'Yerevan', 'Ilham Aliyev']);
    if (mode === 'wrap') assert.equal(opened.wrappers, 8);
    else assert.deepEqual((await registeredRanges(page)).map((r) => r.text).sort(), [...opened.mentions].sort());
    // Tab A's mention stays listed (and marked) while its tab is hidden.
    assert.equal(await page.evaluate(() => document.getElementById('more').open), true);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
}

for (const mode of ['wrap', 'paint']) {
  test(`${mode}, observe: a root hidden at the first pass, by an ancestor or by its own attributes, is highlighted once shown`, async () => {
    const { page, consoleErrors, pageErrors } = await open('live.html');
    // In a closed tab panel: hidden from outside the root.
    await page.evaluate(() => {
      const root = document.getElementById('root');
      const panel = document.createElement('div');
      panel.id = 'panel';
      panel.hidden = true;
      root.before(panel);
      panel.append(root);
    });
    await start(page, { observe: true, mode });
    const texts = () => mentionTexts(page);
    assert.deepEqual(await texts(), []);
    await page.evaluate(() => { document.getElementById('feed').insertAdjacentHTML('beforeend', '<p>Then Yerevan.</p>'); });
    await page.waitForTimeout(300);
    assert.deepEqual(await texts(), [], 'nothing while hidden');
    await page.evaluate(() => { document.getElementById('panel').hidden = false; });
    await page.waitForFunction(() => window.highlighter.mentions.length === 3);
    assert.deepEqual(await texts(), ['Baku', 'Baku', 'Yerevan'], 'what the root holds when shown');
    if (mode === 'wrap') assert.equal(await page.evaluate(() => document.querySelectorAll('#root entity-mention').length), 3);
    else assert.deepEqual((await registeredRanges(page)).map((r) => r.text).sort(), ['Baku', 'Baku', 'Yerevan']);
    // Hidden by its own attribute, then highlighted again from scratch.
    await page.evaluate(async () => {
      window.highlighter.clear();
      document.getElementById('root').setAttribute('aria-hidden', 'true');
      await window.highlighter.highlight();
    });
    assert.deepEqual(await texts(), []);
    await page.evaluate(() => { document.getElementById('root').removeAttribute('aria-hidden'); });
    await page.waitForFunction(() => window.highlighter.mentions.length === 3);
    // Without observe, a hidden root waits for the caller's next highlight().
    await page.evaluate(async () => {
      window.highlighter.setOptions({ observe: false });
      window.highlighter.clear();
      document.getElementById('panel').hidden = true;
      await window.highlighter.highlight();
      document.getElementById('panel').hidden = false;
    });
    await page.waitForTimeout(300);
    assert.deepEqual(await texts(), []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
}

test('wrap: copies the page makes of marked text become plain text and are marked afresh; another highlighter\'s wrappers stay', async () => {
  const { page, consoleErrors, pageErrors } = await open('live.html');
  await page.evaluate(() => {
    document.getElementById('root').innerHTML = '<div id="slides"><p id="slide">Talks in Baku and Yerevan.</p></div><p>Georgia.</p>';
  });
  await start(page, { mode: 'wrap' });
  const state = () => page.evaluate(() => ({
    mentions: window.highlighter.mentions.map((m) => m.text),
    wrappers: document.querySelectorAll('#root entity-mention').length,
    ours: new Set(window.highlighter.mentions.flatMap((m) => m.elements)).size,
  }));
  assert.deepEqual(await state(), { mentions: ['Baku', 'Yerevan', 'Georgia'], wrappers: 3, ours: 3 });
  // A slider clones its slide, wrappers and all; the next pass marks the
  // copy's text with wrappers of its own.
  await page.evaluate(async () => {
    const slide = document.getElementById('slide');
    slide.after(slide.cloneNode(true));
    await window.highlighter.highlight();
  });
  assert.deepEqual(await state(), { mentions: ['Baku', 'Yerevan', 'Baku', 'Yerevan', 'Georgia'], wrappers: 5, ours: 5 });
  // Observing, a copy made later is taken care of by the incremental pass.
  await page.evaluate(() => {
    window.highlighter.setOptions({ observe: true });
    return window.highlighter.highlight();
  });
  await page.evaluate(() => {
    const slide = document.getElementById('slide');
    document.getElementById('slides').append(slide.cloneNode(true));
  });
  await page.waitForFunction(() => window.highlighter.mentions.length === 7);
  assert.deepEqual(await state(), { mentions: ['Baku', 'Yerevan', 'Baku', 'Yerevan', 'Baku', 'Yerevan', 'Georgia'], wrappers: 7, ours: 7 });
  // A second highlighter on a root inside this one's (a widget under an
  // extension's): a full pass of the outer one leaves the inner one's
  // wrappers alone, though they are not its own.
  await page.evaluate(async () => {
    window.highlighter.setOptions({ observe: false });
    const inner = document.createElement('section');
    inner.id = 'inner';
    inner.textContent = 'Nikol Pashinyan in Yerevan.';
    document.getElementById('root').append(inner);
    window.inner = await window.core.createHighlighter({ root: inner, dictionary: { entities: [{ id: 'person:nikol-pashinyan', name: 'Nikol Pashinyan', type: 'person', summary: 'Prime Minister of Armenia.' }] }, mode: 'wrap' });
    await window.inner.highlight();
    await window.highlighter.highlight();
  });
  assert.deepEqual(await page.evaluate(() => ({
    inner: window.inner.mentions.map((m) => m.elements.every((e) => e.isConnected) && m.text),
    outer: window.highlighter.mentions.map((m) => m.text).slice(-2),
  })), { inner: ['Nikol Pashinyan'], outer: ['Georgia', 'Yerevan'] });
  // clear() leaves no copy behind.
  await page.evaluate(() => { window.inner.clear(); window.highlighter.clear(); });
  assert.equal(await page.evaluate(() => document.querySelectorAll('entity-mention').length), 0);
  assert.equal(await page.evaluate(() => document.getElementById('slides').textContent), 'Talks in Baku and Yerevan.'.repeat(3));
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('wrap: two observing highlighters, one inside the other, settle after marking each other\'s blocks once', async () => {
  const { page, consoleErrors, pageErrors } = await open('live.html');
  const markup = '<p>Talks in Baku and Yerevan.</p><section id="inner"><p id="shared">Nikol Pashinyan met in Baku and Yerevan.</p></section><p>Georgia.</p>';
  const result = await page.evaluate(async ({ dictionary, markup }) => {
    const root = document.getElementById('root');
    root.innerHTML = markup;
    const log = [];
    // The inner one (a widget) first, then the outer one (an extension).
    window.inner = await window.core.createHighlighter({
      root: document.getElementById('inner'),
      dictionary: { entities: [
        { id: 'person:nikol-pashinyan', name: 'Nikol Pashinyan', type: 'person', summary: 'Prime Minister of Armenia.' },
        { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
      ] },
      mode: 'wrap',
      observe: true,
      onUpdate: () => log.push('inner'),
    });
    await window.inner.highlight();
    window.outer = await window.core.createHighlighter({ root, dictionary, mode: 'wrap', observe: true, onUpdate: () => log.push('outer') });
    await window.outer.highlight();
    const settle = async () => {
      // Quiet for half a second, within five.
      for (let waited = 0; waited < 5000; waited += 500) {
        const count = log.length;
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (log.length === count) return log.splice(0);
      }
      return null;
    };
    const texts = () => ({
      inner: window.inner.mentions.map((m) => m.elements.every((e) => e.isConnected) && m.text),
      outer: window.outer.mentions.map((m) => m.elements.every((e) => e.isConnected) && m.text),
    });
    const first = { passes: await settle(), ...texts() };
    document.getElementById('shared').append(' Then Georgia and Baku.');
    const edited = { passes: await settle(), ...texts() };
    window.outer.clear();
    window.inner.clear();
    return { first, edited, after: root.innerHTML };
  }, { dictionary: NEWS_DICTIONARY, markup });
  // Each marked the block the other changed once more, then both stopped
  // (they used to go on for ever, a pass each every 40 ms).
  assert.ok(result.first.passes !== null && result.first.passes.length <= 4, `passes after the start: ${result.first.passes}`);
  assert.deepEqual(result.first.inner, ['Nikol Pashinyan', 'Baku']);
  assert.deepEqual(result.first.outer, ['Baku', 'Yerevan', 'Yerevan', 'Georgia']);
  assert.ok(result.edited.passes !== null && result.edited.passes.length <= 4, `passes after the edit: ${result.edited.passes}`);
  assert.deepEqual(result.edited.inner, ['Nikol Pashinyan', 'Baku', 'Baku']);
  assert.deepEqual(result.edited.outer, ['Baku', 'Yerevan', 'Yerevan', 'Georgia', 'Georgia']);
  assert.equal(result.after, markup.replace('Yerevan.</p></section>', 'Yerevan. Then Georgia and Baku.</p></section>'));
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('observe: a page that animates through its attributes costs no passes', async () => {
  const { page } = await open('live.html');
  await page.evaluate(() => {
    document.getElementById('root').innerHTML = '<p id="spin">Talks in Baku.</p><p hidden>Yerevan.</p><div id="box" class="a">Georgia.</div>';
  });
  await start(page, { observe: true, mode: 'paint' });
  const passes = await page.evaluate(async () => {
    const updates = window.updates;
    const spin = document.getElementById('spin');
    const box = document.getElementById('box');
    for (let frame = 0; frame < 40; frame++) {
      spin.style.transform = `translateX(${frame}px)`;
      box.className = frame % 2 ? 'a' : 'b';
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    return window.updates - updates;
  });
  assert.equal(passes, 0);
  assert.deepEqual(await mentionTexts(page), ['Baku', 'Georgia']);
  await page.close();
});

describe('keyboard focus', () => {
  test('wrap: a focused mention keeps focus when the page changes its paragraph and when highlighting again', async () => {
    const { page, consoleErrors, pageErrors } = await open('fixture.html');
    await page.evaluate(() => {
      document.getElementById('root').innerHTML = '<p id="talks">Talks in <b>Baku</b> and Yerevan.</p><p>Then Georgia.</p>';
    });
    await start(page, { observe: true, mode: 'wrap' });
    const focused = () => page.evaluate(() => {
      const active = document.activeElement;
      return active.tagName === 'ENTITY-MENTION' ? `${active.textContent}:${active.isConnected}` : active.tagName;
    });
    // Tab to the second mention, as a keyboard reader would.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Yerevan:true');
    // The page changes the paragraph: the incremental pass wraps it anew.
    const updates = await page.evaluate(() => window.updates);
    await page.evaluate(() => document.getElementById('talks').append(' Washington too.'));
    await page.waitForFunction((before) => window.updates > before, updates);
    assert.deepEqual(await mentionTexts(page), ['Baku', 'Yerevan', 'Washington', 'Georgia']);
    assert.equal(await focused(), 'Yerevan:true', 'focus is on the new wrapper of the same mention');
    // A full pass again.
    await page.evaluate(() => window.highlighter.highlight());
    assert.equal(await focused(), 'Yerevan:true');
    // Focus moved on by the reader stays where the reader put it.
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Washington:true');
    await page.evaluate(() => document.getElementById('talks').append(' More.'));
    await page.waitForFunction((before) => window.updates > before, updates + 1);
    assert.equal(await focused(), 'Washington:true');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});

describe('non-destructive mode', () => {
  test('paints without changing the DOM, and cards open by hover and touch', async () => {
    const { page } = await open('fixture.html', { hasTouch: true });
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="p">Talks in <b>Ilham</b> Aliyev\'s Baku.</p>'; });
    const before = await page.evaluate(() => document.getElementById('root').innerHTML);
    assert.equal(await start(page, { mode: 'auto' }), 'paint', 'auto picks paint in Chromium');
    assert.equal(await page.evaluate(() => document.getElementById('root').innerHTML), before, 'the DOM is untouched');
    const painted = await page.evaluate(() => [...CSS.highlights.keys()].sort());
    assert.deepEqual(painted, ['entity-highlighter-person', 'entity-highlighter-place']);
    const rect = await page.evaluate(() => {
      const range = window.highlighter.mentions.find((m) => m.text === 'Baku').ranges[0];
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    await page.mouse.move(rect.x, rect.y);
    await page.waitForTimeout(400);
    const name = () => page.evaluate(() => {
      const host = document.querySelector('entity-highlighter-card');
      return host && !host.hidden ? host.shadowRoot.querySelector('.name').textContent : null;
    });
    assert.equal(await name(), 'Baku');
    await page.mouse.move(5, 400);
    await page.waitForTimeout(450);
    assert.equal(await name(), null, 'closes after the pointer leaves');
    await page.touchscreen.tap(rect.x, rect.y);
    assert.equal(await name(), 'Baku', 'a tap opens it');
    await screenshot(page, 'paint-mode-card');
    await page.evaluate(() => window.highlighter.clear());
    assert.deepEqual(await page.evaluate(() => [...CSS.highlights.keys()]), []);
    await page.close();
  });

  test('paint holds no live Ranges, and an edit inside a painted text node is painted again where the words now are', async () => {
    const { page, consoleErrors, pageErrors } = await open('fixture.html');
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="p">Talks in Baku and Yerevan.</p>'; });
    assert.equal(await start(page, { mode: 'paint', observe: true }), 'paint');
    const paintedNow = async () => {
      const ranges = await registeredRanges(page);
      return { kinds: [...new Set(ranges.map((range) => range.kind))], texts: ranges.map((range) => range.text).sort() };
    };
    assert.deepEqual(await paintedNow(), { kinds: ['StaticRange'], texts: ['Baku', 'Yerevan'] });
    // mention.ranges gives live Ranges over the same text, fresh at each read.
    const ranges = await page.evaluate(() => {
      const mention = window.highlighter.mentions.find((m) => m.text === 'Yerevan');
      const [range] = mention.ranges;
      return { live: range instanceof Range, text: range.toString(), boxes: range.getClientRects().length, fresh: mention.ranges[0] !== range };
    });
    assert.deepEqual(ranges, { live: true, text: 'Yerevan', boxes: 1, fresh: true });
    // The page edits the painted text node in place: the words move, and
    // the incremental pass paints them where they now are.
    const updates = await page.evaluate(() => window.updates);
    await page.evaluate(() => document.getElementById('p').firstChild.insertData(0, 'Late news: Georgia. '));
    await page.waitForFunction((before) => window.updates > before, updates);
    assert.deepEqual(await paintedNow(), { kinds: ['StaticRange'], texts: ['Baku', 'Georgia', 'Yerevan'] });
    assert.deepEqual(await mentionTexts(page), ['Georgia', 'Baku', 'Yerevan']);
    // Cut short past the painted words: nothing is painted on text that is not a name.
    await page.evaluate(() => { document.getElementById('p').firstChild.data = 'Talks.'; });
    await page.waitForFunction((before) => window.updates > before + 1, updates);
    assert.deepEqual(await paintedNow(), { kinds: [], texts: [] });
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('without observe, paint stays on its words through in-place edits of painted text, and leaves words it no longer fits', async () => {
    const { page, consoleErrors, pageErrors } = await open('fixture.html');
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="p">Talks in Baku and Yerevan.</p><p id="q">Then <b>Ilham</b> Aliyev spoke.</p>'; });
    assert.equal(await start(page, { mode: 'paint' }), 'paint');
    // The text each registered range covers in the frame after `edit`.
    const paintedAfter = async (edit) => {
      await page.evaluate(async (source) => {
        (0, eval)(source)();
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }, `() => { ${edit} }`);
      return (await registeredRanges(page)).map((range) => range.text).filter(Boolean).sort();
    };
    const text = "document.getElementById('p').firstChild";
    assert.deepEqual(await paintedAfter(''), ['Baku', 'Ilham Aliyev', 'Yerevan']);
    // Text put before, between and after the names moves them.
    assert.deepEqual(await paintedAfter(`${text}.insertData(0, 'Late news: ')`), ['Baku', 'Ilham Aliyev', 'Yerevan']);
    assert.deepEqual(await paintedAfter(`${text}.insertData(${text}.data.indexOf(' and'), ', the capital,'); ${text}.appendData(' More soon.')`), ['Baku', 'Ilham Aliyev', 'Yerevan']);
    // An edit inside one name takes its paint off, and only its.
    assert.deepEqual(await paintedAfter(`${text}.replaceData(${text}.data.indexOf('Baku') + 1, 2, 'ee')`), ['Ilham Aliyev', 'Yerevan']);
    // A mention over two nodes loses its paint when text lands inside it,
    // even at the edge where one node meets the next.
    assert.deepEqual(await paintedAfter("document.querySelector('#q b').firstChild.appendData('s')"), ['Yerevan']);
    // New text from a framework (nodeValue): nothing painted is left on
    // words that are not the names.
    assert.deepEqual(await paintedAfter(`${text}.nodeValue = 'Votes in Oslo and Helsinki today.'`), []);
    const held = await page.evaluate(() => window.highlighter.mentions.map((m) => m.ranges.map((r) => r.toString()).join('')).filter(Boolean));
    assert.deepEqual(held, [], 'mention.ranges agree with the paint');
    // The pointer over where "Baku" was opens no card.
    const box = await page.evaluate(() => {
      const range = document.createRange();
      range.setStart(document.getElementById('p').firstChild, 9);
      range.setEnd(document.getElementById('p').firstChild, 13);
      const rect = range.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await page.mouse.move(box.x, box.y);
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => document.querySelector('entity-highlighter-card:not([hidden])')), null);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('with thousands of mentions (only those near the viewport registered), an edited paragraph keeps its paint in the very next frame', async () => {
    const { page, consoleErrors, pageErrors } = await open('fixture.html');
    await page.evaluate(() => {
      const root = document.getElementById('root');
      for (let i = 0; i < 800; i++) {
        const p = document.createElement('p');
        p.textContent = `Talks in Baku and Yerevan, then Georgia (${i}).`;
        root.append(p);
      }
    });
    assert.equal(await start(page, { mode: 'paint' }), 'paint');
    const facts = await page.evaluate(async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      for (let i = 0; i < 10; i++) await frame();
      const first = document.querySelector('#root p').firstChild;
      // The texts painted in the first paragraph, as registered now.
      const paintedInFirst = () => {
        const texts = [];
        for (const [name, highlight] of CSS.highlights) {
          if (!name.startsWith('entity-highlighter-')) continue;
          for (const range of highlight) {
            if (range.startContainer !== first) continue;
            texts.push(first.data.slice(range.startOffset, range.endOffset));
          }
        }
        return texts.sort();
      };
      const registered = () => [...CSS.highlights.values()].reduce((sum, highlight) => sum + highlight.size, 0);
      const before = { texts: paintedInFirst(), registered: registered() };
      first.insertData(0, 'Late news: ');
      await frame();
      return { before, after: paintedInFirst(), total: window.highlighter.mentions.length };
    });
    assert.equal(facts.total, 2400);
    assert.ok(facts.before.registered < 2400, `only ranges near the viewport are registered (${facts.before.registered})`);
    assert.deepEqual(facts.before.texts, ['Baku', 'Georgia', 'Yerevan']);
    assert.deepEqual(facts.after, ['Baku', 'Georgia', 'Yerevan']);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('edits of one text node holding 20,000 painted mentions take a moment, not seconds', async () => {
    const { page, consoleErrors, pageErrors } = await open('fixture.html');
    const facts = await page.evaluate(async () => {
      const root = document.getElementById('root');
      const p = document.createElement('p');
      p.textContent = 'Talks in Baku and Yerevan. '.repeat(10_000);
      root.append(p);
      const highlighter = await window.core.createHighlighter({ root, dictionary: { entities: [
        { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
        { id: 'city:yerevan', name: 'Yerevan', type: 'city', summary: 'Capital of Armenia.' },
      ] }, mode: 'paint' });
      const { mentions } = await highlighter.highlight();
      // Records reach the painter as a microtask: awaiting one takes them.
      const timed = async (edit) => {
        const began = performance.now();
        edit();
        await null;
        return performance.now() - began;
      };
      const text = p.firstChild;
      const moveAll = await timed(() => text.insertData(0, 'News. '));
      const moveNone = await timed(() => text.appendData(' More.'));
      const ends = [mentions[0], mentions.at(-1)].map((mention) => mention.ranges[0].toString());
      highlighter.destroy();
      return { count: mentions.length, moveAll, moveNone, ends };
    });
    assert.equal(facts.count, 20_000);
    assert.deepEqual(facts.ends, ['Baku', 'Yerevan'], 'the paint moved with the text');
    // One pass per edit over the node's pieces: 150 and 27 ms here, where
    // working each mention out alone took about 1 s for 4,000 mentions.
    assert.ok(facts.moveAll < 1000, `moving every mention took ${facts.moveAll} ms`);
    assert.ok(facts.moveNone < 1000, `an edit after every mention took ${facts.moveNone} ms`);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('with observe, a painted name the page edits away leaves the mention list too', async () => {
    const { page, consoleErrors, pageErrors } = await open('fixture.html');
    await page.evaluate(() => { document.getElementById('root').innerHTML = '<p id="p">Talks in Baku and Yerevan.</p>'; });
    assert.equal(await start(page, { mode: 'paint', observe: true }), 'paint');
    for (let round = 0; round < 5; round++) {
      const updates = await page.evaluate(() => window.updates);
      // "Baku" becomes "Beeku" and back, again and again.
      await page.evaluate((round) => {
        const text = document.getElementById('p').firstChild;
        text.replaceData(text.data.indexOf(round % 2 ? 'Beeku' : 'Baku') + 1, round % 2 ? 2 : 1, round % 2 ? 'a' : 'ee');
      }, round);
      await page.waitForFunction((before) => window.updates > before, updates);
    }
    // Odd number of rounds: the text says "Beeku".
    assert.deepEqual(await mentionTexts(page), ['Yerevan']);
    assert.deepEqual(await page.evaluate(() => window.highlighter.mentions.map((m) => m.ranges.length)), [1]);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('a React page re-rendering under the highlighter keeps working, with no console errors', async () => {
    const { page, consoleErrors, pageErrors } = await open('react.html');
    await page.waitForFunction(() => document.querySelectorAll('#app li').length === 2);
    assert.equal(await start(page, { mode: 'paint', observe: true }), 'paint');
    assert.deepEqual(await mentionTexts(page), ['Ilham Aliyev', 'Nikol Pashinyan', 'Washington', 'Baku', 'Georgia']);
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => window.rerender());
      await page.evaluate(() => window.addStory());
      await page.waitForTimeout(150);
    }
    await page.click('button');
    await page.waitForTimeout(150);
    const texts = await mentionTexts(page);
    assert.deepEqual(texts, ['Ilham Aliyev', 'Nikol Pashinyan', 'Washington', 'Baku', 'Georgia', 'Yerevan', 'Central Asia']);
    const state = await page.evaluate(() => ({ items: document.querySelectorAll('#app li').length, heading: document.querySelector('#app h2').textContent, wrappers: document.querySelectorAll('entity-mention').length }));
    assert.deepEqual(state, { items: 4, heading: 'Live from the region (4)', wrappers: 0 });
    // Every painted range is on live text.
    const stale = await page.evaluate(() => window.highlighter.mentions.filter((m) => !m.ranges[0].startContainer.isConnected).length);
    assert.equal(stale, 0);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});
