// The standalone demo: highlights the sample article (or pasted text) with
// the core package, and shows what was found, how long it took, and the
// dictionary in use. Uses only the public API of ../core/index.js.
//
// Untrusted input (pasted HTML, the sample article, a user's dictionary) is
// never given to innerHTML: HTML is parsed by DOMParser into an inert
// document and copied node by node through an allowlist (sanitizeHtml).

const SAMPLE_URL = new URL('../../tests/data/sample-article.html', import.meta.url);
const MAX_DICTIONARY_BYTES = 32 * 1024 * 1024;
const MAX_PROBLEMS_SHOWN = 50;
const FLASH_MS = 1600;
/** Entities listed before "Show all". */
const ENTITY_LIST_LIMIT = 12;

/** Types every dictionary may use; listed in the filter even when absent. */
const STANDARD_TYPES = ['person', 'country', 'city', 'region', 'organisation', 'agreement', 'event', 'route', 'media'];
const TYPE_LABELS = {
  person: 'People',
  country: 'Countries',
  city: 'Cities',
  region: 'Regions',
  organisation: 'Organisations',
  agreement: 'Agreements',
  event: 'Events',
  route: 'Routes',
  media: 'Media',
};
const typeLabel = (type) => TYPE_LABELS[type] ?? type.charAt(0).toUpperCase() + type.slice(1).replace(/[_-]+/g, ' ');

// ---------------------------------------------------------------------------
// Sanitising
// ---------------------------------------------------------------------------

const HTML_NS = 'http://www.w3.org/1999/xhtml';

/** Elements kept (without attributes, except dir and lang). */
const ALLOWED_TAGS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'b', 'strong', 'i', 'em', 'u', 's', 'small', 'sub', 'sup', 'mark',
  'span', 'div', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'q', 'cite', 'table', 'thead', 'tbody', 'tr',
  'td', 'th', 'caption', 'figure', 'figcaption', 'a', 'abbr', 'time', 'code', 'pre', 'article', 'section',
  'header', 'footer',
]);

/** Elements dropped with everything inside them. Any other element is
 * unwrapped: its children are kept, the element itself is not. */
const DROPPED_TAGS = new Set([
  'script', 'style', 'template', 'iframe', 'object', 'embed', 'img', 'svg', 'link', 'meta',
  // Also never wanted: other embedded or non-prose content, and form controls.
  'noscript', 'noembed', 'noframes', 'frame', 'frameset', 'applet', 'param', 'picture', 'source', 'track',
  'audio', 'video', 'canvas', 'math', 'map', 'area', 'base', 'head', 'title', 'input', 'textarea', 'select',
  'option', 'optgroup', 'datalist', 'button', 'dialog', 'slot', 'portal', 'fencedframe', 'xmp', 'plaintext',
]);

const DIR_VALUES = new Set(['ltr', 'rtl', 'auto']);
const LANG_PATTERN = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

function copyChildren(from, to, doc) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.append(doc.createTextNode(node.data));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      // SVG, MathML and anything else outside HTML go, whole.
      if (node.namespaceURI !== HTML_NS) continue;
      const tag = node.localName;
      if (DROPPED_TAGS.has(tag)) continue;
      if (ALLOWED_TAGS.has(tag)) {
        const copy = doc.createElement(tag);
        const dir = node.getAttribute('dir')?.trim().toLowerCase();
        if (dir && DIR_VALUES.has(dir)) copy.setAttribute('dir', dir);
        const lang = node.getAttribute('lang')?.trim();
        if (lang && LANG_PATTERN.test(lang)) copy.setAttribute('lang', lang);
        copyChildren(node, copy, doc);
        to.append(copy);
      } else {
        copyChildren(node, to, doc);
      }
    }
    // Comments, processing instructions and the rest are dropped.
  }
}

/**
 * Parses `html` in an inert document (no script runs, nothing loads) and
 * returns a fragment of this document holding only allowlisted elements.
 */
export function sanitizeHtml(html, doc = document) {
  const parsed = new DOMParser().parseFromString(String(html), 'text/html');
  const fragment = doc.createDocumentFragment();
  if (parsed.body) copyChildren(parsed.body, fragment, doc);
  return fragment;
}

/** Plain text to paragraphs: blank lines separate them, single line breaks stay. */
export function textToFragment(text, doc = document) {
  const fragment = doc.createDocumentFragment();
  for (const block of String(text).replace(/\r\n?/g, '\n').split(/\n[ \t\u00a0]*\n/)) {
    const lines = block.split('\n').map((line) => line.trim());
    if (!lines.some(Boolean)) continue;
    const p = doc.createElement('p');
    // Each paragraph takes the direction of its first strong letter, so
    // Arabic or Hebrew reads right to left beside English.
    p.dir = 'auto';
    lines.filter(Boolean).forEach((line, i) => {
      if (i > 0) p.append(doc.createElement('br'));
      p.append(doc.createTextNode(line));
    });
    fragment.append(p);
  }
  return fragment;
}

/** Whether pasted text looks like HTML (holds a tag or a comment). */
export const looksLikeHtml = (text) => /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--/i.test(text);

// ---------------------------------------------------------------------------
// Page elements and state
// ---------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const ui = {
  root: document.documentElement,
  status: $('status'),
  statusText: $('status-text'),
  article: $('article'),
  announcer: $('announcer'),
  pastePanel: $('paste-panel'),
  pasteForm: $('paste-form'),
  pasteInput: $('paste-input'),
  pasteError: $('paste-error'),
  sampleButton: $('sample-button'),
  totalMentions: $('total-mentions'),
  totalMentionsLabel: $('total-mentions-label'),
  totalEntities: $('total-entities'),
  totalEntitiesLabel: $('total-entities-label'),
  typeCounts: $('type-counts'),
  typeFilters: $('type-filters'),
  typesAll: $('types-all'),
  typesNone: $('types-none'),
  entityList: $('entity-list'),
  entitiesToggle: $('entities-toggle'),
  dictTitle: $('dict-title'),
  dictDate: $('dict-date'),
  dictCount: $('dict-count'),
  dictSource: $('dict-source'),
  dictionaryFile: $('dictionary-file'),
  dictionaryUrlForm: $('dictionary-url-form'),
  dictionaryUrl: $('dictionary-url'),
  progressRow: $('dictionary-progress-row'),
  progress: $('dictionary-progress'),
  progressText: $('dictionary-progress-text'),
  bundledButton: $('bundled-button'),
  dictionaryError: $('dictionary-error'),
  timings: $('timings'),
  stepBar: $('step-bar'),
  stepBarList: $('step-bar-list'),
  stepBarLabel: $('step-bar-label'),
  stepBarNext: $('step-bar-next'),
};

const state = {
  core: null,
  highlighter: null,
  /** 'bundled' or the user's file name. */
  source: 'bundled',
  /** Types listed in the filter: the standard ones, the dictionary's, and any found. */
  knownTypes: new Set(STANDARD_TYPES),
  /** Types the user turned off. */
  hiddenTypes: new Set(),
  mentions: 'all',
  /** Candidate ids ("a|b" when ambiguous) -> { name, entity, candidates, mentions[] }
   * for the last pass, in page order. */
  groups: new Map(),
  /** Group key -> index of the next mention to show. */
  stepIndex: new Map(),
  passes: 0,
  /** The status line of the last pass, which Dismiss brings back. */
  summary: null,
  /** The group key of the entity last stepped to from the list, until
   * Escape goes back there (returnToList). */
  steppedFrom: null,
  /** Whether the whole entity list is shown. */
  showAllEntities: false,
};

const numberFormat = new Intl.NumberFormat('en');
const plural = (n, one, many) => (n === 1 ? one : many);

function setStatus(text, tone = 'info') {
  ui.statusText.textContent = text;
  ui.status.dataset.tone = tone;
}

function announce(text) {
  // Clear first so that the same words are announced again.
  ui.announcer.textContent = '';
  requestAnimationFrame(() => {
    ui.announcer.textContent = text;
  });
}

/** Runs page changes one at a time, in order. */
let queue = Promise.resolve();
function exclusive(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

function currentOptions() {
  const types = state.hiddenTypes.size === 0 ? null : [...state.knownTypes].filter((t) => !state.hiddenTypes.has(t));
  return { mentions: state.mentions, types };
}

const isHighlighterError = (error) => error?.name === 'HighlighterError' || (state.core && error instanceof state.core.HighlighterError);

// ---------------------------------------------------------------------------
// Highlighting
// ---------------------------------------------------------------------------

async function runPass(message) {
  const { highlighter } = state;
  ui.article.setAttribute('aria-busy', 'true');
  try {
    const result = await highlighter.highlight();
    state.passes += 1;
    render(result);
    state.summary = message ?? summaryOf(result.mentions.length);
    setStatus(state.summary, 'ok');
    return result;
  } finally {
    ui.article.setAttribute('aria-busy', 'false');
    ui.root.dataset.demoPasses = String(state.passes);
  }
}

/** The status line after a pass that found `n` mentions. */
function summaryOf(n) {
  if (n === 0) return state.hiddenTypes.size > 0 ? 'No mentions of the types shown' : 'No mentions found';
  return `${numberFormat.format(n)} ${plural(n, 'mention', 'mentions')} of ${numberFormat.format(state.groups.size)} ${plural(state.groups.size, 'entity', 'entities')} highlighted`;
}

function reportFailure(error, what) {
  console.warn(`demo: ${what}:`, error);
  const text = isHighlighterError(error) ? error.message : String(error?.message ?? error);
  setStatus(`${what}: ${text}`, 'error');
}

function rehighlight() {
  return exclusive(async () => {
    if (!state.highlighter) return;
    try {
      state.highlighter.setOptions(currentOptions());
      await runPass();
    } catch (error) {
      reportFailure(error, 'Could not highlight');
    }
  });
}

/** Replaces the article's content (clearing the highlights first) and highlights it. */
function showContent(fragment) {
  return exclusive(async () => {
    state.highlighter?.clear();
    ui.article.replaceChildren(fragment);
    if (!state.highlighter) return;
    try {
      await runPass();
    } catch (error) {
      reportFailure(error, 'Could not highlight');
    }
  });
}

// ---------------------------------------------------------------------------
// Rendering the results
// ---------------------------------------------------------------------------

function typeDot(type) {
  const dot = document.createElement('span');
  dot.className = 'type-dot';
  dot.dataset.type = type;
  dot.setAttribute('aria-hidden', 'true');
  return dot;
}

function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return null;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${numberFormat.format(Math.round(ms))} ms`;
}

function render(result) {
  const { mentions, timings } = result;

  // Group by the likeliest entity, in page order, as the core does for
  // "first mention". A group whose mentions are all the same ambiguous name
  // with nothing in the page to settle it ("Washington": the city or the
  // state) shows every candidate.
  const groups = new Map();
  const typeCounts = new Map();
  for (const mention of mentions) {
    const { entity } = mention;
    const candidates = mention.candidates?.length ? mention.candidates : [entity];
    const candidateKey = candidates.map((c) => c.id).join('|');
    let group = groups.get(entity.id);
    if (!group) {
      groups.set(entity.id, (group = { key: entity.id, entity, candidateKey, candidates, mentions: [] }));
    } else if (group.candidateKey !== candidateKey) {
      group.candidateKey = null;
    }
    group.mentions.push(mention);
    typeCounts.set(entity.type, (typeCounts.get(entity.type) ?? 0) + 1);
    for (const candidate of candidates) state.knownTypes.add(candidate.type);
  }
  for (const group of groups.values()) {
    const shown = group.candidateKey ? group.candidates : [group.entity];
    group.name = [...new Set(shown.map((c) => c.name))].join(' or ');
    group.types = [...new Set(shown.map((c) => c.type))];
  }
  state.groups = groups;
  state.stepIndex.clear();
  showStepBar(false);

  // Totals.
  ui.totalMentions.textContent = numberFormat.format(mentions.length);
  ui.totalMentionsLabel.textContent = plural(mentions.length, 'mention', 'mentions');
  ui.totalEntities.textContent = numberFormat.format(groups.size);
  ui.totalEntitiesLabel.textContent = plural(groups.size, 'entity', 'entities');

  // Counts per type, largest first, as bars.
  const maxCount = Math.max(1, ...typeCounts.values());
  const countItems = [...typeCounts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, count]) => {
      const li = document.createElement('li');
      li.className = 'type-counts__item';
      li.dataset.type = type;
      const label = document.createElement('span');
      label.className = 'type-counts__label';
      label.append(typeDot(type), typeLabel(type));
      const value = document.createElement('span');
      value.className = 'type-counts__value';
      value.textContent = numberFormat.format(count);
      const bar = document.createElement('span');
      bar.className = 'type-counts__bar';
      bar.dataset.type = type;
      bar.setAttribute('aria-hidden', 'true');
      bar.style.setProperty('--share', String(count / maxCount));
      li.append(label, value, bar);
      return li;
    });
  if (countItems.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = 'Nothing found with these settings.';
    countItems.push(li);
  }
  ui.typeCounts.replaceChildren(...countItems);

  // Entities, most mentioned first.
  const entityItems = [...groups.values()]
    .sort((a, b) => b.mentions.length - a.mentions.length || a.name.localeCompare(b.name))
    .map(({ key, name: displayName, types, mentions: list }) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'entity-button';
      button.dataset.group = key;
      const name = document.createElement('span');
      name.className = 'entity-button__name';
      name.textContent = displayName;
      const type = document.createElement('span');
      type.className = 'entity-button__type';
      type.append(typeDot(types[0]), types.join(' or '));
      const count = document.createElement('span');
      count.className = 'entity-button__count';
      count.textContent = numberFormat.format(list.length);
      const countWords = document.createElement('span');
      countWords.className = 'visually-hidden';
      countWords.textContent = ` ${plural(list.length, 'mention', 'mentions')}`;
      count.append(countWords);
      const separator = document.createElement('span');
      separator.className = 'visually-hidden';
      separator.textContent = ', ';
      button.append(name, separator, type, separator.cloneNode(true), count);
      li.append(button);
      return li;
    });
  if (entityItems.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = 'No entities found.';
    entityItems.push(li);
  }
  ui.entityList.replaceChildren(...entityItems);
  renderEntityListLength();

  renderTypeFilters();
  renderTimings(timings);
}

function renderEntityListLength() {
  const items = [...ui.entityList.children];
  const hiding = items.length > ENTITY_LIST_LIMIT && !state.showAllEntities;
  items.forEach((li, i) => {
    li.hidden = hiding && i >= ENTITY_LIST_LIMIT;
  });
  ui.entitiesToggle.hidden = items.length <= ENTITY_LIST_LIMIT;
  ui.entitiesToggle.setAttribute('aria-expanded', String(!hiding));
  ui.entitiesToggle.textContent = hiding ? `Show all ${numberFormat.format(items.length)} entities` : `Show the top ${ENTITY_LIST_LIMIT} only`;
  // The entries shown above it push it down, out of its scrolling panel.
  if (document.activeElement === ui.entitiesToggle) ui.entitiesToggle.scrollIntoView({ block: 'nearest' });
}

function renderTimings(timings) {
  let total = 0;
  for (const dd of ui.timings.querySelectorAll('dd[data-stage]')) {
    const stage = dd.dataset.stage;
    if (stage === 'total') continue;
    const value = Number(timings?.[stage]);
    // WASM starts while the dictionary downloads: dictionaryReady already
    // holds that time, so the total counts the longer of the two.
    if (Number.isFinite(value) && stage !== 'wasmStartup' && stage !== 'dictionaryReady') total += value;
    const text = formatMs(value);
    dd.classList.toggle('is-cached', text === null);
    dd.textContent = text ?? 'cached';
  }
  // Shown only for the pass that loaded a checked index; a small index is
  // checked faster than the page's clock can tell.
  const checkRow = ui.timings.querySelector('#timings-check-row');
  checkRow.hidden = typeof timings?.dictionaryCheck !== 'number';
  if (!checkRow.hidden) checkRow.querySelector('dd').textContent = formatMs(timings.dictionaryCheck) ?? 'under 0.1 ms';
  const waited = Math.max(Number(timings?.wasmStartup) || 0, Number(timings?.dictionaryReady) || 0);
  total += waited;
  ui.timings.querySelector('dd[data-stage="total"]').textContent = formatMs(total) ?? '0 ms';
}

function renderDictionary() {
  const info = state.highlighter?.dictionary ?? {};
  ui.dictTitle.textContent = info.title || 'Untitled';
  if (info.asOf) {
    const time = document.createElement('time');
    time.dateTime = info.asOf;
    time.textContent = info.asOf;
    ui.dictDate.replaceChildren(time);
  } else {
    ui.dictDate.textContent = 'Not given';
  }
  ui.dictCount.textContent = Number.isFinite(info.entityCount) ? numberFormat.format(info.entityCount) : '–';
  const where = state.highlighter?.worker ? ' (matched in a worker)' : '';
  ui.dictSource.textContent = `${state.source === 'bundled' ? 'Bundled with the demo' : state.sourceLabel}${where}`;
  // aria-disabled, not disabled: the button has focus when it is used,
  // and a disabled one would drop it to the top of the page.
  ui.bundledButton.setAttribute('aria-disabled', String(state.source === 'bundled'));
}

function orderedTypes() {
  const extra = [...state.knownTypes].filter((t) => !STANDARD_TYPES.includes(t)).sort();
  return [...STANDARD_TYPES, ...extra];
}

function renderTypeFilters() {
  const existing = new Map([...ui.typeFilters.querySelectorAll('input')].map((input) => [input.value, input]));
  const wanted = orderedTypes();
  if (wanted.length === existing.size && wanted.every((t) => existing.has(t))) {
    for (const [type, input] of existing) input.checked = !state.hiddenTypes.has(type);
    return;
  }
  const hadFocus = ui.typeFilters.contains(document.activeElement) ? document.activeElement.value : null;
  const labels = wanted.map((type) => {
    const label = document.createElement('label');
    label.className = 'chip';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'types';
    input.value = type;
    input.checked = !state.hiddenTypes.has(type);
    label.append(input, typeDot(type), typeLabel(type));
    return label;
  });
  ui.typeFilters.replaceChildren(...labels);
  if (hadFocus) ui.typeFilters.querySelector(`input[value="${CSS.escape(hadFocus)}"]`)?.focus();
}

// ---------------------------------------------------------------------------
// Stepping through an entity's mentions
// ---------------------------------------------------------------------------

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const flashTimers = new WeakMap();

function flash(elements) {
  for (const element of elements) {
    clearTimeout(flashTimers.get(element));
    element.classList.remove('demo-flash');
    // Restart the animation on a repeated click.
    void element.offsetWidth;
    element.classList.add('demo-flash');
    flashTimers.set(element, setTimeout(() => element.classList.remove('demo-flash'), FLASH_MS));
  }
}

function stepTo(key) {
  const group = state.groups.get(key);
  if (!group) return;
  const live = group.mentions.filter((m) => m.elements.length > 0 && m.elements[0].isConnected);
  if (live.length === 0) return;
  const index = (state.stepIndex.get(key) ?? 0) % live.length;
  state.stepIndex.set(key, index + 1);
  const mention = live[index];
  const target = mention.elements[0];
  // The first wrapper of a mention is focusable, unless the mention sits
  // inside a link or button; make it focusable from script then.
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.scrollIntoView({ block: 'center', inline: 'nearest', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
  target.focus({ preventScroll: true });
  flash(mention.elements);
  state.steppedFrom = key;
  announce(`${group.name}: mention ${index + 1} of ${live.length}. Escape twice returns to the list.`);
  // Shown on one column only (demo.css), where the list is out of reach.
  ui.stepBarLabel.textContent = `${group.name} · ${index + 1} of ${live.length}`;
  ui.stepBarNext.setAttribute('aria-label', `Next mention of ${group.name}`);
  showStepBar(true);
}

/** The step bar, and room for it above what scrolls into view. It names
 * its entity, and stays while the reader taps or tabs to other mentions
 * (to read another card on the way), until Back to the list or the next
 * pass. */
function showStepBar(shown) {
  ui.stepBar.hidden = !shown;
  document.documentElement.classList.toggle('stepping', shown);
}

/** Focus goes back to the entry of the entity last stepped to, in view. */
function backToEntry() {
  const entry = [...ui.entityList.querySelectorAll('button[data-group]')].find((button) => button.dataset.group === state.steppedFrom);
  if (!entry) return false;
  state.steppedFrom = null;
  // An entry the shortened list hides is shown first.
  if (entry.closest('li')?.hidden) {
    state.showAllEntities = true;
    renderEntityListLength();
  }
  entry.scrollIntoView({ block: 'center', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
  entry.focus({ preventScroll: true });
  // Only now: the bar's button had focus, which would fall to the body.
  showStepBar(false);
  return true;
}

/** After stepping to a mention, Escape (once its card has closed) goes
 * back to the entity's entry in the list, where Enter steps on: a keyboard
 * reader need not find the list again for each mention. */
function returnToList(event) {
  if (event.key !== 'Escape' || event.defaultPrevented || state.steppedFrom === null) return;
  const active = document.activeElement;
  // The first Escape is the card's (it closes it).
  if (!active || !ui.article.contains(active) || active.getAttribute('aria-expanded') === 'true') return;
  if (backToEntry()) event.preventDefault();
}

// ---------------------------------------------------------------------------
// Dictionaries
// ---------------------------------------------------------------------------

function clearDictionaryError() {
  ui.dictionaryError.replaceChildren();
  markInvalid(null);
}

/** Marks `field` (the file or address field) as the one refused, or with
 * null neither. */
function markInvalid(field) {
  for (const [input, hint] of [[ui.dictionaryFile, 'dictionary-file-hint'], [ui.dictionaryUrl, '']]) {
    const refused = input === field;
    if (refused) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const described = [hint, ...(refused ? ['dictionary-error-title', 'dictionary-error-intro'] : [])].filter(Boolean).join(' ');
    if (described) input.setAttribute('aria-describedby', described);
    else input.removeAttribute('aria-describedby');
  }
}

/**
 * Shows why a dictionary was not loaded, in the panel and the status
 * line (every refusal, whatever found it). The status line announces it;
 * the field it came from (`field`) is marked invalid and described by the
 * panel's heading and count, so the list is read at the reader's pace
 * (the panel was an alert too, which read every problem at once, twice).
 */
function showDictionaryError(fileName, error, field = ui.dictionaryFile) {
  setStatus(`“${fileName}” was not loaded; the previous dictionary is still in use`, 'error');
  const heading = document.createElement('h3');
  heading.className = 'error-panel__title';
  heading.id = 'dictionary-error-title';
  heading.textContent = `“${fileName}” was not loaded`;
  const intro = document.createElement('p');
  intro.className = 'error-panel__intro';
  intro.id = 'dictionary-error-intro';
  markInvalid(field);
  const problems = Array.isArray(error?.problems) ? error.problems : [];
  // The engine lists a few hundred problems and counts the rest.
  const total = Math.max(problems.length, Number.isSafeInteger(error?.problemCount) ? error.problemCount : 0);
  intro.textContent = problems.length
    ? `${numberFormat.format(total)} ${plural(total, 'problem', 'problems')} found. The page keeps its previous highlighting.`
    : `${error?.message ?? error}. The page keeps its previous highlighting.`;
  const nodes = [heading, intro];
  if (problems.length) {
    const list = document.createElement('ol');
    list.className = 'error-panel__list';
    for (const problem of problems.slice(0, MAX_PROBLEMS_SHOWN)) {
      const li = document.createElement('li');
      const where = document.createElement('code');
      where.className = 'error-panel__location';
      where.textContent = String(problem?.location ?? '?');
      const message = document.createElement('span');
      message.className = 'error-panel__message';
      message.textContent = String(problem?.message ?? '');
      li.append(where, ' ', message);
      list.append(li);
    }
    nodes.push(list);
    const shown = Math.min(problems.length, MAX_PROBLEMS_SHOWN);
    if (total > shown) {
      const more = document.createElement('p');
      more.className = 'error-panel__more';
      more.textContent = `…and ${numberFormat.format(total - shown)} more.`;
      nodes.push(more);
    }
  }
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'button button--small';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => {
    clearDictionaryError();
    // The status line goes back to what the page shows.
    if (ui.status.dataset.tone === 'error' && state.summary) setStatus(state.summary, 'ok');
    field.focus();
  });
  nodes.push(dismiss);
  ui.dictionaryError.replaceChildren(...nodes);
}

/**
 * The core reads a string as JSON only when it starts with "{" (anything
 * else is a URL). Drop a byte order mark, and move any white space before
 * the "{" to just after it, which keeps the line numbers of the rest.
 */
function asDictionaryJson(text) {
  const withoutBom = text.replace(/^\uFEFF/, '');
  const match = /^(\s*)\{/.exec(withoutBom);
  if (!match) return null;
  return `{${match[1]}${withoutBom.slice(match[0].length)}`;
}

/** Builds a highlighter for `dictionary` and switches to it; on failure the old one stays. */
/** Shows a download's progress; `null` hides the bar. */
function showProgress(progress) {
  if (!progress) {
    ui.progressRow.hidden = true;
    return;
  }
  ui.progressRow.hidden = false;
  // (Not a live region: it changes ten times a MiB; the status line says
  // when loading starts and how it ends.)
  const mib = (bytes) => (bytes < 1048576 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`);
  if (progress.total > 0) {
    ui.progress.max = progress.total;
    ui.progress.value = progress.loaded;
    ui.progressText.textContent = `${mib(progress.loaded)} of ${mib(progress.total)}`;
  } else {
    ui.progress.removeAttribute('value');
    ui.progressText.textContent = mib(progress.loaded);
  }
}

async function switchDictionary(dictionary, source, sourceLabel = `Your file “${source}”`) {
  let next;
  try {
    // A dictionary of the reader's own may be large: it loads, compiles
    // and matches in a worker, so the page stays responsive meanwhile. An
    // index is checked against its checksums first (in the worker too):
    // a file damaged on its way would otherwise show altered summaries.
    next = await state.core.createHighlighter({ root: ui.article, ...(dictionary ? { dictionary, onProgress: showProgress, worker: true, verify: true } : {}), ...currentOptions() });
  } finally {
    showProgress(null);
  }
  state.highlighter?.destroy();
  state.highlighter = next;
  state.source = source;
  state.sourceLabel = sourceLabel;
  // The filters offer the standard types plus whatever this dictionary has.
  state.knownTypes = new Set([...STANDARD_TYPES, ...Object.keys(next.dictionary.types)]);
  for (const type of state.hiddenTypes) if (!state.knownTypes.has(type)) state.hiddenTypes.delete(type);
  renderDictionary();
  return runPass();
}

function loadDictionaryFile(file) {
  return exclusive(async () => {
    clearDictionaryError();
    const name = file.name || 'dictionary.json';
    const isIndex = /\.ehx$/i.test(name);
    if (file.size > MAX_DICTIONARY_BYTES && !isIndex) {
      showDictionaryError(name, { problems: [{ location: name, message: `the file is ${numberFormat.format(Math.ceil(file.size / 1048576))} MiB; dictionaries may be at most 32 MiB` }] });
      return;
    }
    if (isIndex || (await file.slice(0, 4).text()) === 'EHIX') {
      // A compact index: hand the core its bytes.
      setStatus(`Loading “${name}”…`);
      try {
        await switchDictionary(new Uint8Array(await file.arrayBuffer()), name);
      } catch (error) {
        showDictionaryError(name, error);
      }
      ui.dictionaryFile.value = '';
      return;
    }
    let text;
    try {
      text = await file.text();
    } catch (error) {
      showDictionaryError(name, { message: `the file could not be read (${error?.message ?? error})` });
      return;
    } finally {
      // So that choosing the same file again (after fixing it) is a change.
      ui.dictionaryFile.value = '';
    }
    const json = asDictionaryJson(text);
    if (json === null) {
      const empty = text.replace(/^\uFEFF/, '').trim() === '';
      showDictionaryError(name, { problems: [{ location: empty ? name : 'line 1, column 1', message: empty ? 'the file is empty' : 'a dictionary is a JSON object, so the file must start with “{”' }] });
      return;
    }
    setStatus(`Loading “${name}”…`);
    try {
      await switchDictionary(json, name);
    } catch (error) {
      showDictionaryError(name, error);
    }
  });
}

function loadDictionaryUrl(address) {
  return exclusive(async () => {
    clearDictionaryError();
    let url;
    try {
      url = new URL(address, document.baseURI);
    } catch {
      showDictionaryError(address, { problems: [{ location: 'address', message: 'not a valid address' }] }, ui.dictionaryUrl);
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      showDictionaryError(address, { problems: [{ location: 'address', message: `${url.protocol} addresses are not loaded; use http: or https:` }] }, ui.dictionaryUrl);
      return;
    }
    // The file's name; an address ending in "/" is named by its last folder.
    const name = url.pathname.split('/').filter(Boolean).pop() || url.host;
    setStatus(`Loading “${name}”…`);
    try {
      await switchDictionary(url.href, name, `“${name}” from ${url.host}`);
    } catch (error) {
      showDictionaryError(name, error, ui.dictionaryUrl);
    }
  });
}

function useBundledDictionary() {
  return exclusive(async () => {
    // (Checked when it runs: a second click queued behind the first finds
    // the bundled dictionary in use.)
    if (state.source === 'bundled') return;
    clearDictionaryError();
    setStatus('Loading the bundled dictionary…');
    try {
      await switchDictionary(null, 'bundled');
      ui.dictionaryFile.value = '';
    } catch (error) {
      reportFailure(error, 'The bundled dictionary could not be loaded');
    }
  });
}

// ---------------------------------------------------------------------------
// Start-up and events
// ---------------------------------------------------------------------------

async function loadSample() {
  const response = await fetch(SAMPLE_URL);
  if (!response.ok) throw new Error(`the sample article could not be loaded (HTTP ${response.status})`);
  return sanitizeHtml(await response.text());
}

function wireEvents() {
  ui.pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.pasteInput.value;
    if (!text.trim()) {
      ui.pasteError.textContent = 'Paste or type some text first.';
      ui.pasteInput.setAttribute('aria-invalid', 'true');
      ui.pasteInput.focus();
      return;
    }
    ui.pasteError.textContent = '';
    ui.pasteInput.removeAttribute('aria-invalid');
    const fragment = looksLikeHtml(text) ? sanitizeHtml(text) : textToFragment(text);
    const wrapper = document.createElement('article');
    wrapper.className = 'pasted';
    wrapper.append(fragment);
    showContent(wrapper).then(() => ui.article.focus({ preventScroll: false }));
  });

  ui.pasteInput.addEventListener('input', () => {
    if (ui.pasteError.textContent) {
      ui.pasteError.textContent = '';
      ui.pasteInput.removeAttribute('aria-invalid');
    }
  });

  ui.sampleButton.addEventListener('click', async () => {
    try {
      const fragment = await loadSample();
      await showContent(fragment);
    } catch (error) {
      reportFailure(error, 'Could not load the sample');
    }
  });

  for (const radio of document.querySelectorAll('input[name="mentions"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      state.mentions = radio.value === 'first' ? 'first' : 'all';
      rehighlight();
    });
  }

  ui.typeFilters.addEventListener('change', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.name !== 'types') return;
    if (input.checked) state.hiddenTypes.delete(input.value);
    else state.hiddenTypes.add(input.value);
    rehighlight();
  });
  ui.typesAll.addEventListener('click', () => {
    state.hiddenTypes.clear();
    renderTypeFilters();
    rehighlight();
  });
  ui.typesNone.addEventListener('click', () => {
    state.hiddenTypes = new Set(state.knownTypes);
    renderTypeFilters();
    rehighlight();
  });

  ui.entitiesToggle.addEventListener('click', () => {
    state.showAllEntities = !state.showAllEntities;
    renderEntityListLength();
  });

  ui.entityList.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-group]') : null;
    if (button) stepTo(button.dataset.group);
  });
  document.addEventListener('keydown', returnToList);
  ui.stepBarList.addEventListener('click', backToEntry);
  ui.stepBarNext.addEventListener('click', () => {
    if (state.steppedFrom !== null) stepTo(state.steppedFrom);
  });

  ui.dictionaryUrlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    loadDictionaryUrl(ui.dictionaryUrl.value.trim());
  });
  ui.dictionaryFile.addEventListener('change', () => {
    const file = ui.dictionaryFile.files?.[0];
    if (file) loadDictionaryFile(file);
  });
  ui.bundledButton.addEventListener('click', useBundledDictionary);
}

async function main() {
  wireEvents();
  renderTypeFilters();
  try {
    const [core, sample] = await Promise.all([import('../core/index.js'), loadSample()]);
    state.core = core;
    ui.article.replaceChildren(sample);
    setStatus('Loading the dictionary…');
    await exclusive(() => switchDictionary(null, 'bundled'));
    ui.root.dataset.demoState = 'ready';
  } catch (error) {
    ui.root.dataset.demoState = 'failed';
    reportFailure(error, 'The highlighter could not start');
    if (isHighlighterError(error) && error.problems?.length) showDictionaryError('The bundled dictionary', error);
  } finally {
    ui.article.setAttribute('aria-busy', 'false');
  }
}

main();
