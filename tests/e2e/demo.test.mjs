// End-to-end tests of the standalone demo page (www/demo/).
//   node --test tests/e2e/demo.test.mjs
// Screenshots go to target/screenshots/demo-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
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

/** Opens the demo and waits until its first pass is on screen. */
async function openDemo(options) {
  const opened = await openPage(browser, `${server.url}/www/demo/`, options);
  const { page } = opened;
  await page.waitForFunction(() => document.documentElement.dataset.demoState !== 'loading', null, { timeout: 30_000 });
  const state = await page.evaluate(() => document.documentElement.dataset.demoState);
  if (state !== 'ready') {
    const status = await page.textContent('#status');
    throw new Error(`the demo did not start (${state}): ${status}\nconsole: ${opened.consoleErrors.join('\n')}\nerrors: ${opened.pageErrors.join('\n')}`);
  }
  return opened;
}

/** Number of highlighting passes so far (the demo counts them on <html>). */
const passes = (page) => page.evaluate(() => Number(document.documentElement.dataset.demoPasses ?? 0));

/** Runs `action`, then waits for the next highlighting pass to finish. */
async function afterNextPass(page, action) {
  const before = await passes(page);
  await action();
  await page.waitForFunction((n) => Number(document.documentElement.dataset.demoPasses ?? 0) > n, before, { timeout: 20_000 });
}

/** Distinct mentions in the article (a mention may span several wrappers). */
const mentionCount = (page) =>
  page.evaluate(() => new Set([...document.querySelectorAll('#article entity-mention')].map((e) => e.dataset.mention)).size);

const listedEntities = (page) => page.$$eval('#entity-list .entity-button__name', (names) => names.map((n) => n.textContent));

function assertNoErrors({ consoleErrors, pageErrors }, allowed = []) {
  const unexpected = consoleErrors.filter((text) => !allowed.some((pattern) => pattern.test(text)));
  assert.deepEqual(unexpected, [], `console errors:\n${unexpected.join('\n')}`);
  assert.deepEqual(pageErrors.map(String), [], 'uncaught exceptions');
}

test('opens with the sample article highlighted, counts, timings and dictionary facts', async () => {
  const opened = await openDemo();
  const { page } = opened;
  try {
    const wrappers = await page.locator('#article entity-mention').count();
    assert.ok(wrappers >= 30, `expected at least 30 entity-mention elements, got ${wrappers}`);

    // The list shows the most mentioned first, and the rest on request.
    const toggle = page.locator('#entities-toggle');
    assert.ok(await toggle.isVisible(), 'the sample names more entities than the list shows at first');
    // From the keyboard: the button stays in view once the rest is shown
    // above it, in its scrolling panel.
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.ok(await toggle.evaluate((button) => {
      const box = button.getBoundingClientRect();
      let panel = button.parentElement;
      while (panel && getComputedStyle(panel).overflowY === 'visible') panel = panel.parentElement;
      const frame = (panel ?? document.documentElement).getBoundingClientRect();
      return box.top >= Math.max(0, frame.top) - 1 && box.bottom <= Math.min(innerHeight, frame.bottom) + 1;
    }), 'the focused button is in view');
    const names = await page.$$eval('#entity-list .entity-button__name', (els) => els.filter((e) => e.checkVisibility()).map((e) => e.textContent));
    for (const name of ['Azerbaijan', 'Ilham Aliyev', 'Armenia', 'Nikol Pashinyan']) {
      assert.ok(names.includes(name), `${name} is listed (got ${names.join(', ')})`);
    }
    assert.equal(names.length, (await listedEntities(page)).length, 'every entity is shown once expanded');

    // The totals agree with the page.
    const mentions = await mentionCount(page);
    assert.equal(await page.textContent('#total-mentions'), String(mentions));
    assert.equal(await page.textContent('#total-entities'), String(names.length));

    // Counts per type add up to the total.
    const typeCounts = await page.$$eval('#type-counts .type-counts__item', (items) =>
      Object.fromEntries(items.map((li) => [li.dataset.type, Number(li.querySelector('.type-counts__value').textContent)])),
    );
    assert.ok(typeCounts.person > 0 && typeCounts.country > 0, JSON.stringify(typeCounts));
    assert.equal(Object.values(typeCounts).reduce((a, b) => a + b, 0), mentions);

    // Every stage has a time; a first load starts the engine and the dictionary.
    const timings = await page.$$eval('#timings dd[data-stage]', (dds) => Object.fromEntries(dds.map((dd) => [dd.dataset.stage, dd.textContent])));
    for (const stage of ['wasmStartup', 'dictionaryReady', 'extraction', 'matching', 'domChanges', 'total']) {
      assert.match(timings[stage] ?? '', /^(\d[\d,]*(\.\d+)? ms|cached)$/, `${stage}: ${timings[stage]}`);
    }
    assert.match(timings.wasmStartup, / ms$/);
    assert.match(timings.dictionaryReady, / ms$/);
    assert.ok(await page.locator('#timings-check-row').isHidden(), 'no index was checked for the bundled dictionary');

    assert.equal(await page.textContent('#dict-title'), 'World news');
    assert.match(await page.textContent('#dict-date'), /^\d{4}-\d{2}(-\d{2})?$/);
    assert.match(await page.textContent('#dict-count'), /^\d{1,3}(,\d{3})*$/);
    assert.ok(Number((await page.textContent('#dict-count')).replace(/,/g, '')) > 1000);

    // Only the article is highlighted, not the page's own interface.
    assert.equal(await page.locator('aside entity-mention, header entity-mention').count(), 0);

    assertNoErrors(opened);
  } finally {
    await page.close();
  }
});

test('every request the demo makes succeeds, its icon included', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const failed = [];
  page.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`); });
  page.on('requestfailed', (request) => failed.push(`failed ${new URL(request.url()).pathname}`));
  try {
    await page.goto(`${server.url}/www/demo/`);
    await page.waitForFunction(() => document.documentElement.dataset.demoState === 'ready', null, { timeout: 30_000 });
    // The browser asks for an icon once the page has loaded; without one
    // declared it asks for /favicon.ico, which a static host answers 404.
    const icon = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="icon"]');
      const response = link && await fetch(link.href);
      return response && { status: response.status, type: response.headers.get('content-type') };
    });
    assert.deepEqual(icon, { status: 200, type: 'image/svg+xml' });
    await page.waitForTimeout(300);
    assert.deepEqual(failed, []);
  } finally {
    await context.close();
  }
});

test('screenshots: wide and narrow, light and dark', async () => {
  const shots = [
    { name: 'demo-1280x900', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
    { name: 'demo-1280x900-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
    { name: 'demo-390x844', viewport: { width: 390, height: 844 }, colorScheme: 'light' },
    { name: 'demo-390x844-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' },
    // The narrowest phones: an auto grid column once made the page 352 px wide.
    { name: 'demo-320x640', viewport: { width: 320, height: 640 }, colorScheme: 'light' },
  ];
  for (const { name, viewport, colorScheme } of shots) {
    const opened = await openDemo({ viewport, colorScheme });
    try {
      await screenshot(opened.page, name);
      await screenshot(opened.page, `${name}-full`, { fullPage: true });
      // Nothing is wider than the viewport.
      const overflow = await opened.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
      assertNoErrors(opened);
    } finally {
      await opened.page.close();
    }
  }
});

test('the step keys are named where there is a keyboard, not on a touch screen', async () => {
  for (const [device, options, shown] of [['desktop', {}, true], ['phone', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }, false]]) {
    const opened = await openDemo(options);
    try {
      assert.equal(await opened.page.locator('#entities-hint .keys-hint').isVisible(), shown, device);
      assert.match(await opened.page.locator('#entities-hint').innerText(), /^Select an entity to step through its mentions\./, device);
    } finally {
      await opened.page.close();
    }
  }
});

test('the legend\'s type colours are those of the highlights in the text', async () => {
  const opened = await openDemo();
  try {
    const pairs = await opened.page.evaluate(() => {
      const channels = (color) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const seen = {};
      for (const dot of document.querySelectorAll('.type-dot[data-type]')) {
        const type = dot.dataset.type;
        const mention = document.querySelector(`#article entity-mention[data-type="${type}"]`);
        if (!mention || seen[type]) continue;
        seen[type] = { legend: channels(getComputedStyle(dot).backgroundColor), text: channels(getComputedStyle(mention).getPropertyValue('--eh-accent')) };
      }
      return seen;
    });
    assert.ok(Object.keys(pairs).length >= 4, `types compared: ${Object.keys(pairs)}`);
    for (const [type, { legend, text }] of Object.entries(pairs)) assert.deepEqual(legend, text, `${type}: legend ${legend}, highlight ${text}`);
  } finally {
    await opened.page.close();
  }
});

test('pasted plain text: blank lines make paragraphs, each in the direction of its own script', async () => {
  const opened = await openDemo();
  const { page } = opened;
  try {
    await page.click('#paste-panel summary');
    await page.fill('#paste-input', 'Talks in Baku resumed.\n\nالتقى الرئيس في Baku و Yerevan.\nسطر ثان.');
    await afterNextPass(page, () => page.click('button:has-text("Highlight this")'));
    const paragraphs = await page.locator('#article p').evaluateAll((ps) => ps.map((p) => ({ direction: getComputedStyle(p).direction, lines: p.querySelectorAll('br').length + 1 })));
    assert.deepEqual(paragraphs, [{ direction: 'ltr', lines: 1 }, { direction: 'rtl', lines: 2 }]);
    assert.deepEqual(await page.locator('#article entity-mention').allTextContents(), ['Baku', 'Baku', 'Yerevan']);
    assert.deepEqual(opened.consoleErrors, []);
  } finally {
    await opened.page.close();
  }
});

test('pasted HTML is sanitised: the name is highlighted, nothing runs or loads', async () => {
  const opened = await openDemo();
  const { page } = opened;
  const requests = [];
  page.on('request', (request) => requests.push(`${request.resourceType()} ${request.url()}`));
  try {
    await page.click('#paste-panel summary');
    const html = [
      '<h2 onclick="window.__pwned=3">Talks <i>resume</i></h2>',
      '<p style="color:red" class="x">Azerbaijani President <b>Ilham Aliyev</b> met officials in Brussels.</p>',
      '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">',
      '<style>body{display:none}</style><iframe src="/www/demo/"></iframe>',
      '<svg><script>window.__pwned=4</script><text>svg text</text></svg>',
      '<a href="javascript:window.__pwned=5">a link</a><template><p>template text</p></template>',
    ].join('\n');
    await page.fill('#paste-input', html);
    await afterNextPass(page, () => page.click('button:has-text("Highlight this")'));
    await page.waitForTimeout(300); // give an onerror handler a chance to run, were it attached

    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const article = page.locator('#article');
    assert.equal(await article.locator('script, img, style, iframe, svg, template, [onclick], [onerror], [style], [class]:not(.pasted), [href]').count(), 0);
    assert.equal(await article.locator('h2').count(), 1);
    assert.equal(await article.locator('a').count(), 1);
    const text = await article.textContent();
    assert.ok(!text.includes('svg text') && !text.includes('template text') && !text.includes('__pwned'), text);

    const names = await article.locator('entity-mention').allTextContents();
    assert.ok(names.includes('Ilham Aliyev'), `highlighted: ${names.join(', ')}`);
    assert.ok((await listedEntities(page)).includes('Ilham Aliyev'));
    assert.equal(await page.locator('body').isVisible(), true);

    // Nothing was loaded for the pasted content (no image, frame, script or style).
    assert.deepEqual(requests, []);

    // Plain text: paragraphs at blank lines.
    await page.fill('#paste-input', 'Kenya and Brazil signed a coffee deal.\n\nThe World Health Organization was not involved.');
    await afterNextPass(page, () => page.click('button:has-text("Highlight this")'));
    assert.equal(await article.locator('p').count(), 2);
    const plainNames = await listedEntities(page);
    for (const name of ['Kenya', 'Brazil']) assert.ok(plainNames.includes(name), plainNames.join(', '));

    // And back to the sample.
    await afterNextPass(page, () => page.click('#sample-button'));
    assert.ok((await mentionCount(page)) >= 30);

    assertNoErrors(opened);
  } finally {
    await page.close();
  }
});

test('a bad dictionary file shows every problem with where it is, and keeps the old highlights', async () => {
  const opened = await openDemo();
  const { page } = opened;
  try {
    const before = await mentionCount(page);
    const beforeNames = await listedEntities(page);

    // Valid JSON, invalid dictionary: several problems at once.
    const refused = JSON.stringify({
      name: 'Broken',
      entities: [
        { id: 'person:someone', name: 'Someone', type: 'person', summary: 'A person.', url: 'javascript:alert(1)' },
        { id: 'person:someone', name: 'Someone else', type: 'Person', sumary: 'Misspelt.' },
      ],
    }, null, 2);
    await page.setInputFiles('#dictionary-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(refused) });
    const problems = page.locator('#dictionary-error .error-panel__list li');
    await problems.first().waitFor({ timeout: 20_000 });
    assert.ok((await problems.count()) >= 2, `problems: ${await page.textContent('#dictionary-error')}`);
    const locations = await page.locator('#dictionary-error .error-panel__location').allTextContents();
    assert.ok(locations.some((l) => /\d+:\d+|line \d+|entities\[\d+\]|entities\/\d+|entity \d+/i.test(l)), `locations: ${locations.join(' | ')}`);
    assert.match(await page.textContent('#dictionary-error'), /broken\.json/);
    // Said by the status line; the file field is marked refused and
    // described by the panel's heading and count, not an alert read whole.
    assert.deepEqual(await page.evaluate(() => {
      const field = document.getElementById('dictionary-file');
      return [document.getElementById('dictionary-error').getAttribute('role'), field.getAttribute('aria-invalid'), field.getAttribute('aria-describedby')];
    }), [null, 'true', 'dictionary-file-hint dictionary-error-title dictionary-error-intro']);

    // The old highlighting and dictionary stay.
    assert.equal(await mentionCount(page), before);
    assert.deepEqual(await listedEntities(page), beforeNames);
    assert.equal(await page.textContent('#dict-title'), 'World news');

    // Not JSON at all: a line and column.
    await page.setInputFiles('#dictionary-file', { name: 'syntax.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "entities": [\n    { "id": "x", }\n  ]\n}\n') });
    await page.locator('#dictionary-error', { hasText: 'syntax.json' }).waitFor({ timeout: 20_000 });
    const syntaxLocations = await page.locator('#dictionary-error .error-panel__location').allTextContents();
    assert.ok(syntaxLocations.some((l) => /\b3\b/.test(l) && /\d+\D+\d+/.test(l)), `syntax error location: ${syntaxLocations.join(' | ')}`);
    assert.equal(await mentionCount(page), before);

    // 240 problems: the engine lists 200 and counts them all; the panel
    // shows 50 and says how many more there are.
    const many = JSON.stringify({ entities: Array.from({ length: 240 }, (_, i) => ({ id: `e${i}`, name: '', type: 'city', summary: 's' })) });
    await page.setInputFiles('#dictionary-file', { name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(many) });
    await page.locator('#dictionary-error', { hasText: 'many.json' }).waitFor({ timeout: 20_000 });
    assert.match(await page.textContent('#dictionary-error .error-panel__intro'), /^240 problems found\./);
    assert.equal(await page.locator('#dictionary-error .error-panel__list li').count(), 50);
    assert.equal(await page.textContent('#dictionary-error .error-panel__more'), '…and 190 more.');

    // An empty file says so, and the status line names it, not the file
    // refused before; Dismiss brings back the page's own status.
    await page.setInputFiles('#dictionary-file', { name: 'empty.json', mimeType: 'application/json', buffer: Buffer.from('  \n') });
    await page.locator('#dictionary-error', { hasText: 'empty.json' }).waitFor({ timeout: 20_000 });
    assert.match(await page.textContent('#dictionary-error .error-panel__list'), /the file is empty/);
    assert.equal(await page.textContent('#status-text'), '“empty.json” was not loaded; the previous dictionary is still in use');
    await page.click('#dictionary-error button:has-text("Dismiss")');
    assert.match(await page.textContent('#status-text'), /^[\d,]+ mentions of [\d,]+ entities highlighted$/);
    assert.equal(await page.getAttribute('#status', 'data-tone'), 'ok');

    // A good dictionary replaces the highlights; the bundled one comes back.
    const good = JSON.stringify({
      name: 'Tiny',
      as_of: '2026-11',
      entities: [
        { id: 'city:baku', name: 'Baku', type: 'city', summary: 'Capital of Azerbaijan.' },
        { id: 'route:tripp', name: 'TRIPP', type: 'route', summary: 'A transit route.', aliases: ['Trump Route for International Peace and Prosperity'] },
        { id: 'place:white-house', name: 'White House', type: 'landmark', summary: 'A building in Washington.' },
      ],
    });
    await afterNextPass(page, () => page.setInputFiles('#dictionary-file', { name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(good) }));
    assert.equal(await page.locator('#dictionary-error li').count(), 0, 'the error panel is cleared');
    assert.equal(await page.textContent('#dict-title'), 'Tiny');
    assert.equal(await page.textContent('#dict-count'), '3');
    assert.deepEqual((await listedEntities(page)).sort(), ['Baku', 'TRIPP', 'White House']);
    // A type outside the standard list gets its own filter.
    assert.equal(await page.locator('#type-filters input[value="landmark"]').count(), 1);

    assert.equal(await page.getAttribute('#dictionary-file', 'aria-invalid'), null, 'no longer marked refused');
    // From the keyboard: the button keeps focus, now unavailable.
    await page.focus('#bundled-button');
    await afterNextPass(page, () => page.keyboard.press('Enter'));
    assert.deepEqual(await page.evaluate(() => [document.activeElement?.id, document.activeElement?.getAttribute('aria-disabled')]), ['bundled-button', 'true']);
    assert.equal(await page.textContent('#dict-title'), 'World news');
    assert.equal(await mentionCount(page), before);
    assert.equal(await page.locator('#type-filters input[value="landmark"]').count(), 0, 'the custom type is gone again');

    // The core reports a refused dictionary on the console too, by design.
    assertNoErrors(opened, [/^entity-highlighter: /]);
  } finally {
    await page.close();
  }
});

test('options: first mention only, and entity types', async () => {
  const opened = await openDemo();
  const { page } = opened;
  try {
    const all = await mentionCount(page);
    const entities = (await listedEntities(page)).length;
    await afterNextPass(page, () => page.getByLabel('First per entity').check());
    const first = await mentionCount(page);
    assert.ok(first < all, `first-mention count ${first} is below ${all}`);
    assert.equal(first, entities, 'one mention per entity');
    assert.equal(await page.textContent('#total-mentions'), String(first));

    await afterNextPass(page, () => page.getByLabel('All mentions').check());
    assert.equal(await mentionCount(page), all);

    // Types: turn people off.
    await afterNextPass(page, () => page.locator('#type-filters input[value="person"]').uncheck());
    assert.equal(await page.locator('#article entity-mention[data-type="person"]').count(), 0);
    assert.ok(!(await listedEntities(page)).includes('Ilham Aliyev'));
    assert.ok((await mentionCount(page)) > 0 && (await mentionCount(page)) < all);
    for (const type of ['person', 'country', 'city', 'region', 'organisation', 'agreement', 'event', 'route', 'media']) {
      assert.equal(await page.locator(`#type-filters input[value="${type}"]`).count(), 1, `${type} filter`);
    }
    await afterNextPass(page, () => page.click('#types-all'));
    assert.equal(await mentionCount(page), all);

    assertNoErrors(opened);
  } finally {
    await page.close();
  }
});

test('selecting an entity steps through its mentions', async () => {
  const opened = await openDemo();
  const { page } = opened;
  try {
    const button = page.locator('#entity-list .entity-button', { has: page.locator('.entity-button__name', { hasText: /^Azerbaijan$/ }) });
    const count = Number((await button.locator('.entity-button__count').textContent()).match(/\d+/)[0]);
    assert.ok(count >= 2, `Azerbaijan is mentioned ${count} times`);

    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.localName === 'entity-mention'
          ? { entity: el.dataset.entity, mention: el.dataset.mention, flashing: el.classList.contains('demo-flash'), inView: (() => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })() }
          : { tag: el?.localName };
      });

    await button.click();
    const first = await focused();
    assert.equal(first.entity, 'country:azerbaijan', JSON.stringify(first));
    assert.equal(first.flashing, true);
    await page.waitForFunction(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });

    await button.click();
    const second = await focused();
    assert.equal(second.entity, 'country:azerbaijan');
    assert.notEqual(second.mention, first.mention, 'the second click goes to the next mention');

    // After the last mention it wraps around to the first.
    for (let i = 2; i < count; i++) await button.click();
    await button.click();
    assert.equal((await focused()).mention, first.mention);

    // From the keyboard: Escape closes the card, a second Escape goes back
    // to the entity's entry, and Enter steps on to the next mention.
    await page.keyboard.press('Escape');
    assert.equal((await focused()).mention, first.mention, 'the first Escape closes the card only');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.querySelector('.entity-button__name')?.textContent), 'Azerbaijan');
    await page.keyboard.press('Enter');
    assert.equal((await focused()).mention, second.mention, 'Enter steps on from where the list left off');

    assertNoErrors(opened);
  } finally {
    await page.close();
  }
});

test('on a phone, stepping from the list keeps a bar with the next mention and the way back to the list', async () => {
  const opened = await openDemo({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 760 } });
  const { page } = opened;
  try {
    const bar = page.locator('#step-bar');
    assert.equal(await bar.isVisible(), false, 'no bar before stepping');
    const entry = page.locator('#entity-list .entity-button', { has: page.locator('.entity-button__name', { hasText: /^Azerbaijan$/ }) });
    const count = Number((await entry.locator('.entity-button__count').textContent()).match(/\d+/)[0]);
    const focusedMention = () => page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      return { entity: el.dataset.entity, mention: el.dataset.mention, inView: box.top >= 0 && box.bottom <= innerHeight };
    });
    await entry.tap();
    const first = await focusedMention();
    assert.equal(first.entity, 'country:azerbaijan');
    assert.equal(await bar.isVisible(), true, 'the bar shows once stepping begins');
    assert.equal(await page.locator('#step-bar-label').textContent(), `Azerbaijan · 1 of ${count}`);
    assert.equal(await page.locator('#step-bar-next').getAttribute('aria-label'), 'Next mention of Azerbaijan');
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).scrollPaddingTop), '64px', 'what scrolls into view stays clear of the bar');
    const barBox = await bar.boundingBox();
    assert.ok(barBox.x >= 0 && barBox.x + barBox.width <= 390 && barBox.y >= 0, `the bar fits the screen: ${JSON.stringify(barBox)}`);
    // The card the focus opened may cover the bar; its close button clears it.
    await page.keyboard.press('Escape');
    await page.locator('#step-bar-next').tap();
    await page.waitForFunction(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
    const second = await focusedMention();
    assert.equal(second.entity, 'country:azerbaijan');
    assert.notEqual(second.mention, first.mention, 'Next goes to the next mention');
    assert.equal(await page.locator('#step-bar-label').textContent(), `Azerbaijan · 2 of ${count}`);
    await page.keyboard.press('Escape');
    await page.locator('#step-bar-list').tap();
    await page.waitForFunction(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
    assert.equal(await page.evaluate(() => document.activeElement?.querySelector('.entity-button__name')?.textContent), 'Azerbaijan', 'back on the entry, in view');
    assert.equal(await bar.isVisible(), false, 'and the bar goes');
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).scrollPaddingTop), 'auto');
    // Beside the list, on a wide screen, there is no bar.
    await page.setViewportSize({ width: 1280, height: 900 });
    await entry.click();
    assert.equal((await focusedMention()).entity, 'country:azerbaijan');
    assert.equal(await bar.isVisible(), false, 'no bar where the list is in view');
    assertNoErrors(opened);
  } finally {
    await page.close();
  }
});

/** What axe-core finds wrong with the page as it is, one line a rule. */
async function axeViolations(page) {
  await page.addScriptTag({ url: `${server.url}/node_modules/axe-core/axe.min.js` });
  const { violations } = await page.evaluate(() => window.axe.run(document));
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('')}`).join('\n  ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no violations (${colorScheme})`, async () => {
    const opened = await openDemo({ colorScheme });
    const { page } = opened;
    try {
      await page.click('#paste-panel summary'); // check the paste form too
      assert.deepEqual(await axeViolations(page), []);
      assertNoErrors(opened);
    } finally {
      await page.close();
    }
  });

  test(`axe-core finds no violations on a phone, with the step bar and a tapped card's step buttons (${colorScheme})`, async () => {
    const opened = await openDemo({ colorScheme, hasTouch: true, isMobile: true, viewport: { width: 390, height: 760 } });
    const { page } = opened;
    try {
      await page.locator('#entity-list .entity-button').first().tap();
      await page.keyboard.press('Escape');
      await page.locator('entity-mention').nth(3).tap();
      await page.waitForFunction(() => document.querySelector('entity-highlighter-card')?.shadowRoot.querySelector('.steps'));
      assert.equal(await page.locator('#step-bar').isVisible(), true);
      assert.deepEqual(await axeViolations(page), []);
      assertNoErrors(opened);
    } finally {
      await page.close();
    }
  });
}

test('the demo runs under a strict Content-Security-Policy', async () => {
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'";
  const strict = await startServer({ headers: (pathname) => (pathname.startsWith('/www/demo/') ? { 'Content-Security-Policy': csp } : {}) });
  try {
    const opened = await openPage(browser, `${strict.url}/www/demo/`);
    const { page } = opened;
    try {
      await page.waitForFunction(() => document.documentElement.dataset.demoState !== 'loading', null, { timeout: 30_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.demoState), 'ready', await page.textContent('#status'));
      assert.ok((await mentionCount(page)) >= 30);
      assertNoErrors(opened);
    } finally {
      await page.close();
    }
  } finally {
    await strict.close();
  }
});

test('serve.mjs serves only the allowed folders, with the right types', async () => {
  const get = (path, method = 'GET') => fetch(`${server.url}${path}`, { method, redirect: 'manual' });
  const types = {
    '/www/demo/': 'text/html',
    '/www/demo/demo.js': 'text/javascript',
    '/www/demo/demo.css': 'text/css',
    '/www/core/index.js': 'text/javascript',
    '/www/pkg/entity_highlighter_bg.wasm': 'application/wasm',
    '/data/world-news.json': 'application/json',
    '/tests/data/sample-article.html': 'text/html',
    '/tests/data/sample-article.txt': 'text/plain',
    '/node_modules/axe-core/axe.min.js': 'text/javascript',
  };
  for (const [path, type] of Object.entries(types)) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type').split(';')[0], type, path);
    await response.arrayBuffer();
  }
  const root = await get('/');
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/www/demo/');
  assert.equal((await get('/www/demo')).headers.get('location'), '/www/demo/');
  for (const path of [
    '/package.json', '/scripts/serve.mjs', '/src/lib.rs', '/node_modules/axe-core/package.json', '/www/', '/tests/e2e/demo.test.mjs',
    '/www/../package.json', '/www/%2e%2e/package.json', '/www/..%2fpackage.json', '/tests/data/..%5c..%5cpackage.json',
    '/www//demo/index.html', '/www/demo/index.html/', '/www/demo/%00index.html', '/.git/HEAD', '/favicon.ico',
  ]) {
    // URL parsing (fetch, http.get with a URL) would resolve "..": send the raw path.
    const status = await new Promise((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port: server.port, path }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    assert.ok(status === 404 || status === 400, `${path} answered ${status}`);
  }
  assert.equal((await get('/www/demo/demo.js', 'POST')).status, 405);
});

test('a compact index loads from an address with a progress bar; a damaged one is refused, saying where', async () => {
  // The index of the bundled dictionary, made by the command-line tool.
  const { execFileSync } = await import('node:child_process');
  const { mkdirSync } = await import('node:fs');
  const path = await import('node:path');
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  mkdirSync(path.join(root, 'www/dist/test'), { recursive: true });
  execFileSync('cargo', ['run', '--quiet', '--release', '--', 'index', 'data/world-news.json', '-o', 'www/dist/test/world-news.ehx'], { cwd: root, stdio: 'pipe' });
  const opened = await openDemo();
  const { page } = opened;
  try {
    const before = await mentionCount(page);
    await page.evaluate(() => {
      window.progressSeen = false;
      new MutationObserver(() => {
        if (!document.getElementById('dictionary-progress-row').hidden) window.progressSeen = true;
      }).observe(document.getElementById('dictionary-progress-row'), { attributes: true });
    });
    await afterNextPass(page, async () => {
      await page.fill('#dictionary-url', `${server.url}/www/dist/test/world-news.ehx`);
      await page.click('#dictionary-url-button');
    });
    assert.equal(await mentionCount(page), before, 'the index finds what the JSON dictionary found');
    assert.match(await page.textContent('#dict-source'), /^“world-news\.ehx” from 127\.0\.0\.1:\d+ \(matched in a worker\)$/);
    assert.ok(await page.evaluate(() => window.progressSeen), 'the progress bar was shown');
    // The index was checked on its way in; the timings say how long that
    // took, as a part of getting the dictionary ready.
    assert.match(await page.locator('#timings-check-row').textContent(), /^of which checking the index(\d[\d.,]* ms|under 0\.1 ms)$/);
    await page.locator('#timings').scrollIntoViewIfNeeded();
    await screenshot(page, 'demo-index-in-worker');
    assert.ok(await page.locator('#dictionary-progress-row').isHidden(), 'and hidden again');

    // The same file with one bit flipped in its middle, chosen from disk:
    // refused, saying where (opening alone would take it, and show
    // whatever the damage made of its records), and the index stays.
    const { readFileSync } = await import('node:fs');
    const damaged = readFileSync(path.join(root, 'www/dist/test/world-news.ehx'));
    const middle = damaged.length >> 1;
    damaged[middle] ^= 0x04;
    await page.setInputFiles('#dictionary-file', { name: 'damaged.ehx', mimeType: 'application/octet-stream', buffer: damaged });
    await page.locator('#dictionary-error', { hasText: 'damaged.ehx' }).waitFor({ timeout: 20_000 });
    const said = await page.textContent('#dictionary-error');
    const where = /the index file is damaged between bytes (\d+) and (\d+)/.exec(said);
    assert.ok(where, said);
    assert.ok(Number(where[1]) <= middle && middle < Number(where[2]), `${middle} lies in ${where[1]}..${where[2]}`);
    await page.locator('#dictionary-error').scrollIntoViewIfNeeded();
    await screenshot(page, 'demo-damaged-index');
    assert.equal(await mentionCount(page), before, 'the index in use stays');
    assert.match(await page.textContent('#dict-source'), /^“world-news\.ehx” from /);
  } finally {
    await page.close();
  }
});
