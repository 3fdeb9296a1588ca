// End-to-end tests of the blog widget (www/widget/, bundled by
// scripts/build-widget.mjs into www/dist/widget/): the sample blog, the
// page's Content-Security-Policy with and without 'wasm-unsafe-eval', the
// data attributes, and isolation from the page's CSS in both directions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, screenshot, startServer } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BLOG = '/www/widget/sample-blog.html';
const FIXTURE = '/tests/e2e/pages/widget-fixture.html';
const WIDGET_SRC = '/www/dist/widget/entity-highlighter.js';
const GOOD_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const NO_WASM_CSP = "script-src 'self'";

const BUNDLED = JSON.parse(readFileSync(path.join(ROOT, 'www', 'pkg', 'world-news.json'), 'utf8'));
const summaryOf = (name) => BUNDLED.entities.find((entity) => entity.name === name).summary;

/** A dictionary the tests serve (through page.route) at a URL of their choosing. */
const ROUTED_DICTIONARY = {
  name: 'Routed test dictionary',
  entities: [
    { id: 'person:nikol-pashinyan', name: 'Nikol Pashinyan', type: 'person', summary: 'Routed: Prime Minister of Armenia.' },
    { id: 'place:dry-bridge', name: 'Dry Bridge', type: 'market', summary: 'Routed: a flea market in Tbilisi.' },
  ],
};

let plain; // no extra headers
let goodCsp; // the sample blog with a strict CSP that allows WebAssembly
let noWasmCsp; // the sample blog with a CSP that forbids it
let browser;

before(async () => {
  // Always rebuild: it takes well under a second, and a stale bundle would
  // test old code.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-widget.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const cspFor = (policy) => (pathname) => (pathname === BLOG ? { 'Content-Security-Policy': policy } : {});
  [plain, goodCsp, noWasmCsp] = await Promise.all([
    startServer(),
    startServer({ headers: cspFor(GOOD_CSP) }),
    startServer({ headers: cspFor(NO_WASM_CSP) }),
  ]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([plain, goodCsp, noWasmCsp].map((server) => server?.close()));
});

/**
 * Opens `url` with a `securitypolicyviolation` listener installed before any
 * of the page's own code runs; `violations()` returns what it saw.
 */
async function openWatched(url, options = {}) {
  const opened = await openPage(browser, 'about:blank', options);
  await opened.page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'}`);
    });
  });
  await opened.page.goto(url);
  opened.violations = () => opened.page.evaluate(() => window.__violations);
  return opened;
}

/** Waits for the widget on the page to finish; returns what it did. */
function widgetOutcome(page) {
  return page.evaluate(async () => {
    while (!window.entityHighlighterWidget) await new Promise((resolve) => setTimeout(resolve, 20));
    const widget = window.entityHighlighterWidget;
    const result = await widget.ready;
    const wrappers = [...document.querySelectorAll('entity-mention')];
    return {
      ok: result !== null,
      error: widget.error ? String(widget.error.message) : null,
      hasHighlighter: widget.highlighter !== null,
      mentions: result ? result.mentions.map((m) => ({ text: m.text.replace(/\u00a0/g, ' '), id: m.entity.id, type: m.entity.type })) : [],
      wrappers: wrappers.length,
      wrapperTypes: [...new Set(wrappers.map((w) => w.dataset.type))],
      outsideArticle: wrappers.filter((w) => !w.closest('article')).map((w) => w.textContent),
      adoptedSheets: document.adoptedStyleSheets.length,
    };
  });
}

/**
 * Adds the widget's <script> tag with `attributes` to the head of an already
 * loaded page (as a tag manager would) and waits for the widget.
 */
async function injectWidget(page, attributes) {
  await page.evaluate(async ({ src, attributes }) => {
    const script = document.createElement('script');
    script.src = src;
    for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${src}`));
    });
    document.head.append(script);
    await loaded;
  }, { src: WIDGET_SRC, attributes });
  return widgetOutcome(page);
}

/** Hovers a mention for 400 ms; returns the open card's text and styles. */
async function hoverCard(page, text, { within = 'article' } = {}) {
  const mention = page.locator(`${within} entity-mention`, { hasText: text }).first();
  await mention.scrollIntoViewIfNeeded();
  await mention.hover();
  await page.waitForTimeout(400);
  // Playwright's CSS locators pierce open shadow roots: the card's dialog.
  const dialog = page.locator('[role="dialog"]');
  await dialog.waitFor({ state: 'visible', timeout: 2000 });
  return dialog.evaluate((element) => {
    const style = getComputedStyle(element);
    const host = element.getRootNode().host;
    const hostStyle = getComputedStyle(host);
    const pick = (s, names) => Object.fromEntries(names.map((name) => [name, s.getPropertyValue(name)]));
    return {
      text: element.textContent,
      style: pick(style, ['background-color', 'color', 'width', 'box-sizing', 'padding-top', 'padding-left', 'border-top-width',
        'border-top-left-radius', 'font-family', 'font-size', 'line-height', 'font-weight', 'letter-spacing', 'text-transform', 'display']),
      host: pick(hostStyle, ['display', 'position', 'visibility', 'opacity']),
    };
  });
}

describe('the sample blog', () => {
  test('highlights only the post, opens a card with a summary on hover, logs no errors', async () => {
    const { page, consoleErrors, pageErrors } = await openPage(browser, `${plain.url}${BLOG}`);
    const outcome = await widgetOutcome(page);
    assert.ok(outcome.ok, outcome.error);
    assert.ok(outcome.mentions.length >= 25, `${outcome.mentions.length} mentions`);
    assert.deepEqual(outcome.outsideArticle, [], 'nothing outside <article> (header, nav, comments, footer) is highlighted');
    const texts = outcome.mentions.map((m) => m.text);
    for (const expected of ['Baku', 'Tbilisi', 'Yerevan', 'SOCAR', 'Ilham Aliyev', 'Nikol Pashinyan', 'OC Media', 'Baku–Tbilisi–Kars railway', 'Lake Sevan']) {
      assert.ok(texts.includes(expected), `${expected} is highlighted`);
    }
    // The page's own <span>, <mark> and .highlight are its own: never wrappers.
    assert.equal(await page.locator('article mark entity-mention, article entity-mention mark').count(), 0);

    const card = await hoverCard(page, 'Caspian Sea');
    assert.match(card.text, /Caspian Sea/);
    assert.ok(card.text.includes(summaryOf('Caspian Sea')), card.text);
    await screenshot(page, 'widget-blog-1280x900-card');

    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('looks right on a phone (390×844): the card is a bottom sheet', async () => {
    const { page, consoleErrors, pageErrors } = await openPage(browser, `${plain.url}${BLOG}`, { viewport: { width: 390, height: 844 }, isMobile: true });
    const outcome = await widgetOutcome(page);
    assert.ok(outcome.ok, outcome.error);
    const card = await hoverCard(page, 'Tbilisi');
    assert.ok(card.text.includes(summaryOf('Tbilisi')), card.text);
    const box = await page.locator('[role="dialog"]').boundingBox();
    assert.ok(box.width <= 390 && box.y + box.height <= 844 + 1, JSON.stringify(box));
    await screenshot(page, 'widget-blog-390x844-card');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('dark colour scheme: the card follows it (data-theme="auto")', async () => {
    const { page, consoleErrors } = await openPage(browser, `${plain.url}${BLOG}`, { colorScheme: 'dark' });
    assert.ok((await widgetOutcome(page)).ok);
    const card = await hoverCard(page, 'Caspian Sea');
    const [r, g, b] = card.style['background-color'].match(/\d+/g).map(Number);
    assert.ok(r + g + b < 200, `dark card background, got ${card.style['background-color']}`);
    await screenshot(page, 'widget-blog-1280x900-dark-card');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`axe-core finds no violations with the post highlighted and a card open (${colorScheme})`, async () => {
      const { page, consoleErrors } = await openPage(browser, `${plain.url}${BLOG}`, { colorScheme });
      assert.ok((await widgetOutcome(page)).ok);
      await page.locator('article entity-mention', { hasText: 'SOCAR' }).first().focus();
      await page.locator('[role="dialog"]').waitFor({ state: 'visible', timeout: 2000 });
      await page.addScriptTag({ path: path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
      const { violations } = await page.evaluate(() => window.axe.run(document));
      const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('')}`).join(' | ')}`);
      assert.deepEqual(summary, []);
      assert.deepEqual(consoleErrors, []);
      await page.close();
    });
  }

  test('a script tag in the head without defer waits for the DOM and defaults to the first <article>', async () => {
    const { page, consoleErrors, pageErrors } = await openPage(browser, `${plain.url}/tests/e2e/pages/widget-head.html`);
    const outcome = await widgetOutcome(page);
    assert.ok(outcome.ok, outcome.error);
    assert.deepEqual(outcome.mentions.map((m) => m.text), ['Baku', 'Tbilisi', 'Baku', 'Tbilisi', 'Georgia']);
    assert.deepEqual(outcome.outsideArticle, []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});

describe('Content-Security-Policy', () => {
  test(`"${GOOD_CSP}": works, with no violation`, async () => {
    const { page, consoleErrors, pageErrors, violations } = await openWatched(`${goodCsp.url}${BLOG}`);
    const outcome = await widgetOutcome(page);
    assert.ok(outcome.ok, outcome.error);
    assert.ok(outcome.mentions.length >= 25);
    const card = await hoverCard(page, 'Caspian Sea');
    assert.ok(card.text.includes(summaryOf('Caspian Sea')));
    assert.deepEqual(await violations(), []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test(`"${NO_WASM_CSP}": one clear error naming 'wasm-unsafe-eval', the page untouched, nothing thrown`, async () => {
    const { page, consoleErrors, pageErrors, violations } = await openWatched(`${noWasmCsp.url}${BLOG}`);
    const outcome = await widgetOutcome(page);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.hasHighlighter, false);
    assert.equal(outcome.wrappers, 0);
    assert.equal(outcome.adoptedSheets, 0, 'no style sheet added');
    // The DOM as the browser parsed it from the same HTML, without any script.
    const untouched = await page.evaluate(async () => {
      const html = await (await fetch(location.href)).text();
      const parsed = new DOMParser().parseFromString(html, 'text/html');
      return {
        article: document.querySelector('article').outerHTML === parsed.querySelector('article').outerHTML,
        articleEqual: document.querySelector('article').isEqualNode(parsed.querySelector('article')),
        body: document.body.outerHTML === parsed.body.outerHTML,
      };
    });
    assert.deepEqual(untouched, { article: true, articleEqual: true, body: true });
    const wasmErrors = consoleErrors.filter((line) => line.includes('wasm-unsafe-eval'));
    assert.ok(wasmErrors.length >= 1, consoleErrors.join('\n'));
    assert.equal(consoleErrors.filter((line) => line.startsWith('entity-highlighter: ')).length, 1, consoleErrors.join('\n'));
    assert.deepEqual(consoleErrors.filter((line) => line.startsWith('entity-highlighter widget:')), [], 'the widget adds nothing to the core\'s message');
    assert.ok((await violations()).some((v) => v.startsWith('script-src')), 'the browser did refuse WebAssembly');
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});

describe('data attributes', () => {
  const open = () => openPage(browser, `${plain.url}${FIXTURE}`);

  test('defaults: the bundled dictionary, every mention of every type', async () => {
    const { page, consoleErrors } = await open();
    const outcome = await injectWidget(page, { 'data-root': 'article' });
    assert.ok(outcome.ok, outcome.error);
    assert.deepEqual(outcome.mentions.map((m) => m.text), [
      'Baku', 'Ilham Aliyev', 'Nikol Pashinyan', 'Washington', 'Armenia', 'Azerbaijan',
      'Ilham Aliyev', 'Baku', 'Nikol Pashinyan', 'Armenia', 'Tbilisi',
    ]);
    assert.deepEqual(outcome.outsideArticle, []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('data-mentions="first": one mention per entity', async () => {
    const { page, consoleErrors } = await open();
    const outcome = await injectWidget(page, { 'data-root': '#post', 'data-mentions': 'first' });
    assert.ok(outcome.ok, outcome.error);
    const ids = outcome.mentions.map((m) => m.id);
    assert.deepEqual(ids, [...new Set(ids)]);
    assert.deepEqual(outcome.mentions.map((m) => m.text), ['Baku', 'Ilham Aliyev', 'Nikol Pashinyan', 'Washington', 'Armenia', 'Azerbaijan', 'Tbilisi']);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('data-types="person": people only', async () => {
    const { page, consoleErrors } = await open();
    const outcome = await injectWidget(page, { 'data-root': 'article', 'data-types': 'person' });
    assert.ok(outcome.ok, outcome.error);
    assert.deepEqual(outcome.mentions.map((m) => m.text), ['Ilham Aliyev', 'Nikol Pashinyan', 'Ilham Aliyev', 'Nikol Pashinyan']);
    assert.deepEqual(outcome.wrapperTypes, ['person']);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('data-types="person, country": a list, spaces allowed', async () => {
    const { page } = await open();
    const outcome = await injectWidget(page, { 'data-root': 'article', 'data-types': 'person, country' });
    assert.ok(outcome.ok, outcome.error);
    assert.deepEqual([...new Set(outcome.mentions.map((m) => m.type))].sort(), ['country', 'person']);
    await page.close();
  });

  test('data-dictionary="#id": an inline JSON dictionary', async () => {
    const { page, consoleErrors } = await open();
    const outcome = await injectWidget(page, { 'data-root': 'article', 'data-dictionary': '#inline-dictionary' });
    assert.ok(outcome.ok, outcome.error);
    assert.deepEqual(outcome.mentions.map((m) => [m.text, m.id]), [['Rustaveli Avenue', 'place:rustaveli-avenue'], ['Dry Bridge', 'place:dry-bridge']]);
    const card = await hoverCard(page, 'Dry Bridge');
    assert.match(card.text, /A flea market in Tbilisi\./);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('data-dictionary="URL": fetched relative to the page', async () => {
    const { page, consoleErrors } = await open();
    let requested = null;
    await page.route('**/my-dictionary.json', (route) => {
      requested = new URL(route.request().url()).pathname;
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(ROUTED_DICTIONARY) });
    });
    const outcome = await injectWidget(page, { 'data-root': 'article', 'data-dictionary': 'dictionaries/my-dictionary.json' });
    assert.ok(outcome.ok, outcome.error);
    assert.equal(requested, '/tests/e2e/pages/dictionaries/my-dictionary.json');
    assert.deepEqual(outcome.mentions.map((m) => m.text), ['Nikol Pashinyan', 'Nikol Pashinyan', 'Dry Bridge']);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('data-dictionary="URL" of a compact index (.ehx): the large-dictionary format works the same', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'widget-ehx-'));
    let index;
    try {
      writeFileSync(path.join(dir, 'routed.json'), JSON.stringify(ROUTED_DICTIONARY));
      execFileSync('cargo', ['run', '--quiet', '--release', '--', 'index', path.join(dir, 'routed.json'), '-o', path.join(dir, 'routed.ehx')], { cwd: ROOT, stdio: 'pipe' });
      index = readFileSync(path.join(dir, 'routed.ehx'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { page, consoleErrors } = await open();
    await page.route('**/names.ehx', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: index }));
    const outcome = await injectWidget(page, { 'data-root': 'article', 'data-dictionary': 'dictionaries/names.ehx' });
    assert.ok(outcome.ok, outcome.error);
    assert.deepEqual(outcome.mentions.map((m) => m.text), ['Nikol Pashinyan', 'Nikol Pashinyan', 'Dry Bridge']);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('data-theme="dark": a dark card on a light page', async () => {
    const { page } = await open();
    assert.ok((await injectWidget(page, { 'data-root': 'article', 'data-theme': 'dark' })).ok);
    const card = await hoverCard(page, 'Tbilisi');
    const [r, g, b] = card.style['background-color'].match(/\d+/g).map(Number);
    assert.ok(r + g + b < 200, card.style['background-color']);
    await page.close();
  });

  const BAD = [
    [{ 'data-mentions': 'some' }, /^entity-highlighter widget: data-mentions="some" is not allowed: use "all" or "first"/],
    [{ 'data-mentions': '' }, /data-mentions="" is not allowed: use "all" or "first"/],
    [{ 'data-theme': 'blue' }, /data-theme="blue" is not allowed: use "auto", "light" or "dark"/],
    [{ 'data-types': 'Person' }, /data-types="Person" is not allowed: use comma-separated lower-case type names/],
    [{ 'data-types': 'person,,city' }, /data-types="person,,city" is not allowed/],
    [{ 'data-root': '#nowhere' }, /data-root="#nowhere" matches no element on this page/],
    [{ 'data-root': 'article[' }, /data-root="article\[" is not allowed: it is not a valid CSS selector/],
    [{ 'data-dictionary': '#missing' }, /data-dictionary="#missing": no element has the id "missing"/],
    [{ 'data-dictionary': '#not-json-holder' }, /data-dictionary="#not-json-holder" names a <p>, not a <script type="application\/json"> element/],
    [{ 'data-dictionary': 'javascript:alert(1)' }, /data-dictionary="javascript:alert\(1\)" is not allowed: only http: and https: URLs are fetched/],
  ];
  for (const [attributes, expected] of BAD) {
    test(`a bad value (${JSON.stringify(attributes)}) logs one error naming the attribute, and changes nothing`, async () => {
      const { page, consoleErrors, pageErrors } = await open();
      const before = await page.evaluate(() => document.body.outerHTML);
      const outcome = await injectWidget(page, { 'data-root': 'article', ...attributes });
      assert.equal(outcome.ok, false);
      assert.equal(outcome.wrappers, 0);
      assert.equal(outcome.adoptedSheets, 0);
      assert.equal(await page.evaluate(() => document.body.outerHTML), before);
      assert.equal(consoleErrors.length, 1, consoleErrors.join('\n'));
      assert.match(consoleErrors[0], expected);
      assert.match(consoleErrors[0], /Nothing was highlighted\./);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  }

  test('a dictionary the core refuses: only the core\'s error, the page untouched', async () => {
    const { page, consoleErrors, pageErrors } = await open();
    await page.route('**/broken.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"entities": [{"id": "x"}]}' }));
    const before = await page.evaluate(() => document.body.outerHTML);
    const outcome = await injectWidget(page, { 'data-root': 'article', 'data-dictionary': 'broken.json' });
    assert.equal(outcome.ok, false);
    assert.equal(await page.evaluate(() => document.body.outerHTML), before);
    assert.equal(consoleErrors.length, 1, consoleErrors.join('\n'));
    assert.match(consoleErrors[0], /^entity-highlighter: /);
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('only window.entityHighlighterWidget is added to the global scope', async () => {
    const { page } = await open();
    const before = await page.evaluate(() => Object.getOwnPropertyNames(window));
    await injectWidget(page, { 'data-root': 'article' });
    const added = await page.evaluate((names) => Object.getOwnPropertyNames(window).filter((name) => !names.includes(name)), before);
    assert.deepEqual(added, ['entityHighlighterWidget']);
    await page.close();
  });
});

describe('CSS isolation', () => {
  // Computed values that are layout results rather than cascaded styles:
  // wrapped text may reflow by a pixel or two, which is not a style leak.
  const LAYOUT = new Set(['width', 'height', 'inline-size', 'block-size', 'perspective-origin', 'transform-origin']);
  const SAMPLE = ['html', 'body', 'h1', 'h2', 'article p', '.post__lead', 'span', '.post__meta span', 'mark', '.highlight', 'a', '.site-nav a',
    'cite', 'blockquote', '.comment__avatar', 'textarea', 'button', '.site-footer'];

  async function snapshot(page) {
    return page.evaluate(({ selectors, layout }) => Object.fromEntries(selectors.map((selector) => {
      const element = document.querySelector(selector);
      const style = getComputedStyle(element);
      const values = {};
      for (let i = 0; i < style.length; i++) {
        const name = style[i];
        if (!layout.includes(name)) values[name] = style.getPropertyValue(name);
      }
      return [selector, values];
    })), { selectors: SAMPLE, layout: [...LAYOUT] });
  }

  test("the page's own elements compute the same styles with and without the widget", async () => {
    // Without: the same page with the widget's script refused.
    const without = await openPage(browser, 'about:blank');
    await without.page.route(`**${WIDGET_SRC}`, (route) => route.abort());
    await without.page.goto(`${plain.url}${BLOG}`);
    const expected = await snapshot(without.page);
    assert.equal(await without.page.locator('entity-mention').count(), 0);
    await without.page.close();

    const { page } = await openPage(browser, `${plain.url}${BLOG}`);
    assert.ok((await widgetOutcome(page)).ok);
    assert.deepEqual(await snapshot(page), expected, 'after highlighting');
    await hoverCard(page, 'Caspian Sea');
    assert.deepEqual(await snapshot(page), expected, 'with a card open');
    await page.close();
  });

  test("the page's aggressive CSS does not reach the card", async () => {
    const plainPage = await openPage(browser, `${plain.url}/tests/e2e/pages/widget-plain.html`);
    assert.ok((await widgetOutcome(plainPage.page)).ok);
    const reference = await hoverCard(plainPage.page, 'Caspian Sea');
    await plainPage.page.close();

    const { page } = await openPage(browser, `${plain.url}${BLOG}`);
    assert.ok((await widgetOutcome(page)).ok);
    const card = await hoverCard(page, 'Caspian Sea');
    assert.deepEqual(card.style, reference.style);
    assert.deepEqual(card.host, reference.host);
    assert.equal(card.text, reference.text);
    await page.close();
  });
});
