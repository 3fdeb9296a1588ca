// Shared helpers for the end-to-end tests (`node --test tests/e2e/`).
//
//   import { startServer, launchBrowser, openPage, screenshot } from './harness.mjs';
//
//   const server = await startServer();            // scripts/serve.mjs, free port
//   const browser = await launchBrowser();          // headless Debian Chromium
//   const { page, consoleErrors, pageErrors } = await openPage(browser, `${server.url}/www/demo/`);
//   await screenshot(page, 'demo-wide');            // target/screenshots/demo-wide.png
//   assert.deepEqual(consoleErrors, []);
//   await browser.close(); await server.close();
//
// Only playwright-core is used, with the system's /usr/bin/chromium (never a
// downloaded browser). Set HEADED=1 to watch the browser.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export { startServer } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A small dictionary of South Caucasus news, shared by the tests of live
 * pages. */
export const NEWS_DICTIONARY = {
  entities: [
    { id: 'person:ilham-aliyev', name: 'Ilham Aliyev', type: 'person', summary: 'President of Azerbaijan.' },
    { id: 'person:nikol-pashinyan', name: 'Nikol Pashinyan', type: 'person', summary: 'Prime Minister of Armenia.' },
    { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
    { id: 'city:yerevan', name: 'Yerevan', type: 'city', summary: 'Capital of Armenia.' },
    { id: 'city:washington', name: 'Washington', type: 'city', summary: 'Capital of the United States.' },
    { id: 'country:georgia', name: 'Georgia', type: 'country', summary: 'A country in the South Caucasus.' },
    { id: 'region:central-asia', name: 'Central Asia', type: 'region', summary: 'Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan.' },
  ],
};

/** Where `screenshot()` writes. */
export const SCREENSHOT_DIR = path.join(ROOT, 'target', 'screenshots');

/** The Chromium binary (override with CHROMIUM_PATH). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium. Close it with `browser.close()`. */
export function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: !process.env.HEADED,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/**
 * Opens `url` in a new context and page, and collects problems while it runs:
 * `consoleErrors` gets the text of every `console.error` (and every failed
 * resource load Chromium reports on the console, except the browser's own
 * /favicon.ico request), `pageErrors` every uncaught exception or unhandled
 * rejection. Both arrays keep filling after return.
 *
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ viewport?: { width: number, height: number }, colorScheme?: 'light' | 'dark',
 *           waitUntil?: 'load' | 'domcontentloaded' | 'networkidle', hasTouch?: boolean, isMobile?: boolean }} [options]
 *   Other keys are passed to `browser.newContext`.
 * @returns {Promise<{ page: import('playwright-core').Page, context: import('playwright-core').BrowserContext,
 *                     consoleErrors: string[], pageErrors: Error[] }>}
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', waitUntil = 'load', ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, ...contextOptions });
  const page = await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url;
    // Chromium asks every new origin for /favicon.ico unless the page names an
    // icon, and logs the 404; that is the browser's request, not the page's.
    if (where && new URL(where).pathname === '/favicon.ico') return;
    consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error));
  // Closing the page closes its context too, so callers need only `page.close()`.
  page.once('close', () => context.close().catch(() => {}));
  await page.goto(url, { waitUntil });
  return { page, context, consoleErrors, pageErrors };
}

/** Saves a PNG of the viewport (or the full page) to target/screenshots/NAME.png; returns its path. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
