// Big pages: extraction and matching in slices give the same results as
// in one go and let the page's own work run between them; paint mode
// registers only the ranges near the viewport once there are thousands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(page = 'fixture.html') {
  const opened = await openPage(browser, `${server.url}/tests/e2e/pages/${page}`);
  await opened.page.waitForFunction(() => window.coreReady === true);
  return opened;
}

// Two entities share "Georgia"; each also has a name of its own, so which
// one a "Georgia" most likely means depends on the rest of the text.
const DICTIONARY = {
  name: 'Slicing test',
  entities: [
    { id: 'country:georgia', name: 'Georgia', type: 'country', aliases: ['Sakartvelo'], summary: 'A country in the South Caucasus.' },
    { id: 'region:us-ga', name: 'Georgia', type: 'region', aliases: ['Peach State'], summary: 'A state of the United States.' },
    { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
    { id: 'person:ilham-aliyev', name: 'Ilham Aliyev', type: 'person', aliases: ['Aliyev'], summary: 'President of Azerbaijan.' },
  ],
};

describe('matching in pieces', () => {
  test('a long text matched in pieces gives the same mentions and candidate order as one call', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const facts = await page.evaluate(async (dictionary) => {
      const matcher = await window.core.createLocalMatcher({ dictionary });
      const paragraphs = [];
      // The first paragraph names the US state on its own; the country is
      // named alone twice, far later, in another piece: over the whole
      // text the country ranks first, within the first piece the state.
      paragraphs.push('Georgia and the Peach State.');
      for (let i = 0; i < 3000; i++) {
        paragraphs.push(i % 7 === 0 ? `Paragraph ${i}: Ilham Aliyev flew from Baku; Aliyev spoke of Georgia.` : `Paragraph ${i} names nobody at all, only filler words.`);
      }
      paragraphs.push('Sakartvelo, Sakartvelo.');
      // A block much longer than a piece stays one piece.
      paragraphs.push(`${'Baku '.repeat(5000)}Georgia`);
      const text = paragraphs.join('\u2029');
      let pauses = 0;
      const whole = matcher.matchNow(text);
      const pieces = await matcher.match(text, { sliceMs: 0, pause: async () => { pauses += 1; }, oneCallUpTo: 2000, firstPiece: 2000, smallestPiece: 1000 });
      const georgia = (found) => {
        const first = [];
        for (let i = 0; i < found.triples.length; i += 3) {
          if (found.triples[i] === 0) first.push(found.entities[found.triples[i + 2]].id);
        }
        return first;
      };
      return {
        length: text.length,
        pauses,
        same: whole.triples.length === pieces.triples.length && whole.triples.every((value, i) => value === pieces.triples[i]),
        count: whole.triples.length / 3,
        wholeFirst: georgia(whole),
        piecesFirst: georgia(pieces),
        entitiesSame: Object.keys(whole.entities).sort().join() === Object.keys(pieces.entities).sort().join(),
      };
    }, DICTIONARY);
    assert.ok(facts.pauses >= 50, `matched in ${facts.pauses + 1} pieces`);
    assert.ok(facts.count > 1500, `${facts.count} triples`);
    assert.equal(facts.same, true, 'the same triples, in the same order');
    assert.equal(facts.entitiesSame, true);
    assert.deepEqual(facts.wholeFirst, ['country:georgia', 'region:us-ga']);
    assert.deepEqual(facts.piecesFirst, ['country:georgia', 'region:us-ga']);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('extraction in slices', () => {
  test('gives the same text and nodes as one walk, across shadow roots and frames', async () => {
    const { page, pageErrors, consoleErrors } = await open('scopes.html');
    await page.waitForFunction(() => document.getElementById('frame').contentDocument?.readyState === 'complete');
    const facts = await page.evaluate(async () => {
      const { extractText, extractTextSliced } = await import('/www/core/internal/extract.js');
      const root = document.getElementById('root');
      // Enough nodes for many slices of NODES_PER_CLOCK_CHECK nodes.
      const many = document.createElement('section');
      for (let i = 0; i < 3000; i++) {
        const p = document.createElement('p');
        p.append(`Line ${i} `, Object.assign(document.createElement('b'), { textContent: 'Baku' }), ' again');
        many.append(p);
      }
      root.append(many);
      const whole = extractText([root]);
      let pauses = 0;
      const scopes = [];
      const sliced = await extractTextSliced([root], { sliceMs: 0, pause: async () => { pauses += 1; }, onScope: (scope) => scopes.push(scope.nodeName) });
      return {
        pauses,
        scopes,
        sameText: whole.text === sliced.text,
        sameNodes: whole.nodes.length === sliced.nodes.length && whole.nodes.every((node, i) => node === sliced.nodes[i] && whole.starts[i] === sliced.starts[i]),
        scopeCount: [whole.scopes.size, sliced.scopes.size],
        hasShadow: whole.text.includes('Yerevan inside an open shadow root.'),
        hasFrame: whole.nodes.some((node) => node.ownerDocument !== document),
      };
    });
    assert.ok(facts.pauses >= 20, `${facts.pauses} pauses`);
    assert.equal(facts.sameText, true);
    assert.equal(facts.sameNodes, true);
    assert.equal(facts.hasShadow, true);
    assert.equal(facts.hasFrame, true);
    assert.deepEqual(facts.scopeCount, [3, 3]);
    assert.deepEqual(facts.scopes, ['#document', '#document-fragment', '#document']);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('hands out its text in pieces that end after block separators and join to the whole', async () => {
    const { page, pageErrors } = await open('scopes.html');
    await page.waitForFunction(() => document.getElementById('frame').contentDocument?.readyState === 'complete');
    const facts = await page.evaluate(async () => {
      const { extractText, extractTextSliced, BLOCK_SEPARATOR } = await import('/www/core/internal/extract.js');
      const root = document.getElementById('root');
      const many = document.createElement('section');
      for (let i = 0; i < 2000; i++) {
        const p = document.createElement('p');
        p.append(`Line ${i} `, Object.assign(document.createElement('b'), { textContent: 'Baku' }), ' again');
        many.append(p);
      }
      // Line breaks separate too: a piece cut just after one must not
      // make the next text start with a second separator.
      const lines = document.createElement('div');
      for (let i = 0; i < 1500; i++) lines.append(Object.assign(document.createElement('span'), { textContent: `line ${i}` }), document.createElement('br'));
      many.append(lines);
      // One block longer than a piece: it stays in one piece.
      const long = document.createElement('p');
      long.textContent = 'Tbilisi '.repeat(1000);
      many.append(long);
      root.append(many);
      const whole = extractText([root]);
      const run = async (sliceMs, pieceChars) => {
        const pieces = [];
        const sliced = await extractTextSliced([root], { sliceMs, pause: async () => {}, onPiece: (piece) => pieces.push(piece), pieceChars });
        return {
          count: pieces.length,
          joined: pieces.join('') === whole.text && sliced.text === whole.text,
          // Every piece but the last ends just after a separator.
          cutAtBlocks: pieces.slice(0, -1).every((piece) => piece.endsWith(BLOCK_SEPARATOR)),
          noneEmpty: pieces.every((piece) => piece.length > 0),
          longest: Math.max(...pieces.map((piece) => piece.length)),
        };
      };
      return { length: whole.text.length, small: await run(0, 1024), large: await run(20, 16 * 1024), one: await run(20, Infinity) };
    });
    assert.ok(facts.length > 40_000, `${facts.length} characters`);
    for (const [name, run] of Object.entries({ small: facts.small, large: facts.large })) {
      assert.ok(run.joined && run.cutAtBlocks && run.noneEmpty, `${name}: ${JSON.stringify(run)}`);
    }
    // The length is looked at every 256 nodes: pieces of 1 to 2 K here.
    assert.ok(facts.small.count >= 20, `${facts.small.count} pieces of about 1 K`);
    assert.ok(facts.small.longest >= 8000, 'the 8,000-character block is one piece');
    assert.ok(facts.large.count >= 3 && facts.large.count < facts.small.count, `${facts.large.count} pieces of about 16 K`);
    assert.equal(facts.one.count, 1, 'with no piece size, the whole text is one piece at the end');
    assert.ok(facts.one.joined);
    assert.deepEqual(pageErrors.map(String), []);
    await page.close();
  });

  test('stops when the page removes the part it was about to walk, and the highlighter then walks in one go', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const facts = await page.evaluate(async (dictionary) => {
      const { extractTextSliced } = await import('/www/core/internal/extract.js');
      const root = document.getElementById('root');
      for (let i = 0; i < 2000; i++) root.append(Object.assign(document.createElement('p'), { id: `p${i}`, textContent: `Paragraph ${i} from Baku.` }));
      const removeMost = () => { for (const p of [...root.children].slice(50)) p.remove(); };
      // The first slice ends after about 128 paragraphs; the page then
      // removes all but the first 50.
      const stopped = await extractTextSliced([root], { sliceMs: 0, pause: async () => removeMost() });
      // The same page change, made by the page's own timer while a
      // highlighter walks: the pass still ends with every mention shown.
      root.replaceChildren();
      for (let i = 0; i < 20000; i++) root.append(Object.assign(document.createElement('p'), { textContent: `Paragraph ${i} from Baku.` }));
      const highlighter = await window.core.createHighlighter({ root, dictionary, mode: 'wrap' });
      setTimeout(removeMost, 0);
      const { mentions } = await highlighter.highlight();
      return {
        stopped,
        paragraphs: root.children.length,
        mentions: mentions.length,
        wrapped: root.querySelectorAll('entity-mention').length,
      };
    }, DICTIONARY);
    assert.equal(facts.stopped, null);
    assert.equal(facts.paragraphs, 50);
    assert.equal(facts.mentions, 50);
    assert.equal(facts.wrapped, 50);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  // The walk keeps the blocks above the node it visits as it goes, and reads
  // designMode once: both must be read again after a pause.
  test('goes on from where the page moved or changed things during a pause', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const facts = await page.evaluate(async () => {
      const { extractText, extractTextSliced } = await import('/www/core/internal/extract.js');
      const root = document.getElementById('root');
      const fill = () => {
        // 900 nodes in one block: the first slice ends inside it.
        const block = document.createElement('div');
        for (let i = 0; i < 300; i++) block.append(Object.assign(document.createElement('span'), { textContent: `w${i}` }), ' ');
        root.replaceChildren(block, Object.assign(document.createElement('p'), { textContent: 'after' }));
        return block;
      };
      // During the first pause the page moves the block's content into a
      // new paragraph after it: what is left to walk now lies in another block.
      const block = fill();
      const moved = document.createElement('p');
      let pauses = 0;
      const sliced = await extractTextSliced([root], {
        sliceMs: 0,
        pause: async () => {
          if (pauses++ === 0) {
            moved.append(...block.childNodes);
            block.after(moved);
          }
        },
      });
      const whole = extractText([root]);
      // During the first pause the page turns designMode on: the rest is
      // editable, so left out.
      fill();
      let editablePauses = 0;
      const editable = await extractTextSliced([root], {
        sliceMs: 0,
        pause: async () => {
          if (editablePauses++ === 0) document.designMode = 'on';
        },
      });
      document.designMode = 'off';
      return { pauses, movedParts: sliced.text.split('\u2029'), wholeParts: whole.text.split('\u2029'), editablePauses, editableText: editable.text };
    });
    assert.ok(facts.pauses >= 1);
    // The text ends with a separator, hence the last, empty part.
    assert.equal(facts.wholeParts.length, 3);
    assert.equal(facts.movedParts.length, 4, 'the text before the pause, the rest of the moved content, "after"');
    assert.ok(facts.movedParts[0].length > 0 && facts.movedParts[1].length > 0);
    assert.equal(facts.movedParts[0] + facts.movedParts[1], facts.wholeParts[0]);
    assert.deepEqual(facts.movedParts.slice(2), ['after', '']);
    assert.ok(facts.editablePauses >= 1);
    assert.match(facts.editableText, /^w0 w1 /);
    assert.ok(!facts.editableText.includes('w299') && !facts.editableText.includes('after'), 'nothing after the pause');
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('a big page', () => {
  test('clear() while the pass pauses between slices stops it: nothing is highlighted afterwards', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      for (let i = 0; i < 40000; i++) root.append(Object.assign(document.createElement('p'), { textContent: `Paragraph ${i}: talks in Baku went on through the night, officials said.` }));
      const before = root.innerHTML;
      const results = [];
      for (const mode of ['wrap', 'paint']) {
        const highlighter = await window.core.createHighlighter({ root, dictionary, mode });
        for (let delay = 0; delay < 16; delay += 3) {
          const pass = highlighter.highlight().then((result) => ({ mentions: result.mentions.length }), (error) => ({ error: String(error) }));
          for (let tick = 0; tick < delay; tick++) await new Promise((resolve) => setTimeout(resolve, 0));
          highlighter.clear();
          const result = await pass;
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          results.push({ mode, delay, ...result, held: highlighter.mentions.length, painted: [...CSS.highlights.values()].reduce((n, h) => n + h.size, 0), same: root.innerHTML === before });
        }
        highlighter.destroy();
      }
      return results;
    }, DICTIONARY);
    // Two highlight() calls in a row both run: the first pass clearing
    // before it starts must not cancel the one queued behind it.
    const twice = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      const highlighter = await window.core.createHighlighter({ root, dictionary, mode: 'wrap' });
      const [first, second] = await Promise.all([highlighter.highlight(), highlighter.highlight()]);
      const wrapped = root.querySelectorAll('entity-mention').length;
      highlighter.destroy();
      return { first: first.mentions.length, second: second.mentions.length, wrapped };
    }, DICTIONARY);
    assert.deepEqual(twice, { first: 40000, second: 40000, wrapped: 40000 });
    for (const result of facts) {
      const where = `${result.mode}, clear() after ${result.delay} pauses`;
      assert.equal(result.error, undefined, `${where}: ${result.error}`);
      assert.equal(result.held, 0, `${where}: ${result.held} mentions held`);
      assert.equal(result.painted, 0, `${where}: ${result.painted} ranges painted`);
      assert.equal(result.same, true, `${where}: the page differs`);
    }
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('destroy() while the pass pauses between slices ends it quietly and frees the engine', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      for (let i = 0; i < 40000; i++) root.append(Object.assign(document.createElement('p'), { textContent: `Paragraph ${i}: talks in Baku went on through the night, officials said.` }));
      const results = [];
      // At each of the pass's pauses in turn (each lets one of these
      // zero-delay timers run): during extraction, between pieces of
      // matching, between DOM slices.
      for (let delay = 0; delay < 16; delay++) {
        const highlighter = await window.core.createHighlighter({ root, dictionary, mode: 'wrap', observe: true });
        const pass = highlighter.highlight().then((result) => ({ mentions: result.mentions.length }), (error) => ({ error: String(error) }));
        for (let tick = 0; tick < delay; tick++) await new Promise((resolve) => setTimeout(resolve, 0));
        highlighter.destroy();
        results.push({ delay, ...(await pass), left: root.querySelectorAll('entity-mention').length });
      }
      return { results, text: root.textContent.length };
    }, DICTIONARY);
    for (const result of facts.results) {
      assert.equal(result.error, undefined, `destroy() after ${result.delay} ms: ${result.error}`);
      assert.equal(result.left, 0, `destroy() after ${result.delay} ms left ${result.left} wrappers`);
    }
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('the page\'s own timers run between slices of extraction and matching, before anything is changed', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      // About 2 MB of text in 20,000 paragraphs.
      const words = 'the minister said talks with officials from three neighbouring countries would continue next week'.split(' ');
      for (let i = 0; i < 20000; i++) {
        const p = document.createElement('p');
        p.textContent = `${i}: ${words.slice(i % 9).join(' ')} ${words.slice(0, i % 9).join(' ')}${i % 10 === 0 ? ' in Baku' : ''}`;
        root.append(p);
      }
      const highlighter = await window.core.createHighlighter({ root, dictionary, mode: 'wrap' });
      let ticks = 0;
      let ticksBeforeChange = -1;
      let running = true;
      const tick = () => { ticks += 1; if (running) setTimeout(tick, 0); };
      const watcher = new MutationObserver(() => {
        if (ticksBeforeChange < 0) ticksBeforeChange = ticks;
      });
      watcher.observe(root, { childList: true, subtree: true });
      setTimeout(tick, 0);
      const began = performance.now();
      const { mentions, timings } = await highlighter.highlight();
      running = false;
      watcher.disconnect();
      return { ticksBeforeChange, mentions: mentions.length, work: timings.extraction + timings.matching, extraction: timings.extraction, elapsed: performance.now() - began, length: root.textContent.length };
    }, DICTIONARY);
    console.log(`big page: ${facts.length} characters, ${facts.mentions} mentions, extraction + matching ${Math.round(facts.work)} ms, ${facts.ticksBeforeChange} page timer ticks before the first change, ${Math.round(facts.elapsed)} ms in all`);
    assert.ok(facts.length > 1_500_000);
    assert.equal(facts.mentions, 2000);
    // Slices are about 20 ms: work of this size takes several, and the
    // page's timer runs between each two. The first change is the
    // screen's mentions, which come after the walk but before the whole
    // text's matching: the walk's time is what counts.
    assert.ok(facts.ticksBeforeChange >= Math.min(3, Math.floor(facts.extraction / 40)), `${facts.ticksBeforeChange} ticks during ${Math.round(facts.extraction)} ms of walk`);
    assert.ok(facts.ticksBeforeChange >= 2, `${facts.ticksBeforeChange} ticks`);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('a long page shows what is on screen first', () => {
  // "Jordan" alone is the country or the basketball player, in different
  // colours. On screen, the player is also named in full; the whole text
  // names the country three times at its end, far below.
  const dictionary = {
    name: 'Screen first test',
    entities: [
      { id: 'country:jordan', name: 'Jordan', type: 'country', aliases: ['Hashemite Kingdom'], summary: 'A country in the Middle East.' },
      { id: 'person:michael-jordan', name: 'Michael Jordan', type: 'person', aliases: ['Jordan'], summary: 'A basketball player.' },
      { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
    ],
  };

  /** Fills #root with 1,500 paragraphs (about 340 K characters: the
   * screen comes first from 256 K on), the
   * player's paragraph in the middle (scrolled to) and the country's
   * names at the end. Runs in the page. */
  function fillPage() {
    const root = document.getElementById('root');
    const filler = ' The weather was mild and the streets were quiet as people went about their day.'.repeat(2);
    for (let i = 0; i < 1500; i++) {
      const p = document.createElement('p');
      p.textContent = (i === 750 ? 'Michael Jordan was there. Jordan smiled.' : `Line ${i}: a flight landed in Baku.`) + filler;
      root.append(p);
    }
    const end = document.createElement('p');
    end.textContent = 'Hashemite Kingdom, Hashemite Kingdom, Hashemite Kingdom.';
    root.append(end);
    root.children[750].scrollIntoView({ block: 'center' });
    // What the page shows as highlighted: painted ranges or wrappers,
    // with their colour group.
    window.shownNow = () => {
      // Registered ranges are StaticRanges: live copies give text and boxes.
      const live = (r) => { const x = r.startContainer.ownerDocument.createRange(); x.setStart(r.startContainer, r.startOffset); x.setEnd(r.endContainer, r.endOffset); return x; };
      const painted = [...CSS.highlights].flatMap(([name, highlight]) => [...highlight].map(live).map((range) => ({
        group: name.replace('entity-highlighter-', ''), text: range.toString(), top: range.getBoundingClientRect().top,
      })));
      const wrapped = [...root.querySelectorAll('entity-mention')].map((element) => ({
        group: element.dataset.type === 'person' ? 'person' : 'place', text: element.textContent, top: element.getBoundingClientRect().top,
      }));
      return [...painted, ...wrapped];
    };
    return root.innerHTML;
  }

  for (const mode of ['paint', 'wrap']) {
    test(`${mode}: the screen's mentions are shown before the whole text is matched, then confirmed and re-ranked`, async () => {
      const { page, pageErrors, consoleErrors } = await open();
      const before = await page.evaluate(fillPage);
      const facts = await page.evaluate(async ({ dictionary, mode }) => {
        const root = document.getElementById('root');
        const local = await window.core.createLocalMatcher({ dictionary });
        // The whole text's matching waits for the test's word, which comes
        // once the test has looked at the page.
        const texts = [];
        let release;
        const released = new Promise((resolve) => { release = resolve; });
        let whileWaiting = null;
        const matcher = {
          info: () => local.info(),
          async match(text) {
            texts.push(text.length);
            if (texts.length === 2) {
              // Two frames: the screen's mentions have had one to show.
              await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
              whileWaiting = window.shownNow();
              await released;
            }
            return local.matchNow(text);
          },
        };
        const highlighter = await window.core.createHighlighter({ root, matcher, mode });
        let settled = false;
        const pass = highlighter.highlight().finally(() => { settled = true; });
        while (whileWaiting === null && !settled) await new Promise((resolve) => setTimeout(resolve, 5));
        release();
        const { mentions } = await pass;
        const jordan = mentions.find((m) => m.text === 'Jordan');
        const after = window.shownNow();
        highlighter.clear();
        return {
          texts,
          viewport: innerHeight,
          whileWaiting,
          mentions: mentions.map((m) => m.start),
          ids: mentions.map((m) => m.id),
          jordan: jordan.candidates.map((c) => c.id),
          jordanElements: jordan.elements.map((element) => [element.dataset.entity, element.dataset.type]),
          after,
          restored: root.innerHTML,
        };
      }, { dictionary, mode });
      const [screen, whole] = facts.texts;
      assert.equal(facts.texts.length, 2, 'the screen, then the whole text');
      assert.ok(screen < whole / 10, `the screen's text (${screen}) is a small part of the whole (${whole})`);
      // While the rest waits: the screen's mentions, and nothing far away.
      assert.ok(facts.whileWaiting.length > 20, `${facts.whileWaiting.length} mentions shown early`);
      for (const { top } of facts.whileWaiting) assert.ok(top > -facts.viewport && top < 2 * facts.viewport, `an early mention at ${top} px`);
      const groups = (list, text) => list.filter((shown) => shown.text === text).map((shown) => shown.group);
      assert.deepEqual(groups(facts.whileWaiting, 'Jordan'), ['person'], 'on screen alone, "Jordan" is the player');
      // After the whole text: every mention once, in text order, and
      // "Jordan" re-ranked by the whole text and shown in its colour.
      assert.equal(facts.mentions.length, 1499 + 2 + 3);
      assert.deepEqual(facts.mentions, [...facts.mentions].sort((a, b) => a - b));
      assert.equal(new Set(facts.ids).size, facts.ids.length);
      assert.deepEqual(facts.jordan, ['country:jordan', 'person:michael-jordan']);
      assert.deepEqual(groups(facts.after, 'Jordan'), ['place']);
      if (mode === 'wrap') assert.deepEqual(facts.jordanElements, [['country:jordan', 'country']]);
      assert.equal(facts.after.length, facts.mentions.length, 'each mention shown once');
      assert.equal(facts.restored, before, 'clear() restores the page exactly');
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });

    test(`${mode}: a failure while matching the rest takes the early mentions off`, async () => {
      const { page, pageErrors } = await open();
      const before = await page.evaluate(fillPage);
      const facts = await page.evaluate(async ({ dictionary, mode }) => {
        const root = document.getElementById('root');
        const local = await window.core.createLocalMatcher({ dictionary });
        let calls = 0;
        let shownBefore = 0;
        const matcher = {
          info: () => local.info(),
          async match(text) {
            calls += 1;
            if (calls === 2) {
              shownBefore = window.shownNow().length;
              throw new Error('the matcher broke');
            }
            return local.matchNow(text);
          },
        };
        const highlighter = await window.core.createHighlighter({ root, matcher, mode });
        const error = await highlighter.highlight().then(() => null, (e) => e.message);
        return { error, shownBefore, shownAfter: window.shownNow().length, held: highlighter.mentions.length, html: root.innerHTML };
      }, { dictionary, mode });
      assert.match(facts.error, /the matcher broke/);
      assert.ok(facts.shownBefore > 20, `${facts.shownBefore} mentions shown early`);
      assert.equal(facts.shownAfter, 0);
      assert.equal(facts.held, 0);
      assert.equal(facts.html, before, 'the page is as it was');
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  }
});

describe('paint mode with thousands of mentions', () => {
  /** 3,000 paragraphs, each naming a person and a city: 6,000 mentions. */
  const addLines = (page) => page.evaluate(() => {
    const root = document.getElementById('root');
    for (let i = 0; i < 3000; i++) {
      const p = document.createElement('p');
      p.textContent = `Line ${i}: Ilham Aliyev landed in Baku.`;
      root.append(p);
    }
  });

  test('only ranges near the viewport are registered, and scrolling paints the rest', async () => {
    const { page, pageErrors, consoleErrors } = await open();
    const registered = () => page.evaluate(() => {
      const names = [...CSS.highlights.keys()];
      const live = (r) => { const x = r.startContainer.ownerDocument.createRange(); x.setStart(r.startContainer, r.startOffset); x.setEnd(r.endContainer, r.endOffset); return x; };
      const ranges = names.flatMap((name) => [...CSS.highlights.get(name)].map(live));
      const rootTop = document.getElementById('root').getBoundingClientRect().top;
      const tops = ranges.map((range) => range.getBoundingClientRect().top - rootTop);
      return { count: ranges.length, lowest: Math.min(...tops), highest: Math.max(...tops), viewport: innerHeight };
    });
    await addLines(page);
    const facts = await page.evaluate(async (dictionary) => {
      const root = document.getElementById('root');
      const highlighter = await window.core.createHighlighter({ root, dictionary, mode: 'paint' });
      window.highlighter = highlighter;
      const { mentions } = await highlighter.highlight();
      return { mentions: mentions.length, height: root.getBoundingClientRect().height };
    }, DICTIONARY);
    assert.equal(facts.mentions, 6000);
    const frames = (n) => page.evaluate((n) => new Promise((resolve) => {
      const step = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
      step(n);
    }), n);
    await frames(3);
    const top = await registered();
    // One screen each way: the first three screens' worth at most.
    assert.ok(top.count > 20 && top.count < 1000, `${top.count} ranges registered at the top`);
    assert.ok(top.lowest < 100, 'the first mention is painted');
    assert.ok(top.highest < top.viewport * 2.5, `nothing far below is registered (${top.highest} px)`);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    // The near watcher reports at most every 100 ms: after a jump, the
    // screen is painted within a few frames of its next report.
    const jumped = Date.now();
    await page.waitForFunction(() => {
      const live = (r) => { const x = r.startContainer.ownerDocument.createRange(); x.setStart(r.startContainer, r.startOffset); x.setEnd(r.endContainer, r.endOffset); return x; };
      return [...CSS.highlights.values()].some((highlight) => [...highlight].map(live).some((range) => range.getBoundingClientRect().top > 0 && range.getBoundingClientRect().bottom < innerHeight));
    });
    assert.ok(Date.now() - jumped < 1000, `the bottom was painted after ${Date.now() - jumped} ms`);
    // Ranges far away go with the next change, or after a short wait.
    let bottom = await registered();
    while (bottom.lowest <= facts.height - bottom.viewport * 3 && Date.now() - jumped < 2000) {
      await frames(3);
      bottom = await registered();
    }
    assert.ok(bottom.count > 20 && bottom.count < 1000, `${bottom.count} ranges registered at the bottom`);
    assert.ok(bottom.highest > facts.height - 100, 'the last mention is painted');
    assert.ok(bottom.lowest > facts.height - bottom.viewport * 3, `the top of the page is no longer registered 2 s after the jump (${JSON.stringify(bottom)})`);
    await screenshot(page, 'paint-near-viewport-bottom');
    // Hovering a mention down here opens its card.
    const box = await page.evaluate(() => {
      const last = [...CSS.highlights.get('entity-highlighter-place')].at(-1);
      const range = document.createRange();
      range.setStart(last.startContainer, last.startOffset);
      range.setEnd(last.endContainer, last.endOffset);
      const rect = range.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await page.mouse.move(box.x, box.y);
    await page.waitForFunction(() => document.querySelector('entity-highlighter-card')?.shadowRoot?.textContent.includes('Capital of Azerbaijan'));
    // clear() removes every range and stops watching.
    const cleared = await page.evaluate(() => {
      window.highlighter.clear();
      return [...CSS.highlights.keys()].length;
    });
    assert.equal(cleared, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await frames(3);
    assert.equal((await registered()).count, 0, 'nothing comes back after clear()');
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  for (const inner of [false, true]) {
  test(`scrolling ${inner ? 'an inner element (an app shell)' : 'the window'} changes the registered ranges about once a screen, and the screen is always painted`, async () => {
    const { page, pageErrors, consoleErrors } = await open();
    await addLines(page);
    // An app shell: the page does not scroll, an element does; the near
    // watcher's margins must widen its clip too, not just the viewport.
    if (inner) await page.evaluate(() => { document.getElementById('root').style.cssText = 'position: fixed; inset: 0; overflow: auto'; });
    const facts = await page.evaluate(async ({ dictionary, inner }) => {
      // Each frame in which the page's highlights changed costs the whole
      // page's paint again: count them.
      const frameNumber = { now: 0 };
      const changedFrames = new Set();
      for (const method of ['add', 'delete', 'clear']) {
        const original = Highlight.prototype[method];
        Highlight.prototype[method] = function (...args) {
          changedFrames.add(frameNumber.now);
          return original.apply(this, args);
        };
      }
      const root = document.getElementById('root');
      const highlighter = await window.core.createHighlighter({ root, dictionary, mode: 'paint' });
      const { mentions } = await highlighter.highlight();
      const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      for (let i = 0; i < 20; i++) await nextFrame();
      changedFrames.clear();
      // Registered ranges by where they start: mention.ranges gives live
      // copies of the StaticRanges that are registered.
      const registered = new Map();
      const unpainted = [];
      const steps = 150;
      for (let step = 1; step <= steps; step++) {
        await nextFrame();
        frameNumber.now = step;
        (inner ? root : window).scrollBy(0, 40);
        // What this frame will show: every mention on screen must be
        // registered by now.
        registered.clear();
        for (const highlight of CSS.highlights.values()) {
          for (const range of highlight) {
            if (!registered.has(range.startContainer)) registered.set(range.startContainer, new Set());
            registered.get(range.startContainer).add(range.startOffset);
          }
        }
        for (const mention of mentions) {
          const [range] = mention.ranges;
          const rect = range.getBoundingClientRect();
          if (rect.bottom > 0 && rect.top < innerHeight && !registered.get(range.startContainer)?.has(range.startOffset)) unpainted.push(`${step}: ${mention.text} at ${Math.round(rect.top)}`);
        }
      }
      highlighter.clear();
      return { mentions: mentions.length, changed: changedFrames.size, scrolled: steps * 40, viewport: innerHeight, unpainted: unpainted.slice(0, 5) };
    }, { dictionary: DICTIONARY, inner });
    assert.equal(facts.mentions, 6000);
    assert.deepEqual(facts.unpainted, [], 'every mention on screen was painted in every frame');
    const screens = facts.scrolled / facts.viewport;
    // Before batching, ranges came and went on nearly every frame.
    assert.ok(facts.changed >= 2 && facts.changed <= Math.ceil(screens) + 2, `the highlights changed in ${facts.changed} of 150 frames over ${screens.toFixed(1)} screens`);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
  }
});
