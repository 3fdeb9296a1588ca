// The checks every hostile page gets, run inside the page: highlight, then
// assert nothing was lost or misplaced, then clear and compare the whole
// document (shadow roots and frames included) with what it was.
import { describe, difference, misplacedWrappers } from './generate.mjs';

/** Loads the bundled dictionary once per page, with `extra` entities
 * added, as an object (so each highlighter does not fetch it again). */
let bundled = null;
export async function bundledDictionary(extra = []) {
  bundled ??= await (await fetch('/www/pkg/world-news.json')).json();
  return extra.length ? { ...bundled, entities: [...bundled.entities, ...extra] } : bundled;
}

/** Resolves after the next frame has been produced. */
export function nextFrame(view = window) {
  return new Promise((resolve) => view.requestAnimationFrame(() => view.setTimeout(resolve, 0)));
}

/** Records main-thread tasks over 50 ms until the returned stop(). */
export function watchLongTasks() {
  const tasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(Math.round(entry.duration));
  });
  observer.observe({ type: 'longtask', buffered: false });
  return () => {
    for (const entry of observer.takeRecords()) tasks.push(Math.round(entry.duration));
    observer.disconnect();
    return tasks;
  };
}

/**
 * Highlights `root` with a new highlighter and checks the result. Returns
 * facts for the test to assert on; leaves the highlighter in
 * `window.highlighter` (cleared) for further steps.
 */
export async function highlightAndCheck(root, { mode, options = {}, dictionary, expected = null, keepHighlighted = false } = {}) {
  const doc = root.ownerDocument;
  const text = root.textContent;
  const before = describe(doc.documentElement);
  window.highlighter?.destroy();
  const highlighter = await window.core.createHighlighter({ root, mode, dictionary: dictionary ?? await bundledDictionary(), ...options });
  window.highlighter = highlighter;
  const stop = watchLongTasks();
  // How long the page went without running a timer of its own while the
  // highlighter worked (until highlight() resolved): what a reader feels as
  // a frozen page. The browser's own frame after that is reported apart.
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks += 1;
  }, 5);
  const began = performance.now();
  const { mentions, timings } = await highlighter.highlight();
  const elapsed = performance.now() - began;
  maxGap = Math.max(maxGap, performance.now() - last);
  clearInterval(ticker);
  // The browser's own work for the change (style, layout, painting the
  // highlights) happens in the next frame; it counts too.
  await nextFrame();
  const elapsedToFrame = performance.now() - began;
  const longTasks = stop();
  const texts = mentions.map((m) => m.text);
  let expectedMismatch = null;
  if (expected) {
    const at = texts.findIndex((text, i) => text !== expected[i]);
    if (at !== -1 || texts.length !== expected.length) {
      const i = at === -1 ? Math.min(texts.length, expected.length) : at;
      expectedMismatch = { at: i, found: texts.slice(i, i + 5), expected: expected.slice(i, i + 5), counts: [texts.length, expected.length] };
    }
  }
  const facts = {
    mode: highlighter.mode,
    elapsed,
    elapsedToFrame,
    timings,
    mentions: mentions.length,
    texts: texts.length > 200 ? [] : texts,
    expectedMismatch,
    textKept: root.textContent === text,
    misplaced: misplacedWrappers(doc),
    longTasks,
    maxGap,
    ticks,
    // Paint mode must not change the DOM at all, not even while shown.
    paintDiff: highlighter.mode === 'paint' ? difference(before, describe(doc.documentElement)) : null,
    // Every wrapper holds exactly its mention's text, pieces in order.
    wrapperText: mentions.every((m) => highlighter.mode === 'paint' || m.elements.map((e) => e.textContent).join('') === m.text),
  };
  saved = { root, before, text };
  if (keepHighlighted) return facts;
  return { ...facts, ...clearAndCompare() };
}

let saved = null;

/** Clears the highlighter of the last highlightAndCheck() and compares the
 * whole document with what it was before. */
export function clearAndCompare() {
  const { root, before, text } = saved;
  window.highlighter.clear();
  return {
    clearDiff: difference(before, describe(root.ownerDocument.documentElement)),
    textAfterClear: root.textContent === text,
  };
}

/** The highlighter's card host (the page may hold look-alikes without a
 * shadow root), or null. */
export function cardHost(doc = document) {
  return [...doc.querySelectorAll('entity-highlighter-card')].find((host) => host.shadowRoot) ?? null;
}

/**
 * Builds `builder(root, args)` once and highlights it `runs` times (clearing
 * in between, which restores it exactly). Returns, in ms, the best time to
 * highlight() resolving (`elapsed`: everything the reader waits for,
 * including the browser's restyling between slices), the best sum of
 * the highlighter's own stages (`own`: extraction, matching, DOM changes),
 * the best of the first two (`reading`) and of the last (`domChanges`).
 * The best of a few runs is the least disturbed by other work on the
 * machine. A builder that names the text nodes holding its names
 * (`named`) also gets, in wrap mode, `bareChanges`: timeBareChanges() of
 * them (else null).
 */
export async function timeHighlight(root, { builder, args, mode, runs = 3 }) {
  root.replaceChildren();
  const built = await window.hostile[builder](root, args);
  await nextFrame();
  await nextFrame();
  const bareChanges = built.named && mode === 'wrap' ? await timeBareChanges(root, built.named, runs) : null;
  const dictionary = await bundledDictionary();
  window.highlighter?.destroy();
  const highlighter = await window.core.createHighlighter({ root, mode, dictionary, cards: false });
  window.highlighter = highlighter;
  let elapsed = Infinity;
  let own = Infinity;
  let reading = Infinity;
  let domChanges = Infinity;
  let mentions = 0;
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    const { mentions: found, timings } = await highlighter.highlight();
    elapsed = Math.min(elapsed, performance.now() - began);
    own = Math.min(own, timings.extraction + timings.matching + timings.domChanges);
    reading = Math.min(reading, timings.extraction + timings.matching);
    domChanges = Math.min(domChanges, timings.domChanges);
    mentions = found.length;
    highlighter.clear();
    await nextFrame();
  }
  highlighter.destroy();
  root.replaceChildren();
  return { elapsed, own, reading, domChanges, bareChanges, mentions };
}

/**
 * The browser's own cost of the changes wrap mode makes, with none of the
 * highlighter's work: each text node in `nodes` cut short, and a span
 * holding the next few characters and a text node with the rest put
 * after it, as wrapping one mention in it does. Best of `runs` in ms, each
 * undone after (it throws if `root` did not come back as it was). In
 * Chromium each change costs time in proportion to how deep its node
 * lies, so on a deep page this floor grows faster than the page does.
 */
export async function timeBareChanges(root, nodes, runs = 3) {
  const before = { text: root.textContent, elements: root.getElementsByTagName('*').length };
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const made = [];
    const began = performance.now();
    for (const node of nodes) {
      const doc = node.ownerDocument;
      const original = node.data;
      node.data = original.slice(0, 1);
      const span = doc.createElement('span');
      span.append(original.slice(1, 6));
      const rest = doc.createTextNode(original.slice(6));
      const fragment = doc.createDocumentFragment();
      fragment.append(span, rest);
      node.parentNode.insertBefore(fragment, node.nextSibling);
      made.push({ node, original, span, rest });
    }
    best = Math.min(best, performance.now() - began);
    for (const { node, original, span, rest } of made) {
      span.remove();
      rest.remove();
      node.data = original;
    }
    await nextFrame();
  }
  if (root.textContent !== before.text || root.getElementsByTagName('*').length !== before.elements) throw new Error('timeBareChanges left the page changed');
  return best;
}
