// The toolbar popup: the per-site switch, the counts and the entities found
// on the page, all from the page's content script.
//
// It works on the active tab of its window. For tests and screenshots,
// `popup.html?tab=<tabId>` targets that tab instead, so the popup can be
// opened as an ordinary tab (chrome-extension://<id>/popup.html?tab=12).

import { api } from './lib/store.js';
import { typeGroup, typeLabel } from './lib/types.js';

const $ = (id) => document.getElementById(id);
const toggle = $('enabled');
const message = $('message');

let tabId = null;
let busy = false;

async function targetTab() {
  const asked = new URLSearchParams(location.search).get('tab');
  if (asked !== null && /^\d+$/.test(asked)) return Number(asked);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

function say(text) {
  message.textContent = text;
  message.hidden = !text;
}

function plural(count, one, many) {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

function render(state) {
  toggle.disabled = false;
  toggle.checked = state.enabled;
  $('origin').textContent = state.origin.replace(/^https?:\/\//, '');

  const found = $('found');
  if (!state.enabled) {
    found.hidden = true;
    say('Highlighting is off for this site.');
    return;
  }
  if (state.status === 'error') {
    found.hidden = true;
    say(`Nothing was highlighted: ${state.error}`);
    return;
  }
  if (state.status === 'working') {
    found.hidden = true;
    say('Highlighting…');
    return;
  }
  if (state.total === 0) {
    found.hidden = true;
    say('No known entities on this page.');
    return;
  }
  say('');
  found.hidden = false;
  $('summary').textContent = `${plural(state.total, 'mention', 'mentions')} of ${plural(state.mentions.length, 'entity', 'entities')}`;

  const byType = new Map();
  for (const row of state.mentions) byType.set(row.type, (byType.get(row.type) ?? 0) + row.count);
  const types = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  $('types').replaceChildren(...types.map(([type, count]) => {
    const item = document.createElement('li');
    item.className = 'type-chip';
    item.dataset.group = typeGroup(type);
    const name = document.createElement('span');
    name.textContent = typeLabel(type);
    const number = document.createElement('strong');
    number.textContent = count.toLocaleString();
    item.append(name, ' ', number);
    return item;
  }));

  $('entities').replaceChildren(...state.mentions.map((row) => {
    const item = document.createElement('li');
    item.className = 'entity';
    item.dataset.group = typeGroup(row.type);
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
    item.append(dot, name, type, count);
    return item;
  }));
  // A long list scrolls; make the scroller reachable by keyboard then.
  const wrap = $('list-wrap');
  if (wrap.scrollHeight > wrap.clientHeight) {
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
  } else {
    wrap.removeAttribute('tabindex');
    wrap.removeAttribute('role');
  }
}

function unavailable() {
  toggle.disabled = true;
  toggle.checked = false;
  $('found').hidden = true;
  $('origin').textContent = '';
  say('Highlighting is not available on this page. It works on http and https pages; a page open since before the extension was installed needs a reload.');
}

async function ask(request) {
  try {
    return await api.tabs.sendMessage(tabId, request);
  } catch {
    return null;
  }
}

/** Shows the tab's state, asking again while a pass is still running. */
async function refresh(request = { type: 'state' }) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const state = await ask(attempt === 0 ? request : { type: 'state' });
    if (!state || typeof state.enabled !== 'boolean') return unavailable();
    render(state);
    if (state.status !== 'working') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

toggle.addEventListener('change', async () => {
  if (busy || tabId === null) return;
  busy = true;
  toggle.setAttribute('aria-busy', 'true');
  try {
    await refresh({ type: 'toggle', enabled: toggle.checked });
  } finally {
    busy = false;
    toggle.removeAttribute('aria-busy');
  }
});

// Enter toggles too, as on other switches (Space does by default).
toggle.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    toggle.click();
  }
});

$('options').addEventListener('click', () => {
  api.runtime.openOptionsPage();
});

tabId = await targetTab();
if (tabId === null) unavailable();
else await refresh();
