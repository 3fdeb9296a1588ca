// The options page: the dictionaries (the bundled one and those the user
// added), which are active, adding one from a file or an address, removing;
// and the sites turned "always on", each of which can be turned off here.
//
// A new dictionary is checked by building a real engine from it here
// (createLocalMatcher runs the WASM in this extension page, under the
// extension's CSP) and is stored only when the engine accepts it; otherwise
// every problem is listed with where it is. Storage layout: lib/store.js.

import { createLocalMatcher } from '../core/index.js';
import { isCompactIndex, readBody } from '../core/internal/engine.js';
import { deleteCompactIndex, writeCompactIndex } from './lib/compact-store.js';
import { api, BUNDLED_ID, INDEX_KEY, isCompact, readIndex, readSites, SITES_KEY, sitePattern, textKey, WASM_PATH } from './lib/store.js';

/** The core refuses larger dictionaries (its 32 MiB default). */
const MAX_BYTES = 32 * 1024 * 1024;
/** A compact index of a million names is about 38 MB; the service worker
 * holds it in WASM memory (about 1.1 times its size), for every page. */
const MAX_COMPACT_BYTES = 256 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;

const $ = (id) => document.getElementById(id);
const result = $('result');
const statusLine = $('status');

// --- the list ----------------------------------------------------------------

function formatSize(bytes) {
  return bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
}

function describe(meta) {
  const parts = [];
  if (typeof meta.entityCount === 'number') parts.push(`${meta.entityCount.toLocaleString()} ${meta.entityCount === 1 ? 'entity' : 'entities'}`);
  if (meta.asOf) parts.push(`as of ${meta.asOf}`);
  if (isCompact(meta)) parts.push(`compact index, ${formatSize(meta.bytes)}`);
  if (meta.source?.kind === 'url') parts.push(`from ${meta.source.url}`);
  else if (meta.source?.kind === 'file') parts.push(`from the file ${meta.source.name}`);
  else if (meta.source?.kind === 'bundled') parts.push('bundled with the extension');
  if (meta.addedAt) parts.push(`added ${new Date(meta.addedAt).toLocaleDateString()}`);
  return parts.join(' · ');
}

function row(meta, { removable }) {
  const item = document.createElement('li');
  item.className = 'dictionary';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.id = `active-${meta.id}`;
  box.checked = meta.active;
  box.addEventListener('change', () => setActive(meta.id, box.checked));
  const text = document.createElement('div');
  text.className = 'dictionary-text';
  const label = document.createElement('label');
  label.htmlFor = box.id;
  label.className = 'dictionary-title';
  label.textContent = meta.title;
  const details = document.createElement('p');
  details.className = 'dictionary-meta';
  details.id = `meta-${meta.id}`;
  details.textContent = describe(meta);
  // Its name is the title; what ticking it means is the list's hint.
  box.setAttribute('aria-describedby', `${details.id} list-hint`);
  text.append(label, details);
  item.append(box, text);
  if (removable) {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${meta.title}`);
    remove.addEventListener('click', () => removeDictionary(meta.id, meta.title));
    item.append(remove);
  }
  return item;
}

let bundledInfo = null;

async function bundledMeta(index) {
  if (!bundledInfo) {
    try {
      const response = await fetch(api.runtime.getURL('pkg/world-news.json'));
      const parsed = await response.json();
      bundledInfo = { title: parsed.name ?? 'World news', asOf: parsed.as_of, entityCount: parsed.entities?.length };
    } catch {
      bundledInfo = { title: 'World news' };
    }
  }
  return { id: BUNDLED_ID, ...bundledInfo, title: `${bundledInfo.title} (bundled)`, source: { kind: 'bundled' }, active: index.bundledActive };
}

async function render() {
  const index = await readIndex();
  const items = [row(await bundledMeta(index), { removable: false })];
  for (const meta of index.added) items.push(row({ ...meta, active: meta.active !== false }, { removable: true }));
  // Keep keyboard focus on the same control across a re-render.
  const focused = document.activeElement?.id;
  $('dictionaries').replaceChildren(...items);
  if (focused && $(focused)) $(focused).focus();
  if (refocusRow !== null) {
    const rows = [...$('dictionaries').children];
    const near = rows[refocusRow] ?? rows[refocusRow - 1];
    const target = near?.querySelector('button.remove') ?? near?.querySelector('input') ?? $('list-heading');
    if (target.id === 'list-heading') target.tabIndex = -1;
    target.focus();
    refocusRow = null;
  }
  await showStatus(index.revision);
}

async function showStatus(revision) {
  let answer;
  try {
    answer = await api.runtime.sendMessage({ type: 'info', revision });
  } catch (error) {
    answer = { error: { message: String(error?.message ?? error) } };
  }
  const failed = !answer || answer.error;
  // Dictionaries the background could not use; the others still highlight.
  const unusable = failed ? [] : answer.info.failed ?? [];
  statusLine.classList.toggle('bad', Boolean(failed) || unusable.length > 0);
  let text;
  if (failed) {
    text = `The active dictionaries could not be loaded: ${answer?.error?.message ?? 'no answer'}`;
  } else if (answer.info.dictionaries.length === 0) {
    text = unusable.length > 0 ? 'Nothing is highlighted.' : 'No dictionary is active: nothing is highlighted.';
  } else {
    const { entityCount, dictionaries, skipped } = answer.info;
    text = `Highlighting with ${entityCount.toLocaleString()} entities from ${dictionaries.length} ${dictionaries.length === 1 ? 'dictionary' : 'dictionaries'}.`;
    if (skipped > 0) {
      const where = dictionaries.filter((d) => d.skipped > 0).map((d) => `${d.skipped.toLocaleString()} in “${d.title}”`).join(', ');
      text += ` ${skipped.toLocaleString()} ${skipped === 1 ? 'entity was' : 'entities were'} skipped because an earlier dictionary has the same id (${where}).`;
    }
  }
  // Each such dictionary's own row says so too (its checkbox is described
  // by that line, so a screen reader hears it there).
  for (const { id } of unusable) {
    const details = document.getElementById(`meta-${id}`);
    if (!details || details.querySelector('.not-in-use')) continue;
    const note = document.createElement('span');
    note.className = 'not-in-use';
    note.textContent = ' · not in use: see below';
    details.append(note);
  }
  // The engine lists a refusal's problems a line each; the status is one line.
  for (const { title, message } of unusable) text += ` “${title}” is not in use: ${message.replace(/\s*\n\s*/g, '; ')}; remove it and add it again.`;
  statusLine.textContent = statusNote ? `${statusNote} ${text}` : text;
  statusNote = '';
}

// --- changes -----------------------------------------------------------------

/** Applies `change(index)` to the stored index and bumps its revision. */
async function updateIndex(change, extra = {}) {
  const index = await readIndex();
  change(index);
  index.revision += 1;
  await api.storage.local.set({ ...extra, [INDEX_KEY]: index });
  return index;
}

async function setActive(id, active) {
  await updateIndex((index) => {
    if (id === BUNDLED_ID) index.bundledActive = active;
    for (const meta of index.added) if (meta.id === id) meta.active = active;
  });
}

/** Set when a dictionary is removed: the place of its row, where focus
 * goes once the list is drawn again (the next row's Remove, else the one
 * before, else the list's heading). */
let refocusRow = null;

/** Said before the next status line, once: what the reader just did. */
let statusNote = '';

async function removeDictionary(id, title) {
  refocusRow = [...$('dictionaries').children].findIndex((item) => item.querySelector(`#active-${CSS.escape(id)}`));
  // Set first: the list is drawn again, with the status, as soon as the
  // stored list changes.
  statusNote = `Removed “${title}”.`;
  let removed = null;
  await updateIndex((index) => {
    removed = index.added.find((meta) => meta.id === id) ?? null;
    index.added = index.added.filter((meta) => meta.id !== id);
  });
  // Gone from the list first: the service worker never looks for what the
  // list does not name, so a removal cut short leaves nothing in use.
  if (removed && isCompact(removed)) await deleteCompactIndex(id).catch(() => {});
  else await api.storage.local.remove(textKey(id));
}

// --- adding ------------------------------------------------------------------

class AddError extends Error {
  constructor(message, problems = [], problemCount = problems.length) {
    super(message);
    this.problems = problems;
    this.problemCount = Math.max(problemCount, problems.length);
  }
}

/**
 * Shows what adding came to. Success is a status line, said once. A
 * refusal takes focus as a group named by its heading ("… was not added:
 * 4 problems"), the list of problems to read at the reader's pace after
 * it, and the field it came from is marked invalid and described by that
 * heading; before, it was an alert that also took focus, read twice and
 * whole (8,000 characters for a dictionary with 300 problems).
 */
function showResult({ ok, error, title, field = null }) {
  result.hidden = false;
  result.className = `result ${error ? 'bad' : 'good'}`;
  for (const input of [$('file'), $('url')]) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  const heading = document.createElement('p');
  heading.className = 'result-heading';
  heading.id = 'result-heading';
  if (ok) {
    result.setAttribute('role', 'status');
    result.removeAttribute('aria-labelledby');
    heading.textContent = ok;
    result.replaceChildren(heading);
    return;
  }
  result.setAttribute('role', 'group');
  result.setAttribute('aria-labelledby', 'result-heading');
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', 'result-heading');
  }
  const problems = error.problems ?? [];
  const total = Math.max(problems.length, error.problemCount ?? 0);
  heading.textContent = problems.length > 0
    ? `${title} was not added: ${total} ${total === 1 ? 'problem' : 'problems'}.`
    : `${title} was not added: ${error.message}`;
  const nodes = [heading];
  if (problems.length > 0) {
    const list = document.createElement('ol');
    list.className = 'problems';
    for (const problem of problems) {
      const item = document.createElement('li');
      const where = document.createElement('code');
      where.textContent = problem.location;
      item.append(where, ` ${problem.message}`);
      list.append(item);
    }
    nodes.push(list);
    if (total > problems.length) {
      const more = document.createElement('p');
      more.textContent = `…and ${total - problems.length} more.`;
      nodes.push(more);
    }
  }
  result.replaceChildren(...nodes);
  result.focus();
}

/** Checks `text` with a real engine; returns its info or throws AddError. */
async function validate(text) {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_BYTES) throw tooLarge(bytes);
  // The core reads a string that does not start with "{" as an address to
  // fetch, so anything else is refused here, with a location like the
  // engine's own.
  if (!text.trimStart().startsWith('{')) {
    throw new AddError('it is not a dictionary', [{ location: 'line 1, column 1', message: 'a dictionary is a JSON object and must start with "{"' }]);
  }
  return { ...(await engineInfo(text)), bytes };
}

/** What a real engine built from `dictionary` (JSON text or an index's
 * bytes, checked against its checksums) says of it, or its refusal as an
 * AddError. */
async function engineInfo(dictionary) {
  let matcher;
  try {
    matcher = await createLocalMatcher({ dictionary, wasmUrl: api.runtime.getURL(WASM_PATH), verify: true });
    return await matcher.info();
  } catch (error) {
    throw new AddError(String(error?.message ?? error), Array.isArray(error?.problems) ? error.problems : [], error?.problemCount);
  } finally {
    matcher?.free();
  }
}

/** Checks the bytes of a compact index with a real engine (its header,
 * the bounds of its sections and every byte against its checksums, and
 * every entity's type as it counts them; the dictionary itself was
 * checked by the tool that wrote the index). Returns its info or throws
 * AddError. */
async function validateCompact(bytes) {
  if (bytes.length > MAX_COMPACT_BYTES) throw new AddError(`it is ${(bytes.length / 1048576).toFixed(1)} MiB; compact indexes can be at most ${MAX_COMPACT_BYTES / 1048576} MiB`);
  return { ...(await engineInfo(bytes)), bytes: bytes.length };
}

/** A JSON dictionary over the engine's limit, and what to do instead. */
function tooLarge(bytes) {
  return new AddError(`it is ${(bytes / 1048576).toFixed(1)} MiB; JSON dictionaries can be at most ${MAX_BYTES / 1048576} MiB. Make a compact index of it with the command-line tool (entity-highlighter index dictionary.json -o dictionary.ehx) and add that`);
}

/** Adds a dictionary from its bytes: a compact index by its first bytes,
 * else JSON text. */
async function addBytes(bytes, source, fallbackTitle) {
  const title = fallbackTitle.replace(/\.(json|ehx)$/i, '');
  if (isCompactIndex(bytes)) return addCompact(bytes, source, title);
  // Refused before the text is decoded: a large file is most of the wait.
  if (bytes.length > MAX_BYTES) throw tooLarge(bytes.length);
  return add(new TextDecoder().decode(bytes), source, title);
}

async function addCompact(bytes, source, fallbackTitle) {
  const info = await validateCompact(bytes);
  const id = crypto.randomUUID();
  const meta = { ...describeAdded(id, info, source, fallbackTitle), format: 'compact' };
  try {
    await writeCompactIndex(id, bytes);
  } catch (error) {
    throw new AddError(`it could not be stored (${error?.message ?? error})`);
  }
  try {
    await updateIndex((index) => index.added.push(meta));
  } catch (error) {
    await deleteCompactIndex(id).catch(() => {});
    throw new AddError(`it could not be stored (${error?.message ?? error})`);
  }
  return meta;
}

function describeAdded(id, info, source, fallbackTitle) {
  return {
    id,
    title: info.title || fallbackTitle,
    asOf: info.asOf,
    entityCount: info.entityCount,
    bytes: info.bytes,
    source,
    addedAt: new Date().toISOString(),
    active: true,
  };
}

async function add(text, source, fallbackTitle) {
  const info = await validate(text.replace(/^\uFEFF/, ''));
  const id = crypto.randomUUID();
  const meta = describeAdded(id, info, source, fallbackTitle);
  try {
    await updateIndex((index) => index.added.push(meta), { [textKey(id)]: text.replace(/^\uFEFF/, '') });
  } catch (error) {
    throw new AddError(`it could not be stored (${error?.message ?? error})`);
  }
  return meta;
}

/** Runs `task` for `form`, whose button says it is busy meanwhile; a
 * second press meanwhile does nothing. (Disabled, the button would drop
 * keyboard focus to the top of the page.) */
async function busy(form, task) {
  if (form.getAttribute('aria-busy') === 'true') return;
  const button = form.querySelector('button');
  button.setAttribute('aria-disabled', 'true');
  form.setAttribute('aria-busy', 'true');
  try {
    await task();
  } finally {
    button.removeAttribute('aria-disabled');
    form.removeAttribute('aria-busy');
  }
}

$('file-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return;
  busy(event.currentTarget, async () => {
    const title = `“${file.name}”`;
    try {
      const meta = await addBytes(new Uint8Array(await file.arrayBuffer()), { kind: 'file', name: file.name }, file.name);
      showResult({ ok: `Added “${meta.title}” (${meta.entityCount.toLocaleString()} entities).` });
      $('file').value = '';
    } catch (error) {
      showResult({ error, title, field: $('file') });
    }
  });
});

async function fetchDictionary(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, { credentials: 'omit', cache: 'no-store', signal: controller.signal });
  } catch (error) {
    throw new AddError(error?.name === 'AbortError'
      ? `it could not be fetched: no answer within ${FETCH_TIMEOUT_MS / 1000} s`
      : 'it could not be fetched: the server could not be reached, or it does not let other sites read it (the extension has no access to websites of its own, so the server must allow cross-origin reads). Download the file and add it from a file instead.');
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw new AddError(`the server answered HTTP ${response.status} ${response.statusText}`.trim());
  try {
    return await readBody(response, showProgress);
  } catch (error) {
    throw new AddError(`the download broke off (${error?.message ?? error})`);
  } finally {
    showProgress(null);
  }
}

/** Shows a download's progress; `null` hides it. (Not a live region: it
 * changes many times a second; the result line says how it ended.) */
function showProgress(progress) {
  const row = $('url-progress-row');
  row.hidden = progress === null;
  if (!progress) return;
  const bar = $('url-progress');
  if (progress.total > 0) {
    bar.max = progress.total;
    bar.value = progress.loaded;
    $('url-progress-text').textContent = `${formatSize(progress.loaded)} of ${formatSize(progress.total)}`;
  } else {
    bar.removeAttribute('value');
    $('url-progress-text').textContent = formatSize(progress.loaded);
  }
}

$('url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const raw = $('url').value.trim();
  let url;
  try {
    url = new URL(raw);
  } catch {
    showResult({ error: new AddError('that is not a web address'), title: `“${raw}”`, field: $('url') });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    showResult({ error: new AddError(`only http and https addresses can be fetched, not ${url.protocol}`), title: `“${raw}”`, field: $('url') });
    return;
  }
  busy(event.currentTarget, async () => {
    const title = `The dictionary at ${url.href}`;
    try {
      const bytes = await fetchDictionary(url);
      const fallback = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
      const meta = await addBytes(bytes, { kind: 'url', url: url.href }, fallback);
      showResult({ ok: `Added “${meta.title}” (${meta.entityCount.toLocaleString()} entities).` });
      $('url').value = '';
    } catch (error) {
      showResult({ error, title, field: $('url') });
    }
  });
});

// --- sites -------------------------------------------------------------------

/** Set when a "Turn off" button is used: its row goes, so the next render
 * moves focus to what follows rather than dropping it to the page. */
let refocusSites = false;

/** The listed sites the browser still grants (the popup shows the same). */
async function renderSites() {
  const sites = [];
  for (const site of await readSites()) {
    if (await api.permissions.contains({ origins: [sitePattern(site)] })) sites.push(site);
  }
  $('sites').replaceChildren(...sites.map((site) => {
    const item = document.createElement('li');
    item.className = 'site-row';
    const name = document.createElement('span');
    name.className = 'site-name';
    name.textContent = site.replace(/^https?:\/\//, '') + (site.startsWith('http:') ? ' (http)' : '');
    const off = document.createElement('button');
    off.type = 'button';
    off.className = 'remove';
    off.textContent = 'Turn off';
    off.setAttribute('aria-label', `Turn off ${name.textContent}`);
    off.addEventListener('click', async () => {
      if (off.getAttribute('aria-disabled') === 'true') return;
      off.setAttribute('aria-disabled', 'true');
      refocusSites = true;
      await api.runtime.sendMessage({ type: 'set-site', site, always: false }).catch(() => {});
      $('sites-status').textContent = `Turned off ${name.textContent}.`;
      renderSites();
    });
    item.append(name, off);
    return item;
  }));
  $('no-sites').hidden = sites.length > 0;
  if (refocusSites) {
    refocusSites = false;
    const next = $('sites').querySelector('button') ?? $('sites-heading');
    if (next.tagName === 'H2') next.tabIndex = -1;
    next.focus();
  }
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes[INDEX_KEY]) render();
  if (area === 'local' && changes[SITES_KEY]) renderSites();
});

render();
renderSites();
