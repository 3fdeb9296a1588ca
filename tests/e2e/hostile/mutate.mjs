// Pages that change under the highlighter: every change is made twice, to
// the page and to a detached copy that no highlighter touches, so the test
// can ask whether the page ended up exactly as it would have without one.
import { article, describe, difference, misplacedWrappers, NO_MENTION, random } from './generate.mjs';
import { bundledDictionary, nextFrame } from './check.mjs';

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the page: an article whose paragraphs have ids, then an opted-out
 * div and a <code> that paragraphs get moved into. */
function buildPage(root, paragraphs) {
  const doc = root.ownerDocument;
  article(root, { paragraphs, seed: 11 });
  [...root.children].forEach((p, i) => {
    p.id = `p${i}`;
  });
  const off = doc.createElement('div');
  off.setAttribute('data-entity-highlighter', 'off');
  off.setAttribute(NO_MENTION, '');
  const code = doc.createElement('code');
  code.setAttribute(NO_MENTION, '');
  root.append(off, code);
}

/** The changes, each applied to one paragraph of `tree` (the page or the
 * copy), by id so both trees get the same one. */
const CHANGES = {
  edit: (tree, p) => {
    // The last text node of an article paragraph holds no name, so it is
    // the page's own node in both trees.
    p.lastChild.data += ' and Tokyo.';
  },
  rewrite: (tree, p) => {
    // Replaces the highlighter's wrappers along with the text.
    p.textContent = 'Rewritten: Cairo and the European Union.';
  },
  remove: (tree, p) => p.remove(),
  moveOff: (tree, p) => tree.querySelector('[data-entity-highlighter="off"]').append(p),
  moveCode: (tree, p) => tree.querySelector('code').append(p),
  moveUp: (tree, p) => tree.prepend(p),
  add: (tree, p, serial) => {
    const added = p.ownerDocument.createElement('p');
    added.id = `added${serial}`;
    added.textContent = `Added: Berlin and NATO (${serial}).`;
    p.before(added);
  },
};

/**
 * Highlights (with observe) a page of `paragraphs` paragraphs while
 * changing it between the slices of the pass and after it; waits until the
 * highlighter is idle, then checks. Returns facts.
 */
export async function changeWhileHighlighting(root, { mode, observe = true, paragraphs = 1500, seed = 5, from = 0, ticks = Infinity } = {}) {
  buildPage(root, paragraphs);
  await nextFrame();
  const copy = root.cloneNode(true);
  const next = random(seed);
  const kinds = Object.keys(CHANGES);
  const touched = new Set();
  let serial = 0;
  const counts = Object.fromEntries(kinds.map((kind) => [kind, 0]));
  const change = () => {
    // A paragraph is changed at most once, and only a paragraph still
    // directly in the root, so both trees always find the same one.
    let id;
    for (let tries = 0; tries < 20; tries++) {
      // `from` > 0 picks among the last paragraphs only: the ones a pass
      // reaches last, so a change made early in the pass precedes their
      // wrapping.
      const candidate = `p${Math.floor(paragraphs * from + next() * paragraphs * (1 - from))}`;
      if (!touched.has(candidate) && root.querySelector(`:scope > #${candidate}`)) {
        id = candidate;
        break;
      }
    }
    if (!id) return;
    touched.add(id);
    const kind = kinds[Math.floor(next() * kinds.length)];
    serial += 1;
    for (const tree of [root, copy]) CHANGES[kind](tree, tree.querySelector(`#${id}`), serial);
    counts[kind] += 1;
  };

  let updates = 0;
  window.highlighter?.destroy();
  const highlighter = await window.core.createHighlighter({ root, mode, observe, dictionary: await bundledDictionary(), onUpdate: () => { updates += 1; } });
  window.highlighter = highlighter;
  let passDone = false;
  const pass = highlighter.highlight().finally(() => {
    passDone = true;
  });
  let duringPass = 0;
  for (let tick = 0; !passDone; tick++) {
    if (tick < ticks) {
      for (let i = 0; i < 3; i++) change();
      duringPass += 3;
    }
    await wait(0);
  }
  const { mentions: firstPass } = await pass;
  // And a few bursts after it, for the observer.
  for (let burst = 0; burst < (observe ? 5 : 0); burst++) {
    for (let i = 0; i < 10; i++) change();
    await wait(15);
  }
  // Idle: an update came after the last change, then none for two seconds
  // (the observer batches for 40 ms and reports at the end of each pass;
  // a pass over the whole root, which a removal from the root causes, takes
  // about a second on this page).
  const atLastChange = updates;
  let seen = -1;
  for (let rounds = 0; observe && rounds < 60 && (updates === atLastChange || seen !== updates); rounds++) {
    seen = updates;
    await wait(2000);
  }

  const facts = {
    mode: highlighter.mode,
    counts,
    changesDuringPass: duringPass,
    firstPass: firstPass.length,
    updates,
    textKept: root.textContent === copy.textContent,
    misplaced: misplacedWrappers(root.ownerDocument),
  };
  const current = highlighter.mentions;
  // Every mention the highlighter holds is in the page, painted or wrapped
  // over exactly its text, and nowhere excluded.
  facts.stale = current.filter((m) => {
    if (mode === 'paint') {
      const range = m.ranges?.[0];
      const container = range?.commonAncestorContainer;
      const element = container?.nodeType === 1 ? container : container?.parentElement;
      return !range || !element?.isConnected || range.toString() !== m.text || element.closest(`[${NO_MENTION}]`);
    }
    return !m.elements.every((e) => e.isConnected) || m.elements.map((e) => e.textContent).join('') !== m.text;
  }).map((m) => m.text).slice(0, 10);
  // Paint mode never touches the DOM; both trees are the same as they are.
  if (mode === 'paint') facts.paintDiff = sameShape(copy, root);
  // Nothing missed: the live mentions are those a fresh pass finds.
  const live = current.map((m) => m.text).sort();
  highlighter.clear();
  facts.clearDiff = sameShape(copy, root);
  const fresh = await window.core.createHighlighter({ root, mode, dictionary: await bundledDictionary() });
  const freshTexts = (await fresh.highlight()).mentions.map((m) => m.text).sort();
  fresh.destroy();
  facts.liveCount = live.length;
  facts.freshCount = freshTexts.length;
  facts.sameAsFresh = JSON.stringify(live) === JSON.stringify(freshTexts);
  return facts;
}

/** The first place where two trees differ in shape, names, attributes or
 * text (node identity aside: one is a copy), or null. */
function sameShape(expected, actual) {
  const a = describe(expected);
  const b = describe(actual);
  const length = Math.max(a.lines.length, b.lines.length);
  for (let i = 0; i < length; i++) {
    if (a.lines[i] !== b.lines[i]) return { at: i, expected: a.lines[i]?.slice(0, 200), actual: b.lines[i]?.slice(0, 200) };
  }
  return null;
}

/**
 * The page removes and moves the highlighter's own elements (wrappers and
 * the card), edits text the highlighter split, then calls clear() and
 * highlights again. Returns facts.
 */
export async function tamperWithOwnElements(root, { mode } = {}) {
  const doc = root.ownerDocument;
  buildPage(root, 40);
  await nextFrame();
  window.highlighter?.destroy();
  const highlighter = await window.core.createHighlighter({ root, mode, dictionary: await bundledDictionary() });
  window.highlighter = highlighter;
  const { mentions } = await highlighter.highlight();
  const cardHost = () => [...doc.querySelectorAll('entity-highlighter-card')].find((host) => host.shadowRoot) ?? null;
  const facts = { mode: highlighter.mode, mentions: mentions.length };

  // Open a card (by keyboard in wrap mode; paint mode has no focus stops,
  // so through the hover path's opener).
  const openFirst = async () => {
    const wrapper = root.querySelector('entity-mention[tabindex]');
    if (wrapper) wrapper.focus();
    else {
      const range = highlighter.mentions[0].ranges[0];
      const rect = range.getClientRects()[0];
      range.startContainer.parentElement.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: rect.left + 2, clientY: rect.top + rect.height / 2, pointerType: 'mouse' }));
      await wait(400);
    }
    return Boolean(cardHost() && !cardHost().hidden);
  };
  facts.cardOpened = await openFirst();

  const wrappers = [...root.querySelectorAll('entity-mention')];
  wrappers.forEach((wrapper, i) => {
    if (i % 7 === 0) wrapper.remove();
    else if (i % 7 === 3) root.querySelector('#p5').append(wrapper);
    else if (i % 7 === 5) wrapper.replaceWith(...wrapper.childNodes);
  });
  // Edit text the highlighter split off after a wrapper.
  const splitTail = [...root.querySelectorAll('entity-mention')].map((w) => w.nextSibling).find((n) => n?.nodeType === 3 && n.data.length > 3);
  if (splitTail) splitTail.data += ' (edited by the page)';
  // Edit the text inside a wrapper.
  const inner = root.querySelector('entity-mention')?.firstChild;
  if (inner) inner.data = inner.data.toUpperCase();
  // Paint mode: remove text nodes that hold painted mentions.
  if (mode === 'paint') {
    // Collected first: once an element is gone, the next mention's range
    // may start in a node that is no longer in the page.
    const doomed = highlighter.mentions.slice(0, 20).map((m) => m.ranges[0].startContainer.parentElement);
    for (const element of doomed) if (element !== root && root.contains(element)) element.remove();
  }
  // The card: moved into the root, then removed.
  const host = cardHost();
  if (host) {
    root.querySelector('#p6')?.append(host);
    host.remove();
  }

  const textBeforeClear = root.textContent;
  highlighter.clear();
  facts.clearKeptText = root.textContent === textBeforeClear;
  facts.leftover = [...doc.querySelectorAll('entity-mention')].length;
  facts.cardLeft = cardHost() !== null;

  // A second pass on what the page left works and clears exactly.
  const before = describe(doc.documentElement);
  const text = root.textContent;
  const again = await highlighter.highlight();
  facts.again = again.mentions.length;
  facts.againText = root.textContent === text;
  facts.cardReopened = await openFirst();
  facts.misplaced = misplacedWrappers(doc);
  highlighter.clear();
  facts.againClearDiff = difference(before, describe(doc.documentElement));
  return facts;
}

/**
 * With observe, the page edits text that the highlighter split off beside
 * a wrapper; the re-highlight of that block must keep the edit, and so must
 * clear(). Returns facts.
 */
export async function editSplitText(root) {
  buildPage(root, 20);
  await nextFrame();
  window.highlighter?.destroy();
  let updates = 0;
  const highlighter = await window.core.createHighlighter({ root, observe: true, dictionary: await bundledDictionary(), onUpdate: () => { updates += 1; } });
  window.highlighter = highlighter;
  await highlighter.highlight();
  const tails = [...root.querySelectorAll('entity-mention')].map((w) => w.nextSibling).filter((n) => n?.nodeType === 3 && n.data.length > 3).slice(0, 10);
  for (const tail of tails) tail.data += ' [edited]';
  const expected = root.textContent;
  for (let rounds = 0; rounds < 50 && updates === 0; rounds++) await wait(100);
  const facts = { edited: tails.length, updates, keptWhileObserved: root.textContent === expected };
  highlighter.clear();
  facts.keptAfterClear = root.textContent === expected;
  facts.editsLeft = (root.textContent.match(/\[edited\]/g) ?? []).length;
  return facts;
}

/**
 * With observe, the page appends `count` paragraphs to the root, one by
 * one, in one task; returns the ms until the highlighter reports them.
 */
export async function timeBurst(root, { count, mode }) {
  root.replaceChildren();
  article(root, { paragraphs: 50 });
  await nextFrame();
  window.highlighter?.destroy();
  let reported;
  const update = new Promise((resolve) => {
    reported = resolve;
  });
  const highlighter = await window.core.createHighlighter({ root, mode, observe: true, cards: false, dictionary: await bundledDictionary(), onUpdate: (u) => reported(u) });
  window.highlighter = highlighter;
  await highlighter.highlight();
  const began = performance.now();
  for (let i = 0; i < count; i++) {
    const p = root.ownerDocument.createElement('p');
    p.textContent = `Item ${i}: Paris and Berlin.`;
    root.append(p);
  }
  const { added } = await update;
  const elapsed = performance.now() - began;
  highlighter.destroy();
  root.replaceChildren();
  return { elapsed, added: added.length };
}
