// End-to-end tests of the browser extension: the unpacked Chromium build
// (www/dist/extension/chromium/, built by scripts/build-extension.mjs in
// before()) loaded into headless Chromium, on pages served from 127.0.0.1.
//
// Mentions are shown as `<entity-mention>` wrappers or, where the browser
// has the CSS Custom Highlight API (the content script asks for mode
// "auto"; Chromium has it), as painted ranges in `CSS.highlights` with the
// DOM untouched. The helpers below read both, so the tests hold in either
// mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, screenshot, startServer } from './harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = path.join(ROOT, 'www', 'dist', 'extension');
const CHROMIUM_BUILD = path.join(BUILD, 'chromium');
const FIREFOX_BUILD = path.join(BUILD, 'firefox');
const CSP = "script-src 'self'";

let server;
let context;
let userDataDir;
let extensionId;
/** An extension page kept open to call the extension APIs from. */
let control;

before(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-extension.mjs')], { cwd: ROOT, stdio: 'pipe' });
  server = await startServer({
    headers: (pathname) => (pathname === '/tests/e2e/pages/extension-csp.html' ? { 'Content-Security-Policy': CSP } : {}),
  });
  userDataDir = await mkdtemp(path.join(os.tmpdir(), 'entity-highlighter-extension-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: !process.env.HEADED,
    viewport: { width: 1100, height: 760 },
    colorScheme: 'light',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${CHROMIUM_BUILD}`, `--load-extension=${CHROMIUM_BUILD}`,
    ],
  });
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 15_000 });
  extensionId = new URL(worker.url()).host;
  control = await context.newPage();
  await control.goto(`chrome-extension://${extensionId}/popup.html?tab=0`);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

/** Runs `fn(arg)` with the extension's APIs (in an extension page). */
function inExtension(fn, arg) {
  return control.evaluate(fn, arg);
}

/** Opens a test page in a new tab; collects uncaught page errors and console errors. */
async function openTab(name) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url;
    if (where && new URL(where).pathname === '/favicon.ico') return;
    problems.push(message.text());
  });
  const response = await page.goto(`${server.url}/tests/e2e/pages/${name}`);
  return { page, problems, response };
}

/** The highlighted pieces of text on the page: wrappers and painted ranges. */
function highlighted(page) {
  return page.evaluate(() => {
    const pieces = [];
    for (const element of document.querySelectorAll('entity-mention')) pieces.push(element.textContent);
    for (const [name, highlight] of globalThis.CSS?.highlights ?? []) {
      if (name.startsWith('entity-highlighter-')) for (const range of highlight) pieces.push(range.toString());
    }
    return pieces;
  });
}

async function waitForHighlights(page, predicate = (pieces) => pieces.length > 0, timeout = 10_000) {
  const end = Date.now() + timeout;
  let pieces;
  while (Date.now() < end) {
    pieces = await highlighted(page);
    if (predicate(pieces)) return pieces;
    await page.waitForTimeout(100);
  }
  assert.fail(`highlights did not reach the expected state; last seen: ${JSON.stringify(pieces)}`);
}

/** The Chromium tab id of `page`. */
async function tabIdOf(page) {
  await page.bringToFront();
  const [tab] = await inExtension(() => chrome.tabs.query({ active: true, lastFocusedWindow: true }));
  const state = await stateOf(tab.id);
  assert.equal(state?.origin, new URL(page.url()).origin, 'the active tab is the page');
  return tab.id;
}

/** The content script's state for a tab (what the popup shows). */
function stateOf(tabId) {
  return inExtension((id) => chrome.tabs.sendMessage(id, { type: 'state' }).catch(() => null), tabId);
}

async function waitForState(tabId, predicate, timeout = 10_000) {
  const end = Date.now() + timeout;
  let state;
  while (Date.now() < end) {
    state = await stateOf(tabId);
    if (state && predicate(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the tab's state did not reach the expected value; last seen: ${JSON.stringify(state)}`);
}

/** Whether the page's body is node for node what the server sent. */
function bodyAsServed(page) {
  return page.evaluate(async () => {
    const html = await (await fetch(location.href, { cache: 'no-store' })).text();
    const served = new DOMParser().parseFromString(html, 'text/html');
    return served.body.isEqualNode(document.body);
  });
}

function ids(state) {
  return state.mentions.map((row) => row.id).sort();
}

/** The center of the first highlighted piece reading `text`. */
function pointOn(page, text) {
  return page.evaluate((wanted) => {
    let rect = null;
    for (const element of document.querySelectorAll('entity-mention')) {
      if (!rect && element.textContent === wanted) rect = element.getBoundingClientRect();
    }
    for (const [name, highlight] of globalThis.CSS?.highlights ?? []) {
      if (!name.startsWith('entity-highlighter-')) continue;
      for (const range of highlight) if (!rect && range.toString() === wanted) rect = range.getBoundingClientRect();
    }
    return rect && { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
  }, text);
}

describe('highlighting pages', () => {
  test('a plain page gets its mentions highlighted', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    const pieces = await waitForHighlights(page, (p) => p.includes('Baku') && p.includes('Armenia'));
    const text = pieces.join('|');
    for (const word of ['Baku', 'Armenia', 'Ilham', 'Aliyev', 'Azerbaijan']) assert.ok(text.includes(word), `${word} is highlighted (${text})`);
    const state = await waitForState(await tabIdOf(page), (s) => s.status === 'ready');
    assert.equal(state.enabled, true);
    for (const id of ['person:ilham-aliyev', 'city:baku-az', 'country:armenia']) assert.ok(ids(state).includes(id), `${id} found`);
    // "Ilham Aliyev" across <b>Ilham</b> Aliyev is one mention.
    assert.equal(state.mentions.find((row) => row.id === 'person:ilham-aliyev').count, 1);
    assert.equal(state.mentions.find((row) => row.id === 'city:baku-az').count, 2);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`a page served with "${CSP}" (no WASM allowed in it) is highlighted too`, async () => {
    const { page, problems, response } = await openTab('extension-csp.html');
    assert.equal(response.headers()['content-security-policy'], CSP);
    // The page itself really cannot run WebAssembly...
    const compiled = await page.evaluate(async () => {
      try {
        await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
        return 'compiled';
      } catch (error) {
        return String(error);
      }
    });
    assert.match(compiled, /Content Security Polic/i);
    // ...yet its mentions are found, by the extension's service worker.
    const pieces = await waitForHighlights(page, (p) => p.includes('Baku') && p.includes('Armenia'));
    assert.ok(pieces.join('|').includes('Aliyev'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('hovering a mention opens its card', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const point = await pointOn(page, 'Baku');
    assert.ok(point, 'Baku is on the page');
    await page.mouse.move(point.x - 40, point.y - 60);
    await page.mouse.move(point.x, point.y, { steps: 4 });
    await page.waitForFunction(() => {
      const host = document.querySelector('entity-highlighter-card');
      return host && !host.hidden && host.shadowRoot?.textContent.includes('Baku');
    }, null, { timeout: 5_000 });
    const card = await page.evaluate(() => {
      const dialog = document.querySelector('entity-highlighter-card').shadowRoot.querySelector('[role="dialog"]');
      const box = dialog.getBoundingClientRect();
      return { text: dialog.textContent, width: box.width, height: box.height };
    });
    assert.match(card.text, /Capital of Azerbaijan|Azerbaijan/);
    assert.ok(card.width > 100 && card.height > 40, 'the card is laid out');
    await screenshot(page, 'extension-card');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('content the page adds later is highlighted', async () => {
    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    await page.evaluate(() => {
      const paragraph = document.createElement('p');
      paragraph.textContent = 'Later that week the talks moved to Yerevan and then to Tbilisi.';
      document.getElementById('later').append(paragraph);
    });
    await waitForHighlights(page, (p) => p.includes('Yerevan') && p.includes('Tbilisi'));
    const state = await waitForState(await tabIdOf(page), (s) => ids(s).includes('city:yerevan-am'));
    assert.ok(ids(state).includes('city:tbilisi-ge'));
    await page.close();
  });

  test('a restarted service worker builds its matcher again on the next message', async () => {
    const cdp = await context.newCDPSession(control);
    const statuses = [];
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions) {
        if (version.scriptURL === `chrome-extension://${extensionId}/background.js`) statuses.push(version.runningStatus);
      }
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const until = async (status) => {
      const end = Date.now() + 10_000;
      while (statuses.at(-1) !== status) {
        assert.ok(Date.now() < end, `the worker never became ${status} (${statuses})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until('stopped');
    statuses.length = 0;
    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    await until('running');
    assert.ok(statuses.includes('starting'), `the worker was started again (${statuses})`);
    await cdp.detach();
    await page.close();
  });
});

describe('the popup', () => {
  test('shows the counts and entities, and its switch turns highlighting off and on for the site', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    const sibling = await openTab('extension-csp.html'); // same origin: follows the switch
    await waitForHighlights(page, (p) => p.includes('Baku'));
    await waitForHighlights(sibling.page, (p) => p.includes('Baku'));
    const tabId = await tabIdOf(page);
    await waitForState(tabId, (s) => s.status === 'ready');
    const origin = new URL(page.url()).origin;

    const popup = await context.newPage();
    await popup.setViewportSize({ width: 340, height: 560 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=${tabId}`);
    await popup.locator('#found').waitFor({ state: 'visible' });
    const toggle = popup.getByRole('switch', { name: 'Highlight on this site' });
    assert.equal(await toggle.isChecked(), true);
    assert.equal(await popup.locator('#origin').textContent(), origin.replace('http://', ''));
    assert.match(await popup.locator('#summary').textContent(), /^\d+ mentions of \d+ entities$/);
    const names = await popup.locator('.entities .name').allTextContents();
    for (const name of ['Ilham Aliyev', 'Baku', 'Armenia']) assert.ok(names.includes(name), `${name} listed (${names})`);
    const chips = await popup.locator('.type-chip').allTextContents();
    assert.ok(chips.some((chip) => /^Person 1$/.test(chip.trim())), `chips: ${chips}`);
    assert.ok(chips.some((chip) => /^City 2$/.test(chip.trim())), `chips: ${chips}`);
    await screenshot(popup, 'extension-popup');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await screenshot(popup, 'extension-popup-dark');
    await popup.emulateMedia({ colorScheme: 'light' });

    // Off, by keyboard.
    await toggle.focus();
    await popup.keyboard.press('Space');
    await popup.waitForFunction(() => !document.getElementById('enabled').checked && document.getElementById('message').textContent.includes('off'));
    await waitForHighlights(page, (p) => p.length === 0);
    assert.equal(await page.locator('entity-mention, entity-highlighter-card').count(), 0, 'no wrappers, no card host');
    assert.equal(await bodyAsServed(page), true, 'the DOM is as served');
    await waitForHighlights(sibling.page, (p) => p.length === 0);
    const stored = await inExtension((key) => chrome.storage.local.get(key), `site:${origin}`);
    assert.deepEqual(stored, { [`site:${origin}`]: false });
    await screenshot(popup, 'extension-popup-off');

    // The choice holds for new page loads of the site.
    await page.reload();
    await waitForState(tabId, (s) => s.status === 'off' && s.enabled === false);
    await page.waitForTimeout(300);
    assert.deepEqual(await highlighted(page), []);

    // On again, by mouse, with the popup reopened as a user would.
    await popup.reload();
    await popup.locator('#message').filter({ hasText: 'off' }).waitFor();
    await toggle.click();
    await popup.locator('#found').waitFor({ state: 'visible' });
    await waitForHighlights(page, (p) => p.includes('Baku') && p.includes('Armenia'));
    await waitForHighlights(sibling.page, (p) => p.includes('Baku'));
    assert.deepEqual(await inExtension((key) => chrome.storage.local.get(key), `site:${origin}`), {}, 'on is the default, not stored');
    assert.deepEqual(problems, []);
    await Promise.all([popup.close(), page.close(), sibling.page.close()]);
  });

  test('says so on a tab without the content script', async () => {
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 340, height: 400 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=999999`);
    await popup.locator('#message').filter({ hasText: 'not available' }).waitFor();
    assert.equal(await popup.getByRole('switch').isDisabled(), true);
    await popup.close();
  });
});

describe('isolation from web pages', () => {
  test('messages from the page are ignored and the page cannot reach the extension', async () => {
    const { page } = await openTab('extension-plain.html');
    const before = await waitForHighlights(page, (p) => p.includes('Baku'));
    const reach = await page.evaluate((id) => {
      window.postMessage({ type: 'toggle', enabled: false }, '*');
      window.postMessage({ type: 'match', text: 'Baku' }, '*');
      window.postMessage({ type: 'state' }, '*');
      document.dispatchEvent(new CustomEvent('entity-highlighter', { detail: { type: 'toggle', enabled: false } }));
      // Without externally_connectable a web page has no chrome.runtime at all.
      return { runtime: typeof globalThis.chrome?.runtime, sendMessage: typeof globalThis.chrome?.runtime?.sendMessage, id };
    }, extensionId);
    assert.equal(reach.runtime, 'undefined');
    assert.equal(reach.sendMessage, 'undefined');
    await page.waitForTimeout(500);
    assert.deepEqual((await highlighted(page)).sort(), before.sort(), 'still highlighted');
    const state = await stateOf(await tabIdOf(page));
    assert.equal(state.enabled, true);
    for (const dir of [CHROMIUM_BUILD, FIREFOX_BUILD]) {
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
      assert.equal('externally_connectable' in manifest, false, `${dir}: no externally_connectable`);
      const background = await readFile(path.join(dir, 'background.js'), 'utf8');
      assert.equal(background.includes('onMessageExternal'), false, 'the background does not listen to other extensions');
      assert.match(background, /sender\.id !== api\.runtime\.id/, 'the background checks the sender');
    }
    await page.close();
  });
});

describe('the options page', () => {
  const NEWSROOM = {
    name: 'Test newsroom',
    as_of: '2026-11-01',
    entities: [
      { id: 'event:monday-call', name: 'Monday', type: 'event', summary: 'The phone call of the foreign ministers.', match: { sentence_start: false } },
      { id: 'city:baku-az', name: 'Baku', type: 'city', summary: 'Our own note on Baku.' },
    ],
  };
  const BROKEN = '{"name": "Broken", "entities": [{"id": "x y", "name": "A", "type": "Person"}], "colour": 1}';

  test('lists, validates, adds, activates and removes dictionaries', async () => {
    const options = await context.newPage();
    await options.setViewportSize({ width: 900, height: 900 });
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    const status = options.locator('#status');
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();
    const bundled = options.getByRole('checkbox', { name: 'World news (bundled)' });
    assert.equal(await bundled.isChecked(), true);
    assert.match(await options.locator('#meta-bundled').textContent(), /1,788 entities · as of 2025-10-31 · bundled/);

    // A refused dictionary: every problem with where it is; nothing stored.
    await options.locator('#file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(BROKEN) });
    await options.getByRole('button', { name: 'Add file' }).click();
    const result = options.locator('#result');
    await result.filter({ hasText: 'was not added' }).waitFor();
    const problems = await options.locator('.problems li').allTextContents();
    assert.ok(problems.length >= 4, `problems: ${problems}`);
    for (const where of ['entities[0], id', 'entities[0], type', 'entities[0], summary', 'field "colour"']) {
      assert.ok(problems.some((p) => p.startsWith(where)), `a problem at ${where}: ${problems}`);
    }
    assert.equal(await options.evaluate(() => document.activeElement?.id), 'result', 'focus moves to the problems');
    assert.equal(await options.locator('.dictionary').count(), 1);
    await screenshot(options, 'extension-options-problems', { fullPage: true });

    // A good one: listed, active, its duplicate id skipped while the bundled one is on.
    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const tabId = await tabIdOf(page);
    await options.bringToFront();
    await options.locator('#file').setInputFiles({ name: 'newsroom.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(NEWSROOM)) });
    await options.getByRole('button', { name: 'Add file' }).click();
    await result.filter({ hasText: 'Added “Test newsroom” (2 entities).' }).waitFor();
    assert.equal(await options.getByRole('checkbox', { name: 'Test newsroom' }).isChecked(), true);
    await status.filter({ hasText: '1 entity was skipped because an earlier dictionary has the same id (1 in “Test newsroom”)' }).waitFor();
    // The open page follows: "Monday" is found now.
    await waitForState(tabId, (s) => ids(s).includes('event:monday-call'));

    // The bundled dictionary off: only the newsroom's entities are found.
    await bundled.uncheck();
    await status.filter({ hasText: 'Highlighting with 2 entities from 1 dictionary.' }).waitFor();
    const state = await waitForState(tabId, (s) => !ids(s).includes('country:armenia'));
    assert.deepEqual(ids(state), ['city:baku-az', 'event:monday-call']);

    // By address: errors first, then the served copy of the world-news dictionary.
    const url = options.getByLabel('Address (http or https)');
    const fetchButton = options.getByRole('button', { name: 'Fetch and add' });
    await url.fill(`${server.url}/www/pkg/no-such-dictionary.json`);
    await fetchButton.click();
    await result.filter({ hasText: 'HTTP 404' }).waitFor();
    await url.fill(`${server.url}/tests/e2e/pages/extension-plain.html`);
    await fetchButton.click();
    await result.filter({ hasText: 'must start with "{"' }).waitFor();
    await url.fill('ftp://127.0.0.1/dictionary.json');
    await fetchButton.click();
    await result.filter({ hasText: 'only http and https' }).waitFor();
    await url.fill(`${server.url}/www/pkg/world-news.json`);
    await fetchButton.click();
    await result.filter({ hasText: 'Added “World news” (1,788 entities).' }).waitFor();
    assert.match(await options.locator('.dictionary').nth(2).textContent(), /from http:\/\/127\.0\.0\.1:\d+\/www\/pkg\/world-news\.json/);
    await status.filter({ hasText: 'from 2 dictionaries' }).waitFor();
    assert.match(await status.textContent(), /1 entity was skipped .*\(1 in “World news”\)/);
    await waitForState(tabId, (s) => ids(s).includes('country:armenia'));
    await options.locator('#result').evaluate((element) => element.blur());
    await screenshot(options, 'extension-options', { fullPage: true });

    // Remove both, bundled back on: as at the start.
    await options.getByRole('button', { name: 'Remove World news' }).click();
    await options.getByRole('button', { name: 'Remove Test newsroom' }).click();
    await bundled.check();
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();
    assert.equal(await options.locator('.dictionary').count(), 1);
    const left = await inExtension(() => chrome.storage.local.get(null));
    assert.deepEqual(Object.keys(left), ['dictionaries'], 'no dictionary text left behind');
    await waitForState(tabId, (s) => !ids(s).includes('event:monday-call') && ids(s).includes('country:armenia'));
    await Promise.all([options.close(), page.close()]);
  });
});

describe('packaging', () => {
  test('web-ext lint passes on the Firefox build with no errors', async () => {
    const webExt = path.join(ROOT, 'node_modules', '.bin', 'web-ext');
    const { stdout } = await promisify(execFile)(webExt, ['lint', '--source-dir', FIREFOX_BUILD, '--output', 'json', '--no-config-discovery'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })
      .catch((error) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout);
    assert.deepEqual(report.errors.map((e) => `${e.code}: ${e.message}`), []);
    assert.equal(report.summary.errors, 0);
    if (report.summary.warnings > 0) console.log('web-ext lint warnings:', report.warnings.map((w) => `${w.code}: ${w.message}`));
  });

  test('the manifests ask only for storage and the content scripts, and ship no remote code', async () => {
    for (const dir of [CHROMIUM_BUILD, FIREFOX_BUILD]) {
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
      assert.deepEqual(manifest.permissions, ['storage', 'unlimitedStorage']);
      assert.equal(manifest.host_permissions, undefined);
      assert.deepEqual(manifest.content_scripts.map((c) => c.matches), [['http://*/*', 'https://*/*']]);
      assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
      for (const page of ['popup.html', 'options.html']) {
        const html = await readFile(path.join(dir, page), 'utf8');
        assert.doesNotMatch(html, /<script(?![^>]*src="[\w.]+\.js")/, `${page}: only local script files`);
      }
    }
  });
});
