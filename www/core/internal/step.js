// The step keys: Alt+Shift+Down and Alt+Shift+Up go to the next and the
// previous mention. In paint mode they are the keyboard's only way to the
// cards (a painted range cannot take focus); in wrap mode they reach the
// next mention without tabbing through every link between.
//
// One key press answers for every highlighter of this copy of the core on
// the document (an article's and a sidebar's, say): their mentions are
// stepped through together, in document order, with one place kept for
// all. While a modal dialog is open, only the mentions inside it count;
// mentions the reader cannot see (hidden, clipped, placed off the page)
// are passed over. A highlighter loaded apart (an extension's, in its own
// script world) keeps its own list: whichever hears the key first answers
// it, and leaves it to the other where it has no mention.

import { documentOrder, insideAny } from './extract.js';
import { PAINTED } from './paint.js';

/** The card controllers listening to a document's keys. */
const controllers = new Set();
/** mergedMentions()'s answer, and the lists it was made from. */
let merged = null;

/** The place kept across steps: the mention last stepped to, the
 * controller whose card shows it, a live Range at its start (which the
 * page's and the highlighters' changes move along with the text, where
 * the mention itself may be found again as a new one), and what had
 * focus before the first step, given it back when the reader leaves a
 * card by Escape while it is on screen (card.js). */
const place = { mention: null, controller: null, at: null, returnTo: null };

export function addStepper(controller) {
  controllers.add(controller);
}

/** Forgets `controller` (its highlighter is destroyed), and what the
 * steps kept of its mentions and nodes. */
export function removeStepper(controller) {
  controllers.delete(controller);
  merged = null;
  if (place.controller === controller || place.at?.startContainer.ownerDocument === controller.doc) {
    place.mention = null;
    place.controller = null;
    place.at = null;
    place.returnTo = null;
  }
}

/** The mention last stepped to, if `controller` shows it. */
export function steppedBy(controller) {
  return place.controller === controller ? place.mention : null;
}

/** What had focus before stepping began, handed over once. */
export function takeReturnTo() {
  const returnTo = place.returnTo;
  place.returnTo = null;
  return returnTo;
}

export function isStepKey(event) {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp');
}

/** Handles a step key that reached `controller`'s document listener. */
export function onStepKey(controller, event) {
  if (event.defaultPrevented) return;
  const doc = controller.doc;
  const peers = listening(doc);
  // Every controller on the document hears the key; the first answers.
  if (peers[0] !== controller) return;
  const origin = event.composedPath()[0];
  if (!peers.some((peer) => peer.isInsideCard(origin)) && isTextEntry(origin)) return;
  const entries = reachable(doc, peers);
  if (entries.length === 0) return;
  event.preventDefault();
  const forward = event.key === 'ArrowDown';
  const view = doc.defaultView;
  const seek = (i) => seekVisible(entries, i, forward ? 1 : -1, view);
  // Where the reader is: on a mention with keyboard focus (reached by
  // Tab); else at the place last stepped to, while it is on screen; else
  // on the screen.
  const focused = peers.map((peer) => peer.wrapperOf(origin)?.mention).find(Boolean);
  let from = focused ? entries.findIndex(({ mention }) => mention === focused) : -1;
  let index = -1;
  if (from < 0 && placeOnScreen(view)) {
    from = entries.findIndex(({ mention }) => mention === place.mention);
    if (from < 0) {
      // Highlighted again since (the page changed that paragraph, or the
      // highlighter ran again): the mention that starts there now; or,
      // where none does, the first after the place going down and the
      // last before it going up.
      const after = firstFrom(entries, place.at);
      if (after < entries.length && startsAt(entries[after].mention, place.at)) from = after;
      else index = seek(forward ? after : after - 1);
    }
  }
  if (from >= 0) {
    // At either end, the card of the one reached shows again.
    index = seek(from + (forward ? 1 : -1));
    if (index < 0) index = from;
  } else if (index < 0) {
    // From the screen: the first mention not above it, going down; the
    // last not below it (the one before the first below it), going up.
    if (forward) {
      index = firstWhere(entries, view, (box) => box.bottom > 0);
    } else {
      const below = firstWhere(entries, view, (box) => box.top >= view.innerHeight);
      index = seek(below < 0 ? entries.length - 1 : below - 1);
    }
  }
  if (index < 0) return;
  stepTo(entries[index], positionAmongShown(entries, index), peers);
}

/** The card controllers listening to `doc`'s keys. */
function listening(doc) {
  return [...controllers].filter((peer) => peer.doc === doc && peer.documentListening);
}

/**
 * The mentions the steps go through on `doc`, as entries ({ mention,
 * controller }) in document order: every listening controller's
 * (`peers`), or while a modal dialog is open only those inside it.
 */
function reachable(doc, peers) {
  const entries = mergedMentions(peers);
  const modal = openModal(doc);
  if (!modal) return entries;
  const inModal = new Set([modal]);
  return entries.filter(({ mention }) => insideAny(anchorNode(mention), inModal));
}

/** The first entry from `i` on, going `direction` (1 or -1), that the
 * reader can see, or -1. */
function seekVisible(entries, i, direction, view) {
  let at = i;
  while (at >= 0 && at < entries.length && visibleBox(entries[at].mention, view) === null) at += direction;
  return at >= 0 && at < entries.length ? at : -1;
}

/**
 * For a card opened by a tap, which has no keys to step with but buttons:
 * where `mention` stands among the mentions the steps reach, as
 * positionAmongShown gives it, or null where it is not among them (a
 * mention outside an open modal dialog, say).
 */
export function positionOf(controller, mention) {
  const entries = reachable(controller.doc, listening(controller.doc));
  const index = entries.findIndex((entry) => entry.mention === mention);
  return index < 0 ? null : buttonPosition(entries, index, controller.doc.defaultView);
}

/** positionAmongShown, with whether a step button has a mention to go to
 * each way: the count takes in clipped text, which the steps pass over. */
function buttonPosition(entries, index, view) {
  const previous = seekVisible(entries, index - 1, -1, view) >= 0;
  const next = seekVisible(entries, index + 1, 1, view) >= 0;
  return { ...positionAmongShown(entries, index), previous, next };
}

/**
 * A step button of a tapped card: from `mention` to the next mention the
 * reader can see (`forward`) or the previous one, scrolled to, with its
 * card and the buttons again. At either end the same card shows again.
 */
export function stepFrom(controller, mention, forward) {
  const doc = controller.doc;
  const peers = listening(doc);
  const entries = reachable(doc, peers);
  const from = entries.findIndex((entry) => entry.mention === mention);
  if (from < 0) return;
  const next = seekVisible(entries, from + (forward ? 1 : -1), forward ? 1 : -1, doc.defaultView);
  const index = next < 0 ? from : next;
  stepTo(entries[index], buttonPosition(entries, index, doc.defaultView), peers, { byTouch: true });
  place.controller?.focusStepButton(forward);
}

/**
 * Where entry `index` stands among the mentions a reader can reach, and
 * how many those are, for the card's "3 of 41": mentions hidden by style
 * (display, visibility, opacity, content-visibility), which steps pass
 * over, are not counted. Read per element, as a page of 3,000 mentions
 * takes 8 ms so; the whole test of `visibleBox`, for clipped text and
 * text placed off the page too, took 200 ms, so such text still counts.
 */
function positionAmongShown(entries, index) {
  const shownByElement = new Map();
  let before = 0;
  let total = 0;
  entries.forEach(({ mention }, i) => {
    const element = anchorElement(mention);
    let shown = shownByElement.get(element);
    if (shown === undefined) {
      shown = Boolean(element?.isConnected) && (typeof element.checkVisibility !== 'function' || element.checkVisibility({ opacityProperty: true, visibilityProperty: true }));
      shownByElement.set(element, shown);
    }
    // The one stepped to is shown, whatever its element says.
    if (!shown && i !== index) return;
    if (i < index) before++;
    total++;
  });
  return { index: before, total };
}

/** Whether the place last stepped to is in the page and on screen: the
 * mention's own box while it is shown, else the box of what is at its
 * start now. */
function placeOnScreen(view) {
  const at = place.at;
  // (The place may be in another frame's document, with a viewport of its own.)
  if (!at || !at.startContainer.isConnected || at.startContainer.ownerDocument !== view.document) return false;
  let box = place.mention ? visibleBox(place.mention, view) : null;
  if (!box) {
    // A collapsed range has no box at an element's edge; the node there has.
    const container = at.startContainer;
    const node = container.nodeType === 3 ? container : container.childNodes[at.startOffset] ?? container;
    const around = container.ownerDocument.createRange();
    around.selectNode(node);
    box = around.getBoundingClientRect();
  }
  return box.bottom > 0 && box.top < view.innerHeight;
}

/** Where a mention starts: a node and an offset. */
function startOf(mention) {
  const painted = mention[PAINTED]?.[0];
  if (painted) return [painted.startContainer, painted.startOffset];
  const element = mention.elements[0];
  return element ? [element, 0] : null;
}

/** Whether `mention` starts at `range` (collapsed). */
function startsAt(mention, range) {
  const start = startOf(mention);
  return Boolean(start) && start[0] === range.startContainer && start[1] === range.startOffset;
}

/** The index of the first entry that starts at `range` (collapsed) or
 * after it, by halving; entries.length where none does. */
function firstFrom(entries, range) {
  const at = [range.startContainer, range.startOffset];
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (pointOrder(startOf(entries[middle].mention), at) >= 0) high = middle;
    else low = middle + 1;
  }
  return low;
}

function stepTo({ mention, controller }, position, peers, { byTouch = false } = {}) {
  const doc = controller.doc;
  if (place.mention && place.mention !== mention) place.controller?.unmarkStepped(place.mention);
  if (!place.returnTo) {
    // Where focus goes back to, should the card take it.
    const active = deepActiveElement(doc);
    if (active && active !== doc.body && !peers.some((peer) => peer.isInsideCard(active))) place.returnTo = active;
  }
  place.mention = mention;
  place.controller = controller;
  const start = startOf(mention);
  if (start) {
    place.at ??= doc.createRange();
    try {
      place.at.setStart(start[0], start[1]);
      place.at.collapse(true);
    } catch {
      place.at = null;
    }
  }
  reveal(mention, doc.defaultView);
  if (!controller.showStepped(mention, position, { byTouch })) {
    place.mention = null;
    place.controller = null;
  }
}

/** Every peer's mentions in this document, in document order. */
function mergedMentions(peers) {
  const lists = peers.map((peer) => peer.mentionsHere());
  if (merged && merged.lists.length === lists.length && merged.lists.every((list, i) => list === lists[i] && merged.lengths[i] === list.length)) return merged.entries;
  const entries = lists.flatMap((list, i) => list.map((mention) => ({ mention, controller: peers[i] })));
  // One highlighter's list is in order already; several are merged.
  if (lists.length > 1) entries.sort((a, b) => pointOrder(startOf(a.mention), startOf(b.mention)));
  merged = { lists, lengths: lists.map((list) => list.length), entries };
  return entries;
}

/** Orders two points ([node, offset]) as a pass walks them, across
 * shadow roots and frames. */
function pointOrder(a, b) {
  if (!a || !b) return 0;
  return a[0] === b[0] ? a[1] - b[1] : documentOrder(a[0], b[0]);
}

/** The node a mention starts in, read without making live ranges. */
export function anchorNode(mention) {
  return mention.elements[0] ?? mention[PAINTED]?.[0]?.startContainer ?? null;
}

/** The topmost open modal dialog: the last one shown. */
function openModal(doc) {
  try {
    const modals = doc.querySelectorAll('dialog:modal');
    return modals.length ? modals[modals.length - 1] : null;
  } catch {
    return null;
  }
}

/**
 * The first entry whose box `test` accepts, where `test` turns true once
 * and stays true down the page (as "not above the screen" does), or -1.
 * Found by halving, as a page puts its text mostly top to bottom: on a
 * page of 7,000 mentions a scan took 170 ms. Mentions the reader cannot
 * see are passed over.
 */
function firstWhere(entries, view, test) {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    let at = middle;
    let box = null;
    while (at < high && !(box = visibleBox(entries[at].mention, view))) at++;
    if (!box || test(box)) high = middle;
    else low = at + 1;
  }
  while (low < entries.length && !visibleBox(entries[low].mention, view)) low++;
  return low < entries.length ? low : -1;
}

/**
 * The first box of a mention's text that a reader can see or scroll to,
 * or null: not hidden (`display`, `visibility`, `opacity: 0`), not cut
 * off by a box that clips without scrolling (a "screen reader only"
 * clip), not placed where no scrolling reaches (left of the page).
 */
export function visibleBox(mention, view) {
  const element = anchorElement(mention);
  if (!element?.isConnected) return null;
  if (typeof element.checkVisibility === 'function' && !element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return null;
  let box = null;
  for (const piece of [...mention.elements.filter((part) => part.isConnected), ...(mention.ranges ?? [])]) {
    for (const rect of piece.getClientRects()) {
      if (rect.width > 1 || rect.height > 1) {
        box = rect;
        break;
      }
    }
    if (box) break;
  }
  if (!box) return null;
  // Above the page, or left of a left-to-right one, no scrolling reaches.
  const ltr = view.getComputedStyle(element.ownerDocument.documentElement).direction !== 'rtl';
  if (box.bottom + view.scrollY <= 0 || (ltr && box.right + view.scrollX <= 0)) return null;
  for (let up = element; up && up !== element.ownerDocument.documentElement; up = parentOf(up)) {
    const style = view.getComputedStyle(up);
    const clipsX = style.overflowX === 'hidden' || style.overflowX === 'clip';
    const clipsY = style.overflowY === 'hidden' || style.overflowY === 'clip';
    if (!clipsX && !clipsY) continue;
    const frame = up.getBoundingClientRect();
    if (clipsX && (box.right <= frame.left || box.left >= frame.right)) return null;
    if (clipsY && (box.bottom <= frame.top || box.top >= frame.bottom)) return null;
  }
  return box;
}

/** An element's parent, or its shadow root's host; not out of a frame,
 * whose boxes are measured in another viewport. */
function parentOf(element) {
  return element.parentElement ?? element.parentNode?.host ?? null;
}

/** An element a mention lives in: its first wrapper in the page, or the
 * element around its painted text (read without making live ranges). */
export function anchorElement(mention) {
  const node = mention.elements.find((element) => element.isConnected) ?? mention[PAINTED]?.[0]?.startContainer;
  return node ? (node.nodeType === 1 ? node : node.parentElement) : null;
}

/**
 * Scrolls the boxes that hold `mention`, innermost first, then the
 * window, until its text shows: each by as little as it takes in a box,
 * the window to a third of its height.
 */
function reveal(mention, view) {
  const element = anchorElement(mention);
  const doc = element?.ownerDocument;
  for (let up = element; up && up !== doc.documentElement && up !== doc.body; up = parentOf(up)) {
    const style = view.getComputedStyle(up);
    const scrollsX = (style.overflowX === 'auto' || style.overflowX === 'scroll') && up.scrollWidth > up.clientWidth;
    const scrollsY = (style.overflowY === 'auto' || style.overflowY === 'scroll') && up.scrollHeight > up.clientHeight;
    if (!scrollsX && !scrollsY) continue;
    const box = visibleBox(mention, view);
    if (!box) return;
    const frame = up.getBoundingClientRect();
    const inner = { left: frame.left + up.clientLeft, top: frame.top + up.clientTop };
    inner.right = inner.left + up.clientWidth;
    inner.bottom = inner.top + up.clientHeight;
    if (scrollsY && (box.top < inner.top || box.bottom > inner.bottom)) up.scrollTop += box.top - inner.top - (up.clientHeight - box.height) / 2;
    if (scrollsX && (box.left < inner.left || box.right > inner.right)) up.scrollLeft += box.left - inner.left - (up.clientWidth - box.width) / 2;
  }
  const box = visibleBox(mention, view);
  if (!box) return;
  const { innerHeight: height, innerWidth: width } = view;
  const top = box.top < 0 || box.bottom > height ? box.top - height / 3 : 0;
  const left = box.left < 0 || box.right > width ? box.left - width / 3 : 0;
  if (top || left) view.scrollBy({ top, left, behavior: 'instant' });
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'week', 'time']);

/** Whether keys typed at `node` edit text or move within a control
 * (where Alt+Shift+arrows extend a selection, or open a list). */
function isTextEntry(node) {
  const element = node?.nodeType === 1 ? node : node?.parentElement;
  if (!element) return false;
  if (element.isContentEditable) return true;
  if (element.localName === 'input') return TEXT_INPUT_TYPES.has(element.type);
  return element.matches('textarea, select, [role="textbox"], [role="searchbox"], [role="combobox"], [role="spinbutton"], [role="slider"]');
}

/**
 * Makes the next Tab go on from `element` without leaving focus on it:
 * it is focused through a tabindex taken away at once, and blurred. (A
 * browser starts sequential navigation where focus last was; a selection
 * does not count.) Returns whether it could take focus.
 */
export function continueTabFrom(element) {
  const doc = element.ownerDocument;
  const before = deepActiveElement(doc);
  const had = element.getAttribute('tabindex');
  element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: true });
  const now = deepActiveElement(doc);
  const took = now === element;
  if (had === null) element.removeAttribute('tabindex');
  else element.setAttribute('tabindex', had);
  // (A host that delegates focus hands it to a control inside: not left there.)
  if (took || (now !== before && now !== doc.body)) now?.blur();
  return took;
}

/** What Tab can reach: a control or link that takes focus in order. */
const TAB_STOP = 'a[href], area[href], button, input, select, textarea, summary, iframe, audio[controls], video[controls], [contenteditable]:not([contenteditable="false"]), [tabindex]';
/** How many elements `tabStopBeside` looks through before giving up. */
const TAB_STOP_SEARCH = 2000;

/**
 * The first element after a painted mention (`forward`) or the last one
 * before it that Tab would reach, in its document or shadow tree, or
 * null: what Tab or Shift+Tab from the mention itself would focus, had it
 * a focus stop. Ancestors of the mention do not count (one around it is
 * the mention's own stop).
 */
export function tabStopBeside(mention, forward) {
  const ranges = mention[PAINTED];
  const node = forward ? ranges?.[ranges.length - 1]?.endContainer : ranges?.[0]?.startContainer;
  if (!node?.isConnected) return null;
  const walker = node.ownerDocument.createTreeWalker(node.getRootNode(), NodeFilter.SHOW_ELEMENT);
  walker.currentNode = node;
  for (let seen = 0; seen < TAB_STOP_SEARCH; seen++) {
    const element = forward ? walker.nextNode() : walker.previousNode();
    if (!element) return null;
    if (!forward && element.contains(node)) continue;
    if (!element.matches(TAB_STOP) || element.tabIndex < 0 || element.disabled || element.closest('[inert]')) continue;
    if (typeof element.checkVisibility === 'function' && !element.checkVisibility({ visibilityProperty: true })) continue;
    return element;
  }
  return null;
}

/** The elements around `element` that clip what overflows them (to their
 * scroll area or to nothing), up to its document's root. */
export function clippingAncestors(element) {
  const clippers = [];
  const view = element?.ownerDocument.defaultView;
  for (let up = element && parentOf(element); up && up !== element.ownerDocument.documentElement && up !== element.ownerDocument.body; up = parentOf(up)) {
    const style = view.getComputedStyle(up);
    if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clippers.push(up);
  }
  return clippers;
}

/** The focused element, inside open shadow roots too. */
function deepActiveElement(doc) {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
