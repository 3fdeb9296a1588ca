// Security in the browser (issue 6): a page under Trusted Types, script
// injection through page text and dictionaries, link schemes, and
// dictionary downloads that fail or never finish.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const TRUSTED_TYPES_CSP = "require-trusted-types-for 'script'; trusted-types 'none'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

let server;
let browser;

before(async () => {
  server = await startServer({
    testRoutes: true,
    // One page, served under a policy chosen by query (?csp=trusted-types).
    headers: (pathname, query) => (query.get('csp') === 'trusted-types' ? { 'Content-Security-Policy': TRUSTED_TYPES_CSP } : {}),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = '') {
  const opened = await openPage(browser, `${server.url}/tests/e2e/pages/hostile.html${query}`);
  await opened.page.waitForFunction(() => window.coreReady === true);
  return opened;
}

/** Every element and attribute reachable from the document (open shadow
 * roots, the card's included), as "tag attr attr ..." lines. */
function census(page) {
  return page.evaluate(() => {
    const lines = [];
    const visit = (scope) => {
      for (const element of scope.querySelectorAll('*')) {
        lines.push([element.localName, ...[...element.attributes].map((a) => a.name)].join(' '));
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    return lines;
  });
}

describe('Trusted Types', () => {
  for (const mode of ['wrap', 'paint']) {
    test(`a page under require-trusted-types-for 'script' highlights, opens cards by hover and keyboard, and clears (${mode})`, async () => {
      const { page, consoleErrors, pageErrors } = await open('?csp=trusted-types');
      // The policy is really in force: an HTML sink throws.
      const enforced = await page.evaluate(() => {
        try {
          document.createElement('div').innerHTML = '<b>x</b>';
          return false;
        } catch (error) {
          return error instanceof TypeError;
        }
      });
      assert.equal(enforced, true, 'innerHTML is refused on this page');
      // That probe's own violation is the only one expected.
      assert.equal(await page.evaluate(() => window.violations.splice(0).map((v) => v.directive).join()), 'require-trusted-types-for');
      assert.ok(consoleErrors.splice(0).every((line) => /TrustedHTML/.test(line)));
      await page.evaluate(() => window.hostile.article(document.getElementById('root'), { paragraphs: 12 }));
      // The bundled dictionary by its default URL: fetch, WASM and all.
      const facts = await page.evaluate(async (mode) => {
        const root = document.getElementById('root');
        const before = window.hostile.describe(document.documentElement);
        window.highlighter = await window.core.createHighlighter({ root, mode });
        const { mentions } = await window.highlighter.highlight();
        return { mentions: mentions.length, before: before.lines.length };
      }, mode);
      assert.ok(facts.mentions >= 40, `${facts.mentions} mentions`);

      // Hover.
      const point = await page.evaluate(() => {
        const mention = window.highlighter.mentions[1];
        const rect = (mention.elements[0] ?? mention.ranges[0]).getClientRects()[0];
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      });
      await page.mouse.move(point.x, point.y);
      await page.waitForFunction(() => {
        const host = window.check.cardHost();
        return host && !host.hidden;
      });
      const cardText = await page.evaluate(() => window.check.cardHost().shadowRoot.textContent);
      assert.ok(cardText.length > 10);
      await page.mouse.move(5, 5);
      await page.waitForFunction(() => window.check.cardHost()?.hidden === true);

      if (mode === 'wrap') {
        // Keyboard: focus opens, Enter moves in, Escape goes back.
        await page.focus('entity-mention[tabindex]');
        await page.waitForFunction(() => window.check.cardHost()?.hidden === false);
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => window.check.cardHost().shadowRoot.activeElement?.getAttribute('role')), 'dialog');
        await page.keyboard.press('Escape');
        assert.equal(await page.evaluate(() => document.activeElement?.localName), 'entity-mention');
      }

      const cleared = await page.evaluate(() => {
        window.highlighter.clear();
        return { wrappers: document.querySelectorAll('entity-mention').length, card: window.check.cardHost() };
      });
      assert.equal(cleared.wrappers, 0);
      assert.equal(cleared.card, null);
      assert.deepEqual(await page.evaluate(() => window.violations), [], 'no CSP or Trusted Types violation');
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(pageErrors.map(String), []);
      await page.close();
    });
  }
});

// Payloads that would set window.__pwned if any of them ever ran.
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload=window.__pwned=3>',
  "'><iframe srcdoc=\"<script>parent.__pwned=4</script>\">",
  'javascript:window.__pwned=5',
  "{{constructor.constructor('window.__pwned=6')()}}",
  '${window.__pwned=7}',
  '&lt;img src=x onerror=window.__pwned=8&gt; &amp;',
  '</style><style>*{display:none!important}</style>',
  '<template><img src=x onerror=window.__pwned=9></template>',
  '<a href="javascript:window.__pwned=10">Reuters</a>',
  'x" style="background:url(javascript:window.__pwned=11)',
];

describe('script injection', () => {
  test('payloads in page text and in every dictionary field run nothing and show as text', async () => {
    const { page, consoleErrors, pageErrors } = await open();
    const dictionary = {
      name: '<img src=x onerror=window.__pwned=20>',
      entities: PAYLOADS.map((payload, i) => ({
        // Ids may hold anything but white space.
        id: `x${i}"><img/src=x/onerror=window.__pwned=${30 + i}>`,
        name: `Payload${i} ${payload}`,
        type: 'person',
        aliases: [payload.replace(/[<>]/g, '') + ` Alias${i}`],
        summary: `${payload} — summary ${i} </p><script>window.__pwned=${50 + i}</script>`,
        url: `https://example.org/${i}?q="><img/src=x/onerror=window.__pwned=${70 + i}>`,
      })),
    };
    const before = await census(page);
    const facts = await page.evaluate(async ({ dictionary, payloads }) => {
      const root = document.getElementById('root');
      // Page text holds the payloads too, as text, next to real names.
      for (const [i, payload] of payloads.entries()) {
        const p = document.createElement('p');
        p.textContent = `Paris ${payload} then Payload${i} ${payload} and Berlin.`;
        root.append(p);
      }
      const text = root.textContent;
      const results = {};
      // Paint first: it leaves the DOM alone for the wrap pass after it.
      for (const mode of ['paint', 'wrap']) {
        const highlighter = await window.core.createHighlighter({ root, mode, dictionary });
        const { mentions } = await highlighter.highlight();
        results[mode] = mentions.map((m) => m.text);
        if (mode === 'wrap') window.highlighter = highlighter;
        else highlighter.destroy();
      }
      return { results, textKept: root.textContent === text };
    }, { dictionary, payloads: PAYLOADS });
    assert.equal(facts.textKept, true);
    for (const [i, payload] of PAYLOADS.entries()) {
      assert.ok(facts.results.wrap.includes(`Payload${i} ${payload}`), `"Payload${i} ${payload}" is highlighted: ${JSON.stringify(facts.results.wrap)}`);
    }
    assert.deepEqual(facts.results.paint, facts.results.wrap);

    // Open every payload's card and read it back.
    const shown = [];
    for (let i = 0; i < PAYLOADS.length; i++) {
      const card = await page.evaluate(async (i) => {
        const mention = window.highlighter.mentions.find((m) => m.entity.name.startsWith(`Payload${i} `));
        mention.elements[0].focus();
        const dialog = window.check.cardHost().shadowRoot.querySelector('[role="dialog"]');
        const link = dialog.querySelector('a');
        return {
          name: dialog.querySelector('h2').textContent,
          summary: dialog.querySelector('.summary').textContent,
          href: link?.getAttribute('href'),
          linkAttributes: link ? [...link.attributes].map((a) => a.name).sort() : [],
          tags: [...dialog.querySelectorAll('*')].map((e) => e.localName),
          // Long unbreakable payloads must wrap inside the card, not run
          // past its edge.
          overflow: dialog.scrollWidth - dialog.clientWidth,
        };
      }, i);
      shown.push(card);
      assert.equal(card.name, `Payload${i} ${PAYLOADS[i]}`);
      assert.equal(card.summary, dictionary.entities[i].summary);
      assert.equal(card.href, dictionary.entities[i].url, 'the link is the URL as given, set as a property');
      assert.deepEqual(card.linkAttributes, ['aria-label', 'class', 'href', 'rel', 'target']);
      // The button is the small-screen sheet's close button (hidden here).
      assert.ok(card.tags.every((tag) => ['button', 'section', 'p', 'h2', 'a'].includes(tag)), card.tags.join(' '));
      assert.ok(card.overflow <= 0, `card ${i}'s text runs ${card.overflow} px past its edge`);
    }
    await screenshot(page, 'security-payload-card');
    // Give an error handler or a load event every chance to fire.
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no payload ran');
    // Nothing new but the highlighter's own elements, none with a handler.
    const afterCensus = await census(page);
    const added = afterCensus.filter((line) => !before.includes(line));
    const allowed = /^(p|entity-mention( data-mention| data-owner| data-entity| data-type| tabindex| role| aria-haspopup| aria-expanded| aria-label| aria-description| data-focus)*|entity-highlighter-card( data-entity-highlighter| hidden| class| style| data-placement| popover)*|div( class| role| aria-modal| tabindex| id| aria-labelledby| aria-describedby| dir)*|button( type| class| aria-label)*|section( class)*|h2( class| id| dir)*|p( class| id| dir)*|a( class| href| target| rel| aria-label)*)$/;
    assert.deepEqual(added.filter((line) => !allowed.test(line)), [], 'only the highlighter\'s own elements and attributes were added');
    assert.ok(afterCensus.every((line) => !/ on\w+/.test(line)), 'no element has an event-handler attribute');
    await page.evaluate(() => window.highlighter.clear());
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

// Links that must never be followable. Each would be refused by the loader;
// the card refuses them again for matchers that bypass it.
const BAD_LINKS = [
  'javascript:window.__pwned=1',
  'JAVASCRIPT:window.__pwned=2',
  ' JaVaScRiPt:window.__pwned=3',
  'java\tscript:window.__pwned=4',
  'java\nscript:window.__pwned=5',
  '\u0001javascript:window.__pwned=6',
  'data:text/html,<script>parent.__pwned=7</script>',
  'DATA:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD04PC9zY3JpcHQ+',
  'vbscript:msgbox(1)',
  '/wiki/Relative',
  'wiki/Relative',
  '//evil.example/protocol-relative',
  'https:evil.example',
  'http:/evil.example',
  'blob:https://example.org/0',
  'file:///etc/passwd',
  ' https://example.org/leading-space',
];
const GOOD_LINKS = ['https://example.org/a', 'http://example.org/b', 'HTTPS://EXAMPLE.ORG/c', 'HtTp://example.org/d'];

describe('links', () => {
  test('the loader refuses every non-http(s) link, each with where it is', async () => {
    const { page } = await open();
    const error = await page.evaluate(async (links) => {
      const entities = links.map((url, i) => ({ id: `e${i}`, name: `Name${i}`, type: 'city', summary: 's', url }));
      try {
        await window.core.createHighlighter({ root: document.getElementById('root'), dictionary: { entities } });
        return null;
      } catch (error) {
        return { kind: error.kind, problems: error.problems };
      }
    }, BAD_LINKS);
    assert.equal(error?.kind, 'dictionary');
    assert.deepEqual(error.problems.map((p) => p.location), BAD_LINKS.map((_, i) => `entities[${i}] (id "e${i}"), url`));
    await page.close();
  });

  test('a card shows a link only for http: and https:, whatever a matcher hands it', async () => {
    const { page, consoleErrors, pageErrors } = await open();
    const links = [...BAD_LINKS, ...GOOD_LINKS];
    const cards = await page.evaluate(async (links) => {
      const root = document.getElementById('root');
      for (const [i] of links.entries()) {
        const p = document.createElement('p');
        p.textContent = `A visit to Name${i}.`;
        root.append(p);
      }
      // A matcher bypasses the loader's checks, as the extension's
      // service worker could if it were wrong.
      const records = links.map((url, i) => ({ id: `e${i}`, name: `Name${i}`, type: 'city', summary: 's', url }));
      const matcher = {
        info: async () => ({ entityCount: records.length, types: { city: records.length } }),
        match: async (text) => {
          const triples = [];
          const entities = {};
          for (const [i, record] of records.entries()) {
            const at = text.indexOf(`${record.name}.`);
            if (at >= 0) {
              triples.push(at, at + record.name.length, i);
              entities[i] = record;
            }
          }
          // Triples in text order.
          const sorted = [];
          for (let i = 0; i < triples.length; i += 3) sorted.push(triples.slice(i, i + 3));
          sorted.sort((a, b) => a[0] - b[0]);
          return { triples: sorted.flat(), entities };
        },
      };
      const highlighter = await window.core.createHighlighter({ root, matcher });
      const { mentions } = await highlighter.highlight();
      const out = [];
      for (const mention of mentions) {
        mention.elements[0].focus();
        const dialog = window.check.cardHost().shadowRoot.querySelector('[role="dialog"]');
        out.push({ url: mention.entity.url, anchors: [...dialog.querySelectorAll('a')].map((a) => a.getAttribute('href')) });
      }
      return out;
    }, links);
    assert.equal(cards.length, links.length);
    for (const card of cards) {
      if (GOOD_LINKS.includes(card.url)) assert.deepEqual(card.anchors, [card.url], `${JSON.stringify(card.url)} is a link`);
      else assert.deepEqual(card.anchors, [], `${JSON.stringify(card.url)} is not a link`);
    }
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('dictionary downloads that fail', () => {
  test('404, refused connection, wrong content, a malformed dictionary, no answer and a stalled body: each a clear error, the page untouched, and a good dictionary works after', async () => {
    const { page } = await open();
    const closed = await startServer();
    const refusedUrl = `${closed.url}/data/world-news.json`;
    await closed.close();
    const cases = [
      { name: '404', dictionary: '/data/no-such-dictionary.json', message: /\/data\/no-such-dictionary\.json: HTTP 404/ },
      { name: 'connection refused', dictionary: refusedUrl, message: new RegExp(`${refusedUrl.replace(/[.:/]/g, '\\$&')}: `) },
      { name: 'HTML instead of JSON', dictionary: '/tests/e2e/pages/hostile.html', message: /^the dictionary at http:\/\/127\.0\.0\.1:\d+\/tests\/e2e\/pages\/hostile\.html is an HTML page, not a dictionary/ },
      { name: 'WASM bytes instead of JSON', dictionary: '/www/pkg/entity_highlighter_bg.wasm', message: /the dictionary at .*entity_highlighter_bg\.wasm was refused/ },
      { name: 'malformed dictionary', dictionary: '/tests/e2e/pages/bad-dictionary.json', message: /the dictionary at .*bad-dictionary\.json was refused: 4 problems/, problems: ['entities[1] (id "city:no-name"), name', 'entities[2] (id "city:bad-type"), type', 'entities[3] (id "city:good"), id', 'entities[4] (id "city:bad-link"), url'] },
      { name: 'no answer', dictionary: '/__test/stall', fetchTimeout: 500, message: /\/__test\/stall: no complete answer within 0\.5 s/ },
      { name: 'a body that stops', dictionary: '/__test/stall-body', fetchTimeout: 500, message: /\/__test\/stall-body: no complete answer within 0\.5 s/ },
    ];
    const outcomes = await page.evaluate(async (cases) => {
      const root = document.getElementById('root');
      window.hostile.article(root, { paragraphs: 5 });
      const before = window.hostile.describe(document.documentElement);
      const out = [];
      for (const { name, dictionary, fetchTimeout } of cases) {
        const began = performance.now();
        try {
          await window.core.createHighlighter({ root, dictionary, ...(fetchTimeout ? { fetchTimeout } : {}) });
          out.push({ name, created: true });
        } catch (error) {
          out.push({
            name,
            isError: error instanceof window.core.HighlighterError,
            kind: error.kind,
            message: error.message,
            problems: error.problems,
            ms: performance.now() - began,
            untouched: window.hostile.difference(before, window.hostile.describe(document.documentElement)),
          });
        }
      }
      const good = await window.core.createHighlighter({ root, dictionary: '/data/world-news.json' });
      const { mentions } = await good.highlight();
      good.clear();
      return { out, goodMentions: mentions.length, restored: window.hostile.difference(before, window.hostile.describe(document.documentElement)) };
    }, cases.map(({ name, dictionary, fetchTimeout }) => ({ name, dictionary, fetchTimeout })));
    for (const [i, expected] of cases.entries()) {
      const outcome = outcomes.out[i];
      console.log(`${expected.name}: ${outcome.kind} error after ${Math.round(outcome.ms)} ms: ${outcome.message?.split('\n')[0]}`);
      assert.equal(outcome.isError, true, expected.name);
      assert.equal(outcome.kind, 'dictionary', expected.name);
      assert.match(outcome.message, expected.message);
      assert.equal(outcome.untouched, null, `${expected.name}: the page is untouched`);
      if (expected.located) assert.match(outcome.problems[0].location, expected.located);
      if (expected.problems) assert.deepEqual(outcome.problems.map((p) => p.location), expected.problems);
      if (expected.fetchTimeout) assert.ok(outcome.ms < expected.fetchTimeout + 1500, `${expected.name}: gave up after ${Math.round(outcome.ms)} ms`);
    }
    assert.ok(outcomes.goodMentions >= 20);
    assert.equal(outcomes.restored, null);
    await page.close();
  });

  test('fetchTimeout must be a positive number', async () => {
    const { page } = await open();
    const kinds = await page.evaluate(async () => {
      const out = [];
      for (const fetchTimeout of [0, -1, '500', Infinity, NaN]) {
        try {
          await window.core.createHighlighter({ root: document.getElementById('root'), fetchTimeout });
          out.push('created');
        } catch (error) {
          out.push(error.kind);
        }
      }
      return out;
    });
    assert.deepEqual(kinds, ['option', 'option', 'option', 'option', 'option']);
    await page.close();
  });
});
