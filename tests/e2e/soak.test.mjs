// A page that keeps changing at random under an observing highlighter, in
// both modes. Hand-written tests cover each kind of change alone; this one
// interleaves them with passes still under way (changes land between a
// pass's slices, during its matching, in the middle of its DOM work), and
// then checks what must hold whatever the order:
//  - the page's text is its own: #mirror, changed in exactly the same way
//    but never highlighted, has the same text, and once the marks are
//    cleared, the same markup;
//  - every mark stands on its mention's text, and nothing else is marked;
//  - the mentions found incrementally are those a fresh pass finds.
// The changes come from a seeded generator, so a failure names its seed;
// the timing of passes still varies from run to run, which is the point.
// A longer soak: SOAK_SEEDS=1,2,3 SOAK_CHANGES=1000 node --test tests/e2e/soak.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, NEWS_DICTIONARY, openPage, startServer } from './harness.mjs';

// The live pages' dictionary, and a name with an all-capital alias.
const DICTIONARY = {
  entities: [
    ...NEWS_DICTIONARY.entities,
    { id: 'org:un', name: 'United Nations', type: 'organization', summary: 'An intergovernmental organisation.', aliases: ['UN'] },
  ],
};

const SEEDS = process.env.SOAK_SEEDS ? process.env.SOAK_SEEDS.split(',').map(Number) : [20261205, 7];
const CHANGES = Number(process.env.SOAK_CHANGES) || 300;

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

/**
 * Runs in the page: `count` random changes, each made to #root and to
 * #mirror alike, with random pauses (none, a timer, a frame) between some
 * of them. Elements are found by the `data-k` key the page gives each one
 * it makes, so both trees are changed at the same places. In wrap mode the
 * changes are those of element-level code (textContent, innerHTML, cloneNode,
 * append, move, remove, attributes): a script that edits a text node it
 * kept a reference to may find it split by wrappers, which README states.
 * Paint mode leaves the page's nodes alone, so there changes also edit
 * text nodes in place. Returns the changes made, by kind.
 */
async function churn({ seed, count, textNodeEdits }) {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  window.churnLog = [];
  const pick = (list) => list[Math.floor(random() * list.length)];
  const names = ['Baku', 'Yerevan', 'Ilham Aliyev', 'Nikol Pashinyan', 'Georgia', 'Central Asia', 'United Nations', 'the UN', 'GEORGIA', 'Bakunin'];
  const filler = ['talks', 'in', 'resumed', 'with', 'delegates', 'from', 'near', 'the', 'border', 'after', 'a', 'long', 'pause', 'and'];
  const sentence = () => {
    const words = [];
    const length = 2 + Math.floor(random() * 9);
    for (let i = 0; i < length; i++) words.push(random() < 0.3 ? pick(names) : pick(filler));
    return words.join(' ') + (random() < 0.5 ? '.' : '');
  };
  // Markup a page might set: names split by inline elements, a line break.
  const fragments = [
    () => `Talks with <b>Nikol</b> Pashinyan in <i>Yere</i>van.`,
    () => `${sentence()}<br>${sentence()}`,
    () => `<span>Ilham</span> <span>Aliyev</span> met <em>${sentence()}</em>`,
    () => `<a href="#x">United</a> Nations envoy in <strong>Baku</strong>`,
    () => sentence(),
  ];
  const root = document.getElementById('root');
  const mirror = document.getElementById('mirror');
  let nextKey = 0;
  const keys = [];
  let touched = [];
  const both = (key) => {
    touched.push(key);
    const a = root.querySelector(`[data-k="${key}"]`);
    const b = mirror.querySelector(`[data-k="${key}"]`);
    return a && b ? [a, b] : null;
  };
  const made = (tag, text) => {
    const key = String(nextKey++);
    keys.push(key);
    return [root, mirror].map(() => {
      const element = document.createElement(tag);
      element.dataset.k = key;
      if (text !== undefined) element.textContent = text;
      return element;
    });
  };
  const containers = () => ['root', ...keys.filter((key) => root.querySelector(`section[data-k="${key}"]`) && mirror.querySelector(`section[data-k="${key}"]`))];
  const place = (key) => (key === 'root' ? [root, mirror] : both(key));
  const kinds = {};
  /** Appends a new `tag` element (its text from `text()`, if given) to a
   * random container, in both trees. */
  const add = (tag, text) => {
    const target = place(pick(containers()));
    if (!target) return false;
    const [a, b] = made(tag, text?.());
    target[0].append(a);
    target[1].append(b);
    return true;
  };
  /** Changes a random keyed element (of tag `only`, if given) in both
   * trees: `prepare()` draws what the change needs once, after the element
   * is picked, and returns the change to make to each tree's copy. */
  const onBoth = (only, prepare) => {
    const pair = both(pick(keys));
    if (!pair || (only && pair[0].tagName !== only)) return false;
    const change = prepare();
    for (const element of pair) change(element);
    return true;
  };
  const changes = {
    addParagraph: () => add('p', sentence),
    addSection: () => add('section'),
    setText: () => onBoth(null, () => {
      const text = sentence();
      return (element) => { element.textContent = text; };
    }),
    setMarkup: () => onBoth('P', () => {
      const markup = pick(fragments)();
      return (element) => { element.innerHTML = markup; };
    }),
    appendText: () => onBoth(null, () => {
      const text = ` ${sentence()}`;
      return (element) => element.append(text);
    }),
    remove: () => onBoth(null, () => (element) => element.remove()),
    move() {
      const moving = both(pick(keys));
      const target = place(pick(containers()));
      if (!moving || !target || moving[0].contains(target[0])) return false;
      const atStart = random() < 0.5;
      for (let i = 0; i < 2; i++) {
        if (atStart) target[i].prepend(moving[i]);
        else target[i].append(moving[i]);
      }
      return true;
    },
    // A slider or a framework copying a block it shows elsewhere.
    cloneAfter: () => onBoth(null, () => (element) => {
      const copy = element.cloneNode(true);
      for (const keyed of [copy, ...copy.querySelectorAll('[data-k]')]) keyed.dataset.k += 'c';
      element.after(copy);
    }),
    toggleHidden: () => onBoth(null, () => (element) => { element.hidden = !element.hidden; }),
    toggleEditable: () => onBoth('P', () => (element) => {
      if (element.hasAttribute('contenteditable')) element.removeAttribute('contenteditable');
      else element.setAttribute('contenteditable', 'true');
    }),
    normalize: () => onBoth(null, () => (element) => element.normalize()),
    // Paint mode only (textNodeEdits): a text node edited in place, as a
    // framework updates the node it rendered.
    editTextNode() {
      const pair = both(pick(keys));
      if (!pair) return false;
      const texts = pair.map((element) => [...element.childNodes].filter((node) => node.nodeType === 3));
      if (texts[0].length === 0 || texts[0].length !== texts[1].length) return false;
      const index = Math.floor(random() * texts[0].length);
      const words = ` ${pick(names)} `;
      const at = Math.floor(random() * (texts[0][index].length + 1));
      const cut = Math.floor(random() * 4);
      for (const nodes of texts) {
        const node = nodes[index];
        node.replaceData(Math.min(at, node.length), cut, words);
      }
      return true;
    },
    splitTextNode() {
      const pair = both(pick(keys));
      if (!pair) return false;
      const first = pair.map((element) => element.firstChild);
      if (!first[0] || first[0].nodeType !== 3 || first[0].length < 2) return false;
      const at = 1 + Math.floor(random() * (first[0].length - 1));
      for (const node of first) node.splitText(at);
      return true;
    },
  };
  const kindNames = Object.keys(changes).filter((kind) => textNodeEdits || (kind !== 'editTextNode' && kind !== 'splitTextNode'));
  // A start the highlighter has seen whole.
  for (let i = 0; i < 12; i++) changes.addParagraph();
  for (let done = 0; done < count;) {
    // Growth first, then a mix; the page never empties for long.
    const kind = keys.length < 8 ? 'addParagraph' : pick(kindNames);
    touched = [];
    if (!changes[kind]()) continue;
    window.churnLog.push(`${kind}:${touched.join(',')}`);
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    done += 1;
    const pause = random();
    if (pause < 0.4) continue;
    if (pause < 0.55) await new Promise((resolve) => requestAnimationFrame(resolve));
    else await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 45)));
  }
  return kinds;
}

/** Resolves once the highlighter has made no pass for `quietMs`. */
async function settled(page, quietMs = 800) {
  for (;;) {
    const before = await page.evaluate(() => window.updates);
    await page.waitForTimeout(quietMs);
    if ((await page.evaluate(() => window.updates)) === before) return;
  }
}

/** What the highlighter shows, read back from the page itself. */
const shown = (page) => page.evaluate(() => {
  const root = document.getElementById('root');
  // Where a mention is: the keys of the elements around it, innermost
  // first (H: hidden, E: editable), so a failure says where lists differ.
  const where = (mention) => {
    const node = mention.elements?.[0] ?? mention.ranges?.[0]?.startContainer ?? null;
    const path = [];
    for (let up = node?.nodeType === 1 ? node : node?.parentElement; up && up.id !== 'root'; up = up.parentElement) {
      if (up.dataset?.k) path.push(`${up.dataset.k}${up.hidden ? 'H' : ''}${up.isContentEditable ? 'E' : ''}`);
    }
    return path.join('<');
  };
  // Marks in text the page hides after they were made stay where they
  // are (unseen, and ready if it shows the text again); a fresh pass
  // skips hidden text. Only the mentions on show are compared.
  const onShow = (mention) => {
    const node = mention.elements?.[0] ?? mention.ranges?.[0]?.startContainer;
    const element = node?.nodeType === 1 ? node : node?.parentElement;
    return element?.checkVisibility() ?? false;
  };
  const list = (mentions) => mentions.filter(onShow).map((mention) => `${mention.text} -> ${mention.entity.id} @${where(mention)}`);
  const mentions = window.highlighter.mentions;
  const problems = [];
  if (window.highlighter.mode === 'wrap') {
    const wrappers = new Set(root.querySelectorAll('entity-mention'));
    let marked = 0;
    for (const mention of mentions) {
      const text = mention.elements.map((element) => element.textContent).join('');
      if (text !== mention.text) problems.push(`the marks of "${mention.text}" hold "${text}"`);
      for (const element of mention.elements) {
        if (!wrappers.has(element)) problems.push(`a mark of "${mention.text}" is not a wrapper in the page`);
        marked += 1;
      }
    }
    if (marked !== wrappers.size) problems.push(`${wrappers.size} wrappers in the page for ${marked} marks`);
  } else {
    const painted = [];
    for (const [name, highlight] of CSS.highlights) {
      if (!name.startsWith('entity-highlighter-')) continue;
      for (const range of highlight) {
        const copy = document.createRange();
        try {
          copy.setStart(range.startContainer, range.startOffset);
          copy.setEnd(range.endContainer, range.endOffset);
        } catch {
          problems.push('a painted range lies outside its text node');
          continue;
        }
        if (!root.contains(range.startContainer)) problems.push(`a painted range on "${copy}" is not in the page`);
        painted.push(copy.toString());
      }
    }
    // Fewer than 2,000 mentions: every one is registered, none twice.
    const expected = mentions.map((mention) => mention.text);
    if (JSON.stringify(painted.slice().sort()) !== JSON.stringify(expected.slice().sort())) {
      problems.push(`painted ${JSON.stringify(painted)} for mentions ${JSON.stringify(expected)}`);
    }
  }
  return { mentions: list(mentions), problems };
});

for (const mode of ['wrap', 'paint']) {
  describe(`soak (${mode})`, () => {
    for (const seed of SEEDS) {
      test(`observe: ${mode}, random page changes (seed ${seed}) leave the page's own text and markup, and the mentions a fresh pass finds`, async () => {
        const { page, consoleErrors, pageErrors } = await openPage(browser, `${server.url}/tests/e2e/pages/soak.html`);
        await page.waitForFunction(() => window.coreReady === true);
        await page.evaluate(async ({ dictionary, mode }) => {
          window.updates = 0;
          window.highlighter = await window.core.createHighlighter({
            root: document.getElementById('root'),
            dictionary,
            mode,
            observe: true,
            onUpdate: () => { window.updates += 1; },
          });
          await window.highlighter.highlight();
        }, { dictionary: DICTIONARY, mode });
        const kinds = await page.evaluate(churn, { seed, count: CHANGES, textNodeEdits: mode === 'paint' });
        await settled(page);
        const context = `seed ${seed}, changes ${JSON.stringify(kinds)}`;

        const sameText = await page.evaluate(() => [document.getElementById('root').textContent, document.getElementById('mirror').textContent]);
        assert.equal(sameText[0], sameText[1], `the page's text is its own (${context})`);
        const live = await shown(page);
        assert.deepEqual(live.problems, [], context);
        // The default seeds leave names on show, so the comparisons below
        // compare something; another seed may end with all of it hidden.
        if (!process.env.SOAK_SEEDS) assert.ok(live.mentions.length > 0, `something to highlight is left (${context})`);

        // Cleared, the page is exactly what it would be without us.
        const markup = await page.evaluate(() => {
          window.highlighter.clear();
          const painted = [...CSS.highlights.keys()].filter((name) => name.startsWith('entity-highlighter-')).reduce((sum, name) => sum + CSS.highlights.get(name).size, 0);
          return { root: document.getElementById('root').innerHTML, mirror: document.getElementById('mirror').innerHTML, painted };
        });
        assert.equal(markup.root, markup.mirror, `markup after clear() (${context})`);
        assert.equal(markup.painted, 0, 'clear() unregisters every range');

        // A fresh pass over the final page finds what the changes left.
        await page.evaluate(() => window.highlighter.highlight());
        const fresh = await shown(page);
        assert.deepEqual(fresh.problems, [], context);
        // On a mismatch, every change made and the keys it touched: the
        // history of the places that differ.
        if (JSON.stringify(live.mentions) !== JSON.stringify(fresh.mentions)) console.log(JSON.stringify({ live: live.mentions, fresh: fresh.mentions, log: await page.evaluate(() => window.churnLog) }));
        assert.deepEqual(live.mentions, fresh.mentions, `incremental and fresh mentions (${context})`);
        assert.deepEqual(consoleErrors, []);
        assert.deepEqual(pageErrors, []);
        await page.close();
      });
    }
  });
}
