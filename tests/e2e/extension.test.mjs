// End-to-end tests of the browser extension in headless Chromium, on pages
// served from 127.0.0.1 (and from localhost, a different site, for what must
// stay untouched).
//
// The extension asks for no site at install: it reaches a page only when
// the user clicks "Highlight this page" (activeTab) or turns the page's site
// "always on", which asks the browser for access to that site
// (permissions.request). A headless browser cannot answer that prompt, so
// the tests load a *test build*: a copy of the shipped Chromium build whose
// manifest also has `host_permissions: ["http://127.0.0.1/*"]` (nothing else
// differs; a test checks that). There the request for 127.0.0.1 resolves
// without a prompt, and the real popup, opened as a tab
// (popup.html?tab=<id>), drives the real flow. The shipped build is checked
// separately (packaging, below) and is never modified.
//
// Not covered here: activeTab itself (it is granted by a click on the
// toolbar button, which a headless browser has not got; "Highlight this
// page" is tested on 127.0.0.1, where the test build's host permission
// stands in for it), the browser's permission prompt, and revoking a site
// in the browser's settings (the test build's 127.0.0.1 access cannot be
// revoked, as it is required by its manifest).
//
// Mentions are shown as `<entity-mention>` wrappers or, where the browser
// has the CSS Custom Highlight API (the content script asks for mode
// "auto"; Chromium has it), as painted ranges in `CSS.highlights` with the
// DOM untouched. The helpers below read both, so the tests hold in either
// mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
const SITE = 'http://127.0.0.1';
const TEST_HOST_PERMISSIONS = [`${SITE}/*`];

let server;
/** The same server reached as http://localhost:PORT: another site. */
let otherUrl;
let context;
let userDataDir;
let testBuild;
let extensionId;
/** An extension page kept open to call the extension APIs from. */
let control;

before(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-extension.mjs')], { cwd: ROOT, stdio: 'pipe' });
  testBuild = await mkdtemp(path.join(os.tmpdir(), 'entity-highlighter-test-build-'));
  await cp(CHROMIUM_BUILD, testBuild, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(testBuild, 'manifest.json'), 'utf8'));
  manifest.host_permissions = TEST_HOST_PERMISSIONS;
  await writeFile(path.join(testBuild, 'manifest.json'), JSON.stringify(manifest, null, 2));

  server = await startServer({
    headers: (pathname) => {
      if (pathname === '/tests/e2e/pages/extension-csp.html') return { 'Content-Security-Policy': CSP };
      // Dictionaries the options page may fetch without any access to the
      // site: the server allows cross-origin reads.
      if (pathname.startsWith('/www/pkg/') || pathname.startsWith('/www/dist/test/') || pathname === '/tests/e2e/pages/extension-plain.html') return { 'Access-Control-Allow-Origin': '*' };
      return {};
    },
  });
  otherUrl = server.url.replace('//127.0.0.1:', '//localhost:');
  userDataDir = await mkdtemp(path.join(os.tmpdir(), 'entity-highlighter-extension-'));
  await launch();
});

/** Starts Chromium with the test build on the profile in userDataDir. */
async function launch() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: !process.env.HEADED,
    viewport: { width: 1100, height: 760 },
    colorScheme: 'light',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${testBuild}`, `--load-extension=${testBuild}`,
    ],
  });
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 15_000 });
  extensionId = new URL(worker.url()).host;
  control = await context.newPage();
  await control.goto(`chrome-extension://${extensionId}/popup.html?tab=0`);
}

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [userDataDir, testBuild]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `fn(arg)` with the extension's APIs (in an extension page). */
function inExtension(fn, arg) {
  return control.evaluate(fn, arg);
}

/** Opens a test page in a new tab (from `base`, 127.0.0.1 by default);
 * collects uncaught page errors and console errors. */
async function openTab(name, base = server.url) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url;
    if (where && new URL(where).pathname === '/favicon.ico') return;
    problems.push(message.text());
  });
  const response = await page.goto(`${base}/tests/e2e/pages/${name}`);
  return { page, problems, response };
}

/** The highlighted pieces of text on the page: wrappers and painted ranges. */
function highlighted(page) {
  return page.evaluate(() => {
    const live = (r) => { const x = r.startContainer.ownerDocument.createRange(); x.setStart(r.startContainer, r.startOffset); x.setEnd(r.endContainer, r.endOffset); return x; };
    const pieces = [];
    for (const element of document.querySelectorAll('entity-mention')) pieces.push(element.textContent);
    for (const [name, highlight] of globalThis.CSS?.highlights ?? []) {
      // Registered ranges are StaticRanges: a live copy gives the text.
      if (name.startsWith('entity-highlighter-')) for (const r of highlight) pieces.push(live(r).toString());
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

/** The Chromium tab id of `page`. Where the extension may see the tab's
 * address (127.0.0.1 in the test build), it is checked too. */
async function tabIdOf(page) {
  await page.bringToFront();
  const [tab] = await inExtension(() => chrome.tabs.query({ active: true, lastFocusedWindow: true }));
  if (tab.url !== undefined) assert.equal(tab.url, page.url(), 'the active tab is the page');
  return tab.id;
}

/** The content script's state for a tab (what the popup shows); null
 * where no content script runs. */
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
    const live = (r) => { const x = r.startContainer.ownerDocument.createRange(); x.setStart(r.startContainer, r.startOffset); x.setEnd(r.endContainer, r.endOffset); return x; };
    let rect = null;
    for (const element of document.querySelectorAll('entity-mention')) {
      if (!rect && element.textContent === wanted) rect = element.getBoundingClientRect();
    }
    for (const [name, highlight] of globalThis.CSS?.highlights ?? []) {
      if (!name.startsWith('entity-highlighter-')) continue;
      for (const range of [...highlight].map(live)) if (!rect && range.toString() === wanted) rect = range.getBoundingClientRect();
    }
    return rect && { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
  }, text);
}

/** The popup for `tabId`, opened as a tab of the popup's size. */
async function openPopup(tabId, height = 560) {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 340, height });
  await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=${tabId}`);
  await popup.locator('#message:not(:empty), #found:not([hidden])').first().waitFor();
  return popup;
}

/** What the background registered: [{ id, matches }]. */
function registered() {
  return inExtension(async () => (await chrome.scripting.getRegisteredContentScripts()).map(({ id, matches }) => ({ id, matches })));
}

/** Turns 127.0.0.1 "always on" through the popup, as a user would. */
async function turnSiteOn() {
  if ((await registered()).length > 0) return;
  const { page } = await openTab('extension-plain.html');
  const popup = await openPopup(await tabIdOf(page));
  await popup.getByRole('switch', { name: /Always highlight on this site/ }).click();
  await popup.locator('#found').waitFor({ state: 'visible' });
  await Promise.all([popup.close(), page.close()]);
}

/** Waits a moment and checks that nothing was highlighted and no content script runs. */
async function assertUntouched(page, tabId) {
  await page.waitForTimeout(600);
  assert.deepEqual(await highlighted(page), [], 'nothing highlighted');
  assert.equal(await page.locator('entity-mention, entity-highlighter-card').count(), 0);
  if (tabId !== undefined) assert.equal(await stateOf(tabId), null, 'no content script in the tab');
}

describe('access to sites', () => {
  test('installed, it reads no page: no content script runs anywhere', async () => {
    assert.deepEqual(await registered(), []);
    const granted = await inExtension(() => chrome.permissions.getAll());
    assert.deepEqual(granted.origins, TEST_HOST_PERMISSIONS, 'only the test build\'s own host permission');
    for (const base of [server.url, otherUrl]) {
      const { page } = await openTab('extension-plain.html', base);
      await assertUntouched(page, await tabIdOf(page));
      await page.close();
    }
  });

  test('"Highlight this page" highlights that page once, and only it', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    const sibling = await openTab('extension-csp.html'); // same site, not asked for
    const tabId = await tabIdOf(page);
    const popup = await openPopup(tabId);
    const toggle = popup.getByRole('switch', { name: /Always highlight on this site/ });
    assert.equal(await toggle.isChecked(), false);
    assert.equal(await popup.locator('#origin').textContent(), '127.0.0.1');
    assert.equal(await popup.locator('#message').textContent(), 'This page is not highlighted.');
    await screenshot(popup, 'extension-popup-start');

    // By keyboard: the button is the next stop after the switch.
    await toggle.focus();
    await popup.keyboard.press('Tab');
    assert.equal(await popup.evaluate(() => document.activeElement?.textContent), 'Highlight this page');
    await popup.keyboard.press('Enter');
    await popup.locator('#found').waitFor({ state: 'visible' });
    await waitForHighlights(page, (p) => p.includes('Baku') && p.includes('Armenia'));
    assert.equal(await popup.getByRole('button', { name: 'Stop highlighting this page' }).isVisible(), true);
    // Focus stayed on the button, and the outcome was said once.
    assert.equal(await popup.evaluate(() => document.activeElement?.id), 'page');
    assert.match(await popup.locator('#announce').textContent(), /^Highlighted: \d+ mentions of \d+ entities\.$/);
    assert.equal(await popup.locator('#announce').getAttribute('role'), 'status');
    await screenshot(popup, 'extension-popup-once');
    await assertUntouched(sibling.page, await tabIdOf(sibling.page));
    assert.deepEqual(await registered(), [], 'nothing registered for later loads');

    // "Stop highlighting this page" clears it exactly.
    await popup.bringToFront();
    await popup.getByRole('button', { name: 'Stop highlighting this page' }).click();
    await popup.locator('#message').filter({ hasText: 'off on this page' }).waitFor();
    await waitForHighlights(page, (p) => p.length === 0);
    assert.equal(await bodyAsServed(page), true, 'the DOM is as served');

    // Once means once: a reload is not highlighted.
    await page.reload();
    await assertUntouched(page, tabId);
    assert.deepEqual(problems, []);
    await Promise.all([popup.close(), page.close(), sibling.page.close()]);
  });

  test('without access to a site the background cannot run the content script there', async () => {
    // localhost is not granted in the test build, and no toolbar click lent
    // activeTab: what the popup's button asks for must fail.
    const { page } = await openTab('extension-plain.html', otherUrl);
    const tabId = await tabIdOf(page);
    const answer = await inExtension((id) => chrome.runtime.sendMessage({ type: 'highlight-tab', tabId: id }), tabId);
    assert.ok(answer?.error, `refused: ${JSON.stringify(answer)}`);
    assert.match(answer.error.message, /permission|access/i);
    const site = await inExtension(() => chrome.runtime.sendMessage({ type: 'set-site', site: 'http://localhost', always: true }));
    assert.match(site?.error?.message ?? '', /not granted/, 'a site is never turned on without access');
    // A wildcard is no site: not even the extension's own pages may ask for one.
    for (const wild of ['http://*', 'https://*.example.org']) {
      const ignored = await inExtension((w) => chrome.runtime.sendMessage({ type: 'set-site', site: w, always: true }).then((a) => a ?? null, () => null), wild);
      assert.equal(ignored, null, `${wild} is ignored`);
    }
    assert.deepEqual(await registered(), []);
    await assertUntouched(page, tabId);
    await page.close();
  });

  test('"Always highlight on this site" asks for the site, highlights its pages as they load, and gives the site back', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    const sibling = await openTab('extension-csp.html'); // same site: follows the switch
    const tabId = await tabIdOf(page);
    const popup = await openPopup(tabId);
    const toggle = popup.getByRole('switch', { name: /Always highlight on this site/ });

    // On, by mouse: the open tabs of the site are highlighted at once...
    await toggle.click();
    await popup.locator('#found').waitFor({ state: 'visible' });
    assert.equal(await toggle.isChecked(), true);
    assert.equal(await popup.locator('#page').isHidden(), true, 'no page button while the site is on');
    await waitForHighlights(page, (p) => p.includes('Baku') && p.includes('Armenia'));
    await waitForHighlights(sibling.page, (p) => p.includes('Baku'));
    assert.deepEqual(await registered(), [{ id: 'always-on', matches: [`${SITE}/*`] }]);
    assert.deepEqual(await inExtension(() => chrome.storage.local.get('sites')), { sites: [SITE] });
    assert.match(await popup.locator('#summary').textContent(), /^\d+ mentions of \d+ entities$/);
    const names = await popup.locator('.entities .name').allTextContents();
    for (const name of ['Ilham Aliyev', 'Baku', 'Armenia']) assert.ok(names.includes(name), `${name} listed (${names})`);
    const chips = await popup.locator('.type-chip').allTextContents();
    assert.ok(chips.some((chip) => /^Person 1$/.test(chip.trim())), `chips: ${chips}`);
    assert.ok(chips.some((chip) => /^City 2$/.test(chip.trim())), `chips: ${chips}`);
    // Each row opens, from the keyboard too, to its card's text: painted
    // mentions are no focus stops, so this is the keyboard's way to it.
    const bakuRow = popup.locator('.entity', { has: popup.locator('.name', { hasText: /^Baku$/ }) });
    await bakuRow.locator('summary').focus();
    await popup.keyboard.press('Enter');
    assert.equal(await bakuRow.locator('details').evaluate((details) => details.open), true);
    assert.match(await bakuRow.locator('.about p').textContent(), /Azerbaijan/);
    assert.match(await bakuRow.locator('.about a').getAttribute('aria-label'), /^More on [\w.-]+: Baku \(opens in a new tab\)$/);
    await screenshot(popup, 'extension-popup');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await screenshot(popup, 'extension-popup-dark');
    await popup.emulateMedia({ colorScheme: 'light' });

    // ...and every later load of the site too, any port; another site not.
    await page.reload();
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const other = await openTab('extension-plain.html', otherUrl);
    await assertUntouched(other.page, await tabIdOf(other.page));

    // Off, by keyboard: the tabs clear, the registration and the list are
    // gone. (The test build's access to 127.0.0.1 is required by its
    // manifest, so the browser keeps it; the shipped build has none to keep.)
    await popup.bringToFront();
    await toggle.focus();
    await popup.keyboard.press('Space');
    await popup.locator('#message').filter({ hasText: 'not highlighted' }).or(popup.locator('#message').filter({ hasText: 'off on this page' })).waitFor();
    assert.equal(await toggle.isChecked(), false);
    await waitForHighlights(page, (p) => p.length === 0);
    await waitForHighlights(sibling.page, (p) => p.length === 0);
    assert.equal(await page.locator('entity-mention, entity-highlighter-card').count(), 0, 'no wrappers, no card host');
    assert.equal(await bodyAsServed(page), true, 'the DOM is as served');
    assert.deepEqual(await registered(), []);
    assert.deepEqual(await inExtension(() => chrome.storage.local.get('sites')), { sites: [] });
    await screenshot(popup, 'extension-popup-off');
    await page.reload();
    await assertUntouched(page, tabId);

    // On again, with the popup reopened as a user would.
    await popup.reload();
    await popup.locator('#message').filter({ hasText: 'not highlighted' }).waitFor();
    await popup.getByRole('switch', { name: /Always highlight on this site/ }).press('Enter');
    await popup.locator('#found').waitFor({ state: 'visible' });
    await waitForHighlights(page, (p) => p.includes('Baku') && p.includes('Armenia'));
    assert.deepEqual(problems, []);
    await Promise.all([popup.close(), page.close(), sibling.page.close(), other.page.close()]);
  });
});

describe('a browser restart', () => {
  test('keeps an always-on site on, from the same profile', async () => {
    await turnSiteOn();
    await context.close();
    await launch();
    assert.deepEqual(await registered(), [{ id: 'always-on', matches: [`${SITE}/*`] }]);
    const { page, problems } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const other = await openTab('extension-plain.html', otherUrl);
    await assertUntouched(other.page, await tabIdOf(other.page));
    assert.deepEqual(problems, []);
    await Promise.all([page.close(), other.page.close()]);
  });
});

describe('highlighting pages', () => {
  before(turnSiteOn);

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

  test('Alt+Shift+Down steps to a painted mention: marked, its card focused', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.waitForFunction(() => {
      const host = document.querySelector('entity-highlighter-card');
      return host && !host.hidden && host.shadowRoot.activeElement?.getAttribute('role') === 'dialog';
    }, null, { timeout: 5_000 });
    const card = await page.evaluate(() => document.querySelector('entity-highlighter-card').shadowRoot.querySelector('.position [aria-hidden]')?.textContent);
    assert.match(card, /^1 of \d+ · Alt\+Shift\+↓ next, Alt\+Shift\+↑ previous$/);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('entity-highlighter-card')?.hidden);
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

  test('a page that navigates by swapping in a new <body> (Turbo Drive, pjax) is highlighted again, and the popup lists the new page', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const tabId = await tabIdOf(page);
    await waitForState(tabId, (s) => s.status === 'ready' && ids(s).includes('city:baku-az'));
    await page.evaluate(() => {
      history.pushState({}, '', '?story=2');
      const next = new DOMParser().parseFromString('<body><main><p id="story">Talks moved to Yerevan and Tbilisi.</p></main></body>', 'text/html').body;
      document.body = document.adoptNode(next);
    });
    await waitForHighlights(page, (p) => p.includes('Yerevan') && p.includes('Tbilisi'));
    const state = await waitForState(tabId, (s) => s.status === 'ready' && ids(s).includes('city:yerevan-am'));
    assert.deepEqual(ids(state).sort(), ['city:tbilisi-ge', 'city:yerevan-am'], 'only the new page\'s entities');
    // The new body is watched too.
    await page.evaluate(() => { document.getElementById('story').append(' Then Baku.'); });
    await waitForHighlights(page, (p) => p.includes('Baku'));
    assert.deepEqual(problems, []);
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
  test('says so on a tab it cannot work on', async () => {
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 340, height: 400 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=999999`);
    await popup.locator('#message').filter({ hasText: 'not available' }).waitFor();
    assert.equal(await popup.getByRole('switch').isHidden(), true);
    assert.equal(await popup.locator('#page').isHidden(), true);
    await screenshot(popup, 'extension-popup-unavailable');
    await popup.close();
  });

  test('a page naming hundreds of entities: the list shows its first rows at once and then every one', async () => {
    await turnSiteOn();
    const bundled = JSON.parse(await readFile(path.join(ROOT, 'www', 'pkg', 'world-news.json'), 'utf8'));
    // Names written as they are, one per paragraph: each its own mention.
    const names = bundled.entities.filter((entity) => entity.type === 'city').slice(0, 400).map((entity) => entity.name);
    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    await page.evaluate((list) => {
      const later = document.getElementById('later');
      for (const name of list) later.append(Object.assign(document.createElement('p'), { textContent: `A visit to ${name}.` }));
    }, names);
    const tabId = await tabIdOf(page);
    const state = await waitForState(tabId, (s) => s.mentions.length > 350);
    const popup = await openPopup(tabId);
    await popup.locator('#found').waitFor({ state: 'visible' });
    await popup.waitForFunction((count) => document.querySelectorAll('#entities > li').length === count, state.mentions.length, { timeout: 10_000 });
    const listed = await popup.locator('#entities .name').allTextContents();
    assert.deepEqual(listed, state.mentions.map((row) => row.name));
    // The long list is a scrolling region the keyboard reaches.
    assert.deepEqual(await popup.evaluate(() => [document.getElementById('list-wrap').getAttribute('role'), document.getElementById('list-wrap').tabIndex]), ['region', 0]);
    await Promise.all([popup.close(), page.close()]);
  });
});

describe('isolation from web pages', () => {
  before(turnSiteOn);

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

  test('a content script may ask for matches, never for sites, tabs or other shapes', async () => {
    // The content script's own world, reached through the DevTools protocol:
    // what a page that somehow took over the content script could send.
    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const cdp = await context.newCDPSession(page);
    const worlds = [];
    cdp.on('Runtime.executionContextCreated', ({ context: created }) => worlds.push(created));
    await cdp.send('Runtime.enable');
    const world = worlds.find((w) => w.auxData?.type === 'isolated' && w.name === 'Entity highlighter');
    assert.ok(world, `the content script's world is found (${worlds.map((w) => `${w.auxData?.type}:${w.name}`)})`);
    const send = async (message) => {
      const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
        contextId: world.id,
        awaitPromise: true,
        returnByValue: true,
        expression: `chrome.runtime.sendMessage(${JSON.stringify(message)}).then((answer) => ({ answer: answer ?? null }), (error) => ({ failed: String(error.message) }))`,
      });
      assert.equal(exceptionDetails, undefined);
      return result.value;
    };
    const tabId = await tabIdOf(page);
    // What content scripts are for: answered.
    const match = await send({ type: 'match', text: 'Talks in Baku.' });
    assert.ok(Array.isArray(match.answer?.triples) && match.answer.triples.length > 0, JSON.stringify(match));
    // Everything else: no answer at all.
    for (const message of [
      { type: 'set-site', site: SITE, always: false },
      { type: 'site', site: SITE },
      { type: 'highlight-tab', tabId },
      { type: 'match', text: 42 },
      { type: 'match', text: 'Baku', revision: 'new' },
      { type: 'toggle', enabled: false },
      ['match', 'Baku'],
    ]) {
      const result = await send(message);
      assert.ok(result.answer === null || result.failed, `${JSON.stringify(message)} is ignored: ${JSON.stringify(result)}`);
    }
    assert.deepEqual(await registered(), [{ id: 'always-on', matches: [`${SITE}/*`] }], 'the site is still on');
    assert.equal((await stateOf(tabId)).enabled, true);
    await cdp.detach();
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

  before(turnSiteOn);

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
    // Heard as a group named by its heading, not as an alert read whole
    // besides; the field says it was refused.
    assert.deepEqual(await options.evaluate(() => {
      const result = document.getElementById('result');
      const file = document.getElementById('file');
      return [result.getAttribute('role'), result.getAttribute('aria-labelledby'), file.getAttribute('aria-invalid'), file.getAttribute('aria-describedby')];
    }), ['group', 'result-heading', 'true', 'result-heading']);
    assert.equal(await options.locator('.dictionary').count(), 1);
    await screenshot(options, 'extension-options-problems', { fullPage: true });
    // 240 problems: 200 listed, all counted.
    const many = JSON.stringify({ entities: Array.from({ length: 240 }, (_, i) => ({ id: `e${i}`, name: '', type: 'city', summary: 's' })) });
    await options.locator('#file').setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(many) });
    await options.getByRole('button', { name: 'Add file' }).click();
    await result.filter({ hasText: 'was not added: 240 problems.' }).waitFor();
    assert.equal(await options.locator('.problems li').count(), 200);
    assert.match(await result.textContent(), /…and 40 more\.$/);

    // A good one: listed, active, its duplicate id skipped while the bundled one is on.
    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const tabId = await tabIdOf(page);
    // What every frame of the page shows while its dictionaries change.
    await page.evaluate(() => {
      globalThis.framesSeen = [];
      const look = () => {
        let marks = document.querySelectorAll('entity-mention').length;
        for (const [name, highlight] of CSS.highlights) if (name.startsWith('entity-highlighter-')) marks += highlight.size;
        globalThis.framesSeen.push(marks);
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    await options.bringToFront();
    await options.locator('#file').setInputFiles({ name: 'newsroom.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(NEWSROOM)) });
    // From the keyboard: the button keeps focus while it works and after.
    await options.getByRole('button', { name: 'Add file' }).focus();
    await options.keyboard.press('Enter');
    await result.filter({ hasText: 'Added “Test newsroom” (2 entities).' }).waitFor();
    assert.deepEqual(await options.evaluate(() => [document.activeElement?.textContent, document.getElementById('result').getAttribute('role'), document.getElementById('file').getAttribute('aria-invalid')]), ['Add file', 'status', null]);
    assert.equal(await options.getByRole('checkbox', { name: 'Test newsroom' }).isChecked(), true);
    await status.filter({ hasText: '1 entity was skipped because an earlier dictionary has the same id (1 in “Test newsroom”)' }).waitFor();
    // The open page follows: "Monday" is found now.
    await waitForState(tabId, (s) => ids(s).includes('event:monday-call'));

    // The bundled dictionary off: only the newsroom's entities are found.
    await bundled.uncheck();
    await status.filter({ hasText: 'Highlighting with 2 entities from 1 dictionary.' }).waitFor();
    const state = await waitForState(tabId, (s) => !ids(s).includes('country:armenia'));
    assert.deepEqual(ids(state), ['city:baku-az', 'event:monday-call']);
    // Both changes highlighted the page again in place: its marks stayed
    // until the new ones were shown (the highlighter used to be destroyed
    // and made again, leaving frames with none).
    const frames = await page.evaluate(() => globalThis.framesSeen);
    assert.ok(frames.length >= 5, `${frames.length} frames watched`);
    assert.ok(frames.every((marks) => marks > 0), `a frame without marks: ${frames.join(' ')}`);

    // By address, from localhost: a site the extension has no access to,
    // so only what its server lets other sites read can be fetched (as in
    // the shipped build, which has access to no site). Errors first, then
    // the served copy of the world-news dictionary.
    const url = options.getByLabel('Address (http or https)');
    const fetchButton = options.getByRole('button', { name: 'Fetch and add' });
    await url.fill(`${otherUrl}/www/pkg/no-such-dictionary.json`);
    await fetchButton.click();
    await result.filter({ hasText: 'HTTP 404' }).waitFor();
    await url.fill(`${otherUrl}/tests/e2e/pages/extension-plain.html`);
    await fetchButton.click();
    await result.filter({ hasText: 'must start with "{"' }).waitFor();
    await url.fill(`${otherUrl}/tests/e2e/pages/extension-csp.html`);
    await fetchButton.click();
    await result.filter({ hasText: 'does not let other sites read it' }).waitFor();
    await url.fill('ftp://127.0.0.1/dictionary.json');
    await fetchButton.click();
    await result.filter({ hasText: 'only http and https' }).waitFor();
    await url.fill(`${otherUrl}/www/pkg/world-news.json`);
    await fetchButton.click();
    await result.filter({ hasText: 'Added “World news” (1,788 entities).' }).waitFor();
    assert.match(await options.locator('.dictionary').nth(2).textContent(), /from http:\/\/localhost:\d+\/www\/pkg\/world-news\.json/);
    await status.filter({ hasText: 'from 2 dictionaries' }).waitFor();
    assert.match(await status.textContent(), /1 entity was skipped .*\(1 in “World news”\)/);
    await waitForState(tabId, (s) => ids(s).includes('country:armenia'));
    await options.locator('#result').evaluate((element) => element.blur());
    await options.locator('#sites .site-row').waitFor();
    await screenshot(options, 'extension-options', { fullPage: true });

    // Remove both, bundled back on: as at the start. Focus goes to the
    // row before, and the status says what was removed.
    await options.getByRole('button', { name: 'Remove World news' }).click();
    await status.filter({ hasText: 'Removed “World news”.' }).waitFor();
    assert.equal(await options.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Remove Test newsroom');
    await options.getByRole('button', { name: 'Remove Test newsroom' }).click();
    await status.filter({ hasText: 'Removed “Test newsroom”.' }).waitFor();
    assert.equal(await options.evaluate(() => document.activeElement?.id), 'active-bundled');
    await bundled.check();
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();
    assert.equal(await options.locator('.dictionary').count(), 1);
    const left = await inExtension(() => chrome.storage.local.get(null));
    assert.deepEqual(Object.keys(left).filter((key) => key.startsWith('dictionar')), ['dictionaries'], 'no dictionary text left behind');
    await waitForState(tabId, (s) => !ids(s).includes('event:monday-call') && ids(s).includes('country:armenia'));

    // The site turned on earlier is listed, and can be turned off here: the
    // open page clears and nothing stays registered.
    const siteRows = options.locator('#sites .site-row');
    assert.deepEqual(await siteRows.allTextContents(), ['127.0.0.1 (http)Turn off']);
    await options.getByRole('button', { name: 'Turn off 127.0.0.1 (http)' }).click();
    await options.locator('#no-sites').waitFor({ state: 'visible' });
    assert.equal(await siteRows.count(), 0);
    assert.equal(await options.evaluate(() => document.activeElement?.id), 'sites-heading', 'focus stays in the panel');
    assert.equal(await options.locator('#sites-status').textContent(), 'Turned off 127.0.0.1 (http).');
    assert.deepEqual(await registered(), []);
    await waitForHighlights(page, (p) => p.length === 0);
    await Promise.all([options.close(), page.close()]);
  });
});

describe('a stored dictionary this build refuses', () => {
  before(turnSiteOn);

  test('costs only itself: the others still highlight, and the options page says which one and why', async () => {
    const { page, problems } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('South Caucasus'));
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    const status = options.locator('#status');
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();
    // As an older, less strict build might have stored it: an entity
    // without a name, type or summary.
    await inExtension(async () => {
      const { dictionaries } = await chrome.storage.local.get('dictionaries');
      const index = dictionaries ?? { revision: 0, bundledActive: true, added: [] };
      const meta = { id: 'stale', title: 'Stale newsroom', entityCount: 1, bytes: 26, source: { kind: 'file', name: 'stale.json' }, addedAt: Date.now(), active: true };
      await chrome.storage.local.set({ 'dictionary:stale': '{"entities":[{"id":"x"}]}', dictionaries: { ...index, revision: index.revision + 1, added: [...index.added, meta] } });
    });
    await status.filter({ hasText: '“Stale newsroom” is not in use: the dictionary was refused' }).waitFor();
    assert.match(await status.textContent(), /^Highlighting with 1,788 entities from 1 dictionary\. .*entities\[0\].*remove it and add it again\.$/s);
    assert.equal(await status.evaluate((element) => element.classList.contains('bad')), true);
    // Its row says so too; the bundled one's does not.
    assert.match(await options.locator('#meta-stale').textContent(), / · not in use: see below$/);
    assert.doesNotMatch(await options.locator('#meta-bundled').textContent(), /not in use/);
    await screenshot(options, 'extension-options-not-in-use');
    const answer = await inExtension(() => chrome.runtime.sendMessage({ type: 'match', text: 'Talks in Baku.' }));
    assert.deepEqual(Object.values(answer.entities).map((record) => record.id), ['city:baku-az']);
    await options.getByRole('button', { name: 'Remove Stale newsroom' }).click();
    await options.waitForFunction(() => /^Removed “Stale newsroom”\. Highlighting with 1,788 entities from 1 dictionary\.$/.test(document.getElementById('status').textContent));
    assert.deepEqual(problems, []);
    await Promise.all([options.close(), page.close()]);
  });
});

describe('compact indexes', () => {
  // A compact index (.ehx, from the command-line tool) is how a reader
  // brings a dictionary of millions of names; its engine answers beside
  // the JSON dictionaries' one, and the two answers become one.
  const COMPACT = {
    name: 'Test talks (compact)',
    as_of: '2026-11-01',
    entities: [
      { id: 'event:caucasus-talks', name: 'Talks in the South Caucasus', type: 'event', summary: 'Our coverage of the talks.' },
      { id: 'organisation:foreign-ministers', name: 'foreign ministers', type: 'organisation', summary: 'The ministers who spoke by phone.' },
      { id: 'country:armenia', name: 'Armenia', type: 'country', summary: 'A second record of Armenia, which the bundled one outranks.' },
      { id: 'event:southern-summit', name: 'Summit of the South', type: 'event', summary: 'A summit that overlaps the bundled "South Caucasus".' },
    ],
  };
  let compactBytes;

  before(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'entity-highlighter-compact-'));
    try {
      await writeFile(path.join(dir, 'talks.json'), JSON.stringify(COMPACT));
      execFileSync('cargo', ['run', '--quiet', '--release', '--', 'index', path.join(dir, 'talks.json'), '-o', path.join(dir, 'talks.ehx')], { cwd: ROOT, stdio: 'pipe' });
      compactBytes = await readFile(path.join(dir, 'talks.ehx'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await turnSiteOn();
  });

  /** The keys of the compact indexes stored in the extension's IndexedDB. */
  const storedKeys = () => inExtension(async () => {
    // Opening a database that is not there would make it.
    if (!(await indexedDB.databases()).some((db) => db.name === 'entity-highlighter')) return [];
    return new Promise((resolve, reject) => {
      const open = indexedDB.open('entity-highlighter');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('compact-indexes')) {
          db.close();
          resolve([]);
          return;
        }
        const keys = db.transaction('compact-indexes').objectStore('compact-indexes').getAllKeys();
        keys.onsuccess = () => { db.close(); resolve(keys.result); };
        keys.onerror = () => reject(keys.error);
      };
    });
  });

  test('an .ehx file is checked, stored, matched beside the bundled dictionary, kept across a worker restart, and removed', async () => {
    const { page, problems: pageProblems } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('South Caucasus'));
    const tabId = await tabIdOf(page);
    const options = await context.newPage();
    await options.setViewportSize({ width: 900, height: 900 });
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    const status = options.locator('#status');
    const result = options.locator('#result');
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();

    // A JSON file over the engine's limit is refused with the way out.
    const huge = Buffer.alloc(33 * 1048576, 0x20);
    huge[0] = 0x7b;
    await options.locator('#file').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: huge });
    await options.getByRole('button', { name: 'Add file' }).click();
    await result.filter({ hasText: '“huge.json” was not added: it is 33.0 MiB; JSON dictionaries can be at most 32 MiB. Make a compact index of it' }).waitFor();

    // A damaged index is refused with what is wrong, and nothing is kept.
    const damaged = Buffer.concat([compactBytes.subarray(0, 40), Buffer.alloc(8)]);
    await options.locator('#file').setInputFiles({ name: 'damaged.ehx', mimeType: 'application/octet-stream', buffer: damaged });
    await options.getByRole('button', { name: 'Add file' }).click();
    await result.filter({ hasText: '“damaged.ehx” was not added:' }).waitFor();
    assert.match(await result.textContent(), /index/i, 'the refusal says it is about the index');
    assert.equal(await options.locator('.dictionary').count(), 1);
    assert.deepEqual(await storedKeys(), []);
    // One letter of a summary changed opens as an index, but its checksum
    // says where the file was damaged.
    const flipped = Buffer.from(compactBytes);
    flipped[flipped.indexOf('Our coverage')] ^= 0x20;
    await options.locator('#file').setInputFiles({ name: 'flipped.ehx', mimeType: 'application/octet-stream', buffer: flipped });
    await options.getByRole('button', { name: 'Add file' }).click();
    await result.filter({ hasText: '“flipped.ehx” was not added: the index file is damaged between bytes 0 and' }).waitFor();
    await screenshot(options, 'extension-options-damaged-index');
    assert.equal(await options.locator('.dictionary').count(), 1);
    assert.deepEqual(await storedKeys(), []);

    await options.locator('#file').setInputFiles({ name: 'talks.ehx', mimeType: 'application/octet-stream', buffer: compactBytes });
    await options.getByRole('button', { name: 'Add file' }).click();
    await result.filter({ hasText: 'Added “Test talks (compact)” (4 entities).' }).waitFor();
    assert.match(await options.locator('.dictionary').nth(1).textContent(), /4 entities · as of 2026-11-01 · compact index, \d+ KiB · from the file talks\.ehx/);
    await status.filter({ hasText: 'Highlighting with 1,792 entities from 2 dictionaries.' }).waitFor();
    assert.equal((await storedKeys()).length, 1);
    await options.locator('#result').evaluate((element) => element.blur());
    await screenshot(options, 'extension-options-compact', { fullPage: true });
    assert.deepEqual(await inExtension(() => chrome.storage.local.get(null).then((all) => Object.keys(all).filter((key) => key.startsWith('dictionary:')))), [], 'the bytes are not in storage.local');

    // The open page follows. The index's longer name wins over the bundled
    // "South Caucasus" inside it; its lower-case name is found too.
    const state = await waitForState(tabId, (s) => ids(s).includes('event:caucasus-talks'));
    assert.ok(ids(state).includes('organisation:foreign-ministers'), `ids: ${ids(state)}`);
    assert.ok(!ids(state).includes('region:south-caucasus'), `ids: ${ids(state)}`);
    const pieces = await waitForHighlights(page, (p) => p.includes('Talks in the South Caucasus'));
    assert.ok(pieces.includes('foreign ministers') && pieces.includes('Baku'), `pieces: ${pieces}`);

    // Where both dictionaries name the same entity at the same place, the
    // bundled record alone is given (it is higher in the list).
    const answer = await inExtension(() => chrome.runtime.sendMessage({ type: 'match', text: 'Armenia, then the foreign ministers of Armenia.' }));
    const mentions = [];
    for (let i = 0; i < answer.triples.length; i += 3) mentions.push([answer.triples[i], answer.triples[i + 1], answer.entities[answer.triples[i + 2]].id]);
    assert.deepEqual(mentions, [[0, 7, 'country:armenia'], [18, 35, 'organisation:foreign-ministers'], [39, 46, 'country:armenia']]);
    assert.ok(Object.values(answer.entities).every((record) => !/second record/.test(record.summary)), 'the bundled record of Armenia');
    // The index's "Summit of the South" starts first and beats the bundled
    // "South Caucasus"; the bundled "Caucasus" inside that is still found,
    // as one dictionary holding both would find it.
    const overlapping = await inExtension(() => chrome.runtime.sendMessage({ type: 'match', text: 'At the Summit of the South Caucasus, talks.' }));
    const found = [];
    for (let i = 0; i < overlapping.triples.length; i += 3) found.push([overlapping.triples[i], overlapping.triples[i + 1], overlapping.entities[overlapping.triples[i + 2]].id]);
    assert.deepEqual(found, [[7, 26, 'event:southern-summit'], [27, 35, 'region:caucasus']]);

    // A change that leaves the index alone keeps its engine: the bundled
    // dictionary off and on again reads nothing from IndexedDB, and fetches
    // the bundled dictionary once, for its own engine.
    const worker = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
    await worker.evaluate(() => {
      globalThis.readsSeen = { indexedDb: 0, bundled: 0 };
      const open = indexedDB.open.bind(indexedDB);
      indexedDB.open = (...args) => {
        globalThis.readsSeen.indexedDb += 1;
        return open(...args);
      };
      const originalFetch = globalThis.fetch;
      globalThis.fetch = (input, init) => {
        if (String(input?.url ?? input).endsWith('/world-news.json')) globalThis.readsSeen.bundled += 1;
        return originalFetch(input, init);
      };
    });
    const bundledBox = options.getByRole('checkbox', { name: 'World news (bundled)' });
    await bundledBox.uncheck();
    await status.filter({ hasText: 'Highlighting with 4 entities from 1 dictionary.' }).waitFor();
    await waitForState(tabId, (s) => ids(s).includes('event:caucasus-talks') && !ids(s).includes('city:baku-az'));
    await bundledBox.check();
    await status.filter({ hasText: 'Highlighting with 1,792 entities from 2 dictionaries.' }).waitFor();
    await waitForState(tabId, (s) => ids(s).includes('event:caucasus-talks') && ids(s).includes('city:baku-az'));
    assert.deepEqual(await worker.evaluate(() => globalThis.readsSeen), { indexedDb: 0, bundled: 1 });

    // A stopped service worker reads the index again from IndexedDB.
    const cdp = await context.newCDPSession(control);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    const again = await openTab('extension-plain.html');
    await waitForHighlights(again.page, (p) => p.includes('Talks in the South Caucasus'));
    assert.deepEqual(again.problems, []);
    await again.page.close();

    // An index the engine no longer takes (here one from a format before
    // the versions this build reads, as after an update) costs only
    // itself: the other dictionaries still highlight, and the options
    // page says which one is not in use and why.
    await options.evaluate(async () => {
      const { dictionaries } = await chrome.storage.local.get('dictionaries');
      const id = dictionaries.added.find((meta) => meta.format === 'compact').id;
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open('entity-highlighter');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const store = db.transaction('compact-indexes', 'readwrite').objectStore('compact-indexes');
      const bytes = new Uint8Array(await new Promise((resolve) => { store.get(id).onsuccess = (event) => resolve(event.target.result); }));
      new DataView(bytes.buffer).setUint32(4, 6, true);
      await new Promise((resolve) => { store.put(bytes.buffer, id).onsuccess = resolve; });
      db.close();
    });
    const stop = await context.newCDPSession(control);
    await stop.send('ServiceWorker.enable');
    await stop.send('ServiceWorker.stopAllWorkers');
    await stop.detach();
    const older = await openTab('extension-plain.html');
    const olderPieces = await waitForHighlights(older.page, (p) => p.includes('South Caucasus'));
    assert.ok(!olderPieces.includes('Talks in the South Caucasus'), `pieces: ${olderPieces}`);
    await older.page.close();
    await options.reload();
    await status.filter({ hasText: '“Test talks (compact)” is not in use: index format version 6, made by an older build' }).waitFor();
    assert.match(await status.textContent(), /^Highlighting with 1,788 entities from 1 dictionary\. .*remove it and add it again\.$/);

    // Removed: gone from IndexedDB too, and the page back to the bundled
    // dictionary's mentions.
    await options.bringToFront();
    await options.getByRole('button', { name: 'Remove Test talks (compact)' }).click();
    await status.filter({ hasText: 'Removed “Test talks (compact)”.' }).waitFor();
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();
    assert.deepEqual(await storedKeys(), []);
    await waitForState(tabId, (s) => !ids(s).includes('event:caucasus-talks') && ids(s).includes('region:south-caucasus'));

    // By address: the download's progress is shown under the form while
    // it lasts, then hidden.
    await mkdir(path.join(ROOT, 'www', 'dist', 'test'), { recursive: true });
    await writeFile(path.join(ROOT, 'www', 'dist', 'test', 'talks.ehx'), compactBytes);
    await options.evaluate(() => {
      const row = document.getElementById('url-progress-row');
      globalThis.progressSeen = [];
      new MutationObserver(() => {
        if (!row.hidden) globalThis.progressSeen.push(document.getElementById('url-progress-text').textContent);
      }).observe(row, { attributes: true, subtree: true, childList: true, characterData: true });
    });
    await options.getByLabel('Address (http or https)').fill(`${otherUrl}/www/dist/test/talks.ehx`);
    await options.getByRole('button', { name: 'Fetch and add' }).click();
    await result.filter({ hasText: 'Added “Test talks (compact)” (4 entities).' }).waitFor();
    const seen = await options.evaluate(() => globalThis.progressSeen);
    assert.ok(seen.some((text) => /^\d+ KiB of \d+ KiB$/.test(text)), `progress seen: ${JSON.stringify(seen)}`);
    assert.equal(await options.locator('#url-progress-row').isHidden(), true);
    assert.match(await options.locator('.dictionary').nth(1).textContent(), /compact index, \d+ KiB · from http:\/\/localhost:\d+\/www\/dist\/test\/talks\.ehx/);
    await status.filter({ hasText: 'Highlighting with 1,792 entities from 2 dictionaries.' }).waitFor();
    await options.getByRole('button', { name: 'Remove Test talks (compact)' }).click();
    await status.filter({ hasText: 'Highlighting with 1,788 entities from 1 dictionary.' }).waitFor();
    assert.deepEqual(await storedKeys(), []);
    assert.deepEqual(pageProblems, []);
    await Promise.all([options.close(), page.close()]);
  });
});

describe('accessibility of the extension\'s pages', () => {
  before(turnSiteOn);

  /** axe-core's violations on `page`. Its source is run through DevTools:
   * the extension pages' CSP allows no inline script. */
  async function violations(page) {
    await page.evaluate(await readFile(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
    return page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  }

  test('axe-core finds no violations on the options page (a refusal shown, a download under way) or the popup', async () => {
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.locator('#status').filter({ hasText: 'Highlighting with' }).waitFor();
    await options.locator('#file').setInputFiles({ name: 'broken.ehx', mimeType: 'application/octet-stream', buffer: Buffer.from('EHIX and nothing more') });
    await options.getByRole('button', { name: 'Add file' }).click();
    await options.locator('#result').filter({ hasText: 'was not added' }).waitFor();
    // The download's progress as it shows while a file comes in.
    await options.evaluate(() => {
      document.getElementById('url-progress-row').hidden = false;
      document.getElementById('url-progress').value = 0.4;
      document.getElementById('url-progress-text').textContent = '15.1 MiB of 37.8 MiB';
    });
    assert.deepEqual(await violations(options), []);

    const { page } = await openTab('extension-plain.html');
    await waitForHighlights(page, (p) => p.includes('Baku'));
    const popup = await openPopup(await tabIdOf(page));
    await popup.locator('#found').waitFor({ state: 'visible' });
    assert.deepEqual(await violations(popup), []);
    await Promise.all([options.close(), page.close(), popup.close()]);
  });
});

describe('packaging', () => {
  test('web-ext lint passes on the Firefox build with no errors and no warnings', async () => {
    const webExt = path.join(ROOT, 'node_modules', '.bin', 'web-ext');
    const { stdout } = await promisify(execFile)(webExt, ['lint', '--source-dir', FIREFOX_BUILD, '--output', 'json', '--no-config-discovery'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })
      .catch((error) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout);
    assert.deepEqual(report.errors.map((e) => `${e.code}: ${e.message}`), []);
    assert.deepEqual(report.warnings.map((w) => `${w.code}: ${w.message}`), []);
    assert.equal(report.summary.errors, 0);
    assert.equal(report.summary.warnings, 0);
  });

  test('the shipped manifests ask for no site and the least permissions; the test build differs only in its host permission', async () => {
    for (const dir of [CHROMIUM_BUILD, FIREFOX_BUILD]) {
      const text = await readFile(path.join(dir, 'manifest.json'), 'utf8');
      const manifest = JSON.parse(text);
      assert.deepEqual(manifest.permissions, ['storage', 'unlimitedStorage', 'activeTab', 'scripting'], dir);
      assert.deepEqual(manifest.optional_host_permissions, ['http://*/*', 'https://*/*'], dir);
      for (const key of ['host_permissions', 'content_scripts', 'optional_permissions', 'externally_connectable', 'web_accessible_resources']) {
        assert.equal(manifest[key], undefined, `${dir}: no ${key}`);
      }
      assert.doesNotMatch(text, /<all_urls>|\*:\/\/\*/, `${dir}: no all-sites pattern`);
      assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
      assert.deepEqual(Object.keys(manifest.content_security_policy), ['extension_pages']);
    }
    const shipped = JSON.parse(await readFile(path.join(CHROMIUM_BUILD, 'manifest.json'), 'utf8'));
    const tested = JSON.parse(await readFile(path.join(testBuild, 'manifest.json'), 'utf8'));
    assert.deepEqual(tested.host_permissions, TEST_HOST_PERMISSIONS);
    delete tested.host_permissions;
    assert.deepEqual(tested, shipped);
    for (const name of await readdir(CHROMIUM_BUILD)) {
      if (name === 'manifest.json' || !/\.(js|html|css)$/.test(name)) continue;
      assert.equal(await readFile(path.join(testBuild, name), 'utf8'), await readFile(path.join(CHROMIUM_BUILD, name), 'utf8'), `${name} as shipped`);
    }
  });

  test('the shipped code loads nothing remote and evaluates no strings', async () => {
    // The only web address in the scripts is a namespace name, which is
    // compared, never fetched. (The options page's HTML has an example
    // address as a placeholder.)
    const NAMESPACES = new Set(['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg']);
    for (const dir of [CHROMIUM_BUILD, FIREFOX_BUILD]) {
      const files = (await readdir(dir, { recursive: true })).filter((name) => /\.(js|html)$/.test(name));
      assert.ok(files.includes('background.js') && files.includes('content.js') && files.includes('popup.js') && files.includes('options.js'), `${files}`);
      for (const name of files) {
        const code = await readFile(path.join(dir, name), 'utf8');
        if (name.endsWith('.js')) {
          const addresses = [...code.matchAll(/\b(?:https?|wss?|ftp):\/\/[^\s'"`)<>]*/g)].map((m) => m[0]).filter((a) => !NAMESPACES.has(a));
          assert.deepEqual(addresses, [], `${dir}/${name}: no web address`);
        }
        assert.doesNotMatch(code, /\beval\s*\(|\bnew\s+Function\s*\(|\bimportScripts\s*\(|\bimport\s*\(\s*[^'"\s]/, `${dir}/${name}: no eval, Function, importScripts or computed import()`);
        assert.doesNotMatch(code, /\bsetTimeout\s*\(\s*['"`]|\bsetInterval\s*\(\s*['"`]/, `${dir}/${name}: no string timers`);
        if (name.endsWith('.html')) assert.doesNotMatch(code, /<script(?![^>]*src="[\w.]+\.js")/, `${name}: only local script files`);
      }
      const background = await readFile(path.join(dir, 'background.js'), 'utf8');
      assert.equal(background.includes('onMessageExternal') || background.includes('onConnectExternal'), false, 'no listener for other extensions or pages');
    }
  });
});
