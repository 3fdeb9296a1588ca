// The toolbar popup: highlight the current page once, turn its site
// "always on" or off, and see the counts and entities found on the page.
//
// Opening the popup from the toolbar button gives the extension access to
// that tab until it navigates (activeTab); "Highlight this page" uses it to
// run the content script there once (background.js). "Always highlight on
// this site" asks the browser for access to the one site, from the click
// itself (browsers accept permission requests only in a user gesture), and
// then lets the background register the content script for it.
//
// It works on the active tab of its window. For tests and screenshots,
// `popup.html?tab=<tabId>` targets that tab instead, so the popup can be
// opened as an ordinary tab (chrome-extension://<id>/popup.html?tab=12).

import { api, siteOf, sitePattern } from './lib/store.js';
import { typeGroup, typeLabel } from './lib/types.js';

const $ = (id) => document.getElementById(id);
const toggle = $('always');
const pageButton = $('page');
const message = $('message');

/** The target tab: { id, url? } (url only where the browser lets us see it). */
let tab = null;
/** The page's site ("https://example.org"), once known. */
let site = null;
let always = false;
/** The content script's state, or null where it does not run. */
let page = null;
let busy = false;

async function targetTab() {
  const asked = new URLSearchParams(location.search).get('tab');
  if (asked !== null) {
    if (!/^\d+$/.test(asked)) return null;
    return api.tabs.get(Number(asked)).catch(() => null);
  }
  const [active] = await api.tabs.query({ active: true, currentWindow: true });
  return active ?? null;
}

function say(text) {
  message.textContent = text;
  message.hidden = !text;
}

/** Set while a change the reader asked for is under way: its outcome is
 * announced once it is known (the found counts are a heading, which a
 * screen reader does not read by itself). */
let announceOutcome = false;

/** Numbers as the reader's locale writes them. One formatter for all:
 * `toLocaleString()` makes one per call, which was most of the time the
 * list of a long page's 6,800 entities took to show. */
const numberFormat = new Intl.NumberFormat();

function plural(count, one, many) {
  return `${numberFormat.format(count)} ${count === 1 ? one : many}`;
}

/** Asks the content script in the tab; null where there is none. */
async function askPage(request) {
  try {
    const answer = await api.tabs.sendMessage(tab.id, request);
    return answer && typeof answer.enabled === 'boolean' ? answer : null;
  } catch {
    return null;
  }
}

/** Asks the background; a failure comes back as { error: { message } }. */
async function askBackground(request) {
  try {
    return (await api.runtime.sendMessage(request)) ?? { error: { message: 'the extension did not answer' } };
  } catch (error) {
    return { error: { message: String(error?.message ?? error) } };
  }
}

const host = () => site.replace(/^https?:\/\//, '');

function renderSite() {
  document.querySelector('.site').hidden = false;
  toggle.disabled = false;
  toggle.checked = always;
  $('origin').textContent = host();
  $('site-hint').textContent = always
    ? 'Every page of this site is highlighted as it loads. Turning this off gives the access back to the browser.'
    : 'Asks your browser for access to this site. Until then the extension reads a page only when you ask it to.';
}

function renderPage() {
  const highlighted = page?.enabled === true;
  // Once the site is always on, its pages are highlighted by themselves;
  // the button stays for a page cleared by hand or a site just turned off.
  pageButton.hidden = always && highlighted;
  pageButton.textContent = highlighted ? 'Stop highlighting this page' : 'Highlight this page';
  pageButton.classList.toggle('secondary', highlighted);

  const found = $('found');
  found.hidden = true;
  // Slices of an earlier list still to come are dropped.
  entitiesShown += 1;
  // An outcome in the message line is announced by it.
  if (page?.status !== 'working' && (!page || !page.enabled || page.status === 'error' || page.total === 0)) announceOutcome = false;
  if (!page) return say(always ? 'This page was open before the site was turned on: highlight it, or reload it.' : 'This page is not highlighted.');
  if (!page.enabled) return say('Highlighting is off on this page.');
  if (page.status === 'error') return say(`Nothing was highlighted: ${page.error}`);
  if (page.status === 'working') return say('Highlighting…');
  if (page.total === 0) return say('No known entities on this page.');
  say('');
  found.hidden = false;
  const summary = `${plural(page.total, 'mention', 'mentions')} of ${plural(page.mentions.length, 'entity', 'entities')}`;
  $('summary').textContent = summary;
  if (announceOutcome) {
    announceOutcome = false;
    $('announce').textContent = `Highlighted: ${summary}.`;
  }

  const byType = new Map();
  for (const row of page.mentions) byType.set(row.type, (byType.get(row.type) ?? 0) + row.count);
  const types = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  $('types').replaceChildren(...types.map(([type, count]) => {
    const item = document.createElement('li');
    item.className = 'type-chip';
    item.dataset.group = typeGroup(type);
    const name = document.createElement('span');
    name.textContent = typeLabel(type);
    const number = document.createElement('strong');
    number.textContent = numberFormat.format(count);
    item.append(name, ' ', number);
    return item;
  }));

  showEntities(page.mentions);
}

/** Rows shown at once; the rest follow in slices of ENTITY_SLICE rows, a
 * task each. A 1 MB page with a million-name index names about 6,800
 * entities: built in one task, their rows kept the popup blank for a
 * fifth of a second. */
const FIRST_ENTITIES = 200;
const ENTITY_SLICE = 600;
/** Which render the slices still arriving belong to. */
let entitiesShown = 0;

function showEntities(rows) {
  const list = $('entities');
  const render = ++entitiesShown;
  list.replaceChildren(...rows.slice(0, FIRST_ENTITIES).map(entityRow));
  markScroller();
  let next = FIRST_ENTITIES;
  const more = () => {
    // A newer render replaced the list meanwhile.
    if (render !== entitiesShown) return;
    list.append(...rows.slice(next, next + ENTITY_SLICE).map(entityRow));
    next += ENTITY_SLICE;
    if (next < rows.length) setTimeout(more, 0);
    else markScroller();
  };
  if (next < rows.length) setTimeout(more, 0);
}

/** A long list scrolls; make the scroller reachable by keyboard then. */
function markScroller() {
  const wrap = $('list-wrap');
  if (wrap.scrollHeight > wrap.clientHeight) {
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
  } else {
    wrap.removeAttribute('tabindex');
    wrap.removeAttribute('role');
  }
}

function entityRow(row) {
  const item = document.createElement('li');
  item.className = 'entity';
  item.dataset.group = typeGroup(row.type);
  // Each row opens to its card's text: in a page painted without
  // elements, this list is how a keyboard or a screen reader gets it.
  const details = document.createElement('details');
  const line = document.createElement('summary');
  line.className = 'line';
  const dot = document.createElement('span');
  dot.className = 'dot';
  dot.setAttribute('aria-hidden', 'true');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = row.name;
  const type = document.createElement('span');
  type.className = 'type';
  type.textContent = typeLabel(row.type);
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = `×${row.count}`;
  count.setAttribute('aria-label', plural(row.count, 'mention', 'mentions'));
  line.append(dot, name, type, count);
  const about = document.createElement('div');
  about.className = 'about';
  const summary = document.createElement('p');
  summary.dir = 'auto';
  summary.textContent = typeof row.summary === 'string' ? row.summary : '';
  about.append(summary);
  if (typeof row.url === 'string' && /^https?:\/\//i.test(row.url)) {
    const link = document.createElement('a');
    link.href = row.url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    let where = '';
    try {
      where = new URL(row.url).hostname.replace(/^www\./, '');
    } catch {
      // A URL the browser cannot read keeps the plain label.
    }
    link.textContent = where ? `More on ${where}` : 'More';
    link.setAttribute('aria-label', `${link.textContent}: ${row.name} (opens in a new tab)`);
    about.append(link);
  }
  details.append(line, about);
  item.append(details);
  return item;
}

function unavailable() {
  // No site to offer: the switch would only confuse.
  document.querySelector('.site').hidden = true;
  toggle.disabled = true;
  toggle.checked = false;
  pageButton.hidden = true;
  $('found').hidden = true;
  $('origin').textContent = '';
  $('site-hint').textContent = '';
  say('Highlighting is not available on this page. It works on http and https pages.');
}

/** Reads the site's and the page's state and shows them, asking again
 * while a pass is still running. `first` is the page request to send first. */
async function refresh(first = { type: 'state' }) {
  for (let attempt = 0; attempt < 40; attempt++) {
    page = await askPage(attempt === 0 ? first : { type: 'state' });
    site = page?.site ?? siteOf(tab?.url ?? '');
    if (!site) return unavailable();
    const answer = await askBackground({ type: 'site', site });
    always = answer.always === true;
    renderSite();
    renderPage();
    if (page?.status !== 'working') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs one change at a time, with the controls marked busy meanwhile. */
async function exclusive(task) {
  if (busy) return;
  busy = true;
  toggle.setAttribute('aria-busy', 'true');
  pageButton.setAttribute('aria-busy', 'true');
  try {
    await task();
  } finally {
    busy = false;
    toggle.removeAttribute('aria-busy');
    pageButton.removeAttribute('aria-busy');
  }
}

toggle.addEventListener('change', () => {
  if (busy || !site) {
    toggle.checked = always;
    return;
  }
  const want = toggle.checked;
  // Straight from the click, before anything is awaited: browsers grant a
  // permission request only while the user gesture lasts. Firefox may close
  // the popup when its prompt opens; the background then turns the site on
  // from permissions.onAdded.
  const access = want ? api.permissions.request({ origins: [sitePattern(site)] }) : Promise.resolve(true);
  exclusive(async () => {
    let granted;
    try {
      granted = await access;
    } catch {
      granted = false;
    }
    if (!granted) {
      toggle.checked = false;
      say(`The browser did not grant access to ${host()}; nothing changed.`);
      return;
    }
    announceOutcome = want;
    $('announce').textContent = '';
    const answer = await askBackground({ type: 'set-site', site, always: want });
    if (answer.error) {
      announceOutcome = false;
      await refresh();
      say(`That did not work: ${answer.error.message}`);
      return;
    }
    await refresh();
  });
});

// Enter toggles too, as on other switches (Space does by default).
toggle.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    toggle.click();
  }
});

pageButton.addEventListener('click', () => {
  // The button keeps focus while it works (aria-busy; a second press
  // meanwhile does nothing): disabled, it would drop focus to the top of
  // the popup.
  exclusive(async () => {
    announceOutcome = true;
    $('announce').textContent = '';
    if (page) {
      await refresh({ type: 'page', enabled: !page.enabled });
    } else {
      const answer = await askBackground({ type: 'highlight-tab', tabId: tab.id });
      if (answer.error) {
        announceOutcome = false;
        say(`This page could not be highlighted: ${answer.error.message}`);
        return;
      }
      await refresh();
    }
    // Hidden now (the site is always on), it hands focus to the counts.
    if (pageButton.hidden && document.activeElement === document.body) $('summary').focus();
  });
});

$('options').addEventListener('click', () => {
  api.runtime.openOptionsPage();
});

tab = await targetTab();
if (!tab) unavailable();
else await refresh();
