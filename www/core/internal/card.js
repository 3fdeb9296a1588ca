// The hover card: one per page at a time, in a shadow root so that page CSS
// neither reaches it nor is touched by it.
//
// Mouse: opens after a short dwell on a mention (like Wikipedia's page
// previews), stays open while the pointer is on the mention or the card,
// closes a moment after it leaves, and reopens if it comes back within that
// moment. Keyboard: focus shows the card as a description; Enter or Space
// moves focus into it (a non-modal dialog, since it can hold a link);
// Escape closes it and returns focus (from a painted mention, which cannot
// hold focus, Tab then goes on from the mention). Alt+Shift+Down and Alt+Shift+Up step
// to the next and previous mention from anywhere outside a text field: in
// paint mode, which has no element to focus, that is the keyboard's way to
// the cards (the mention is scrolled to, marked, and its card takes focus);
// in wrap mode it focuses the mention, as Tab would. A mention inside a link or button
// has no focus stop of its own: keyboard focus on the link shows its first
// mention's card, which Enter cannot enter (Enter is the link's). Touch:
// the first tap opens the card, a second tap on the same mention closes it
// and does what the page would have done.
// Every string from the dictionary is set as text, never parsed as HTML.

import { INTERACTIVE, WRAPPER_TAG } from './wrap.js';
import { insideAny, OPT_OUT_ATTRIBUTE } from './extract.js';
import { addStepper, anchorElement, anchorNode, clippingAncestors, continueTabFrom, isStepKey, onStepKey, positionOf, removeStepper, stepFrom, steppedBy, tabStopBeside, takeReturnTo } from './step.js';
import { adoptCardStyles } from './styles.js';

export const OPEN_DELAY_MS = 200;
export const CLOSE_DELAY_MS = 300;
const GAP_PX = 6;
const MARGIN_PX = 8;
/** A card that fits neither below nor above its line is cut to the room
 * on the roomier side (it scrolls) rather than laid over the text it
 * explains, unless that room is under this: the type, the name and a line
 * of summary. (At 120, a page zoomed 400% on a 1280 px screen, 225 px
 * high, had 119 px and covered the mention.) */
const SMALLEST_CARD_PX = 96;
const SHEET_BELOW_PX = 480;

/** What can hold focus around a mention's text. */
const FOCUSABLE = 'a[href], button, summary, [tabindex]:not([tabindex="-1"])';

/** What close() returns when it left focus on the page with Tab set to go
 * on from the mention. */
const TAB_GOES_ON = 'tab goes on';

/** Whether any of `element`'s box is where the reader sees. */
function onScreen(element) {
  const box = element.getBoundingClientRect();
  const area = visibleArea(element.ownerDocument.defaultView);
  return box.bottom > area.top && box.top < area.top + area.height && box.right > area.left && box.left < area.left + area.width;
}

/** The card currently open on the page, whichever highlighter owns it. */
let openCard = null;

function typeLabel(type) {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

/** The card's text in one line: type and summary, or the candidates
 * (the likely one first, when there is one: see CardController). */
function cardDescription(mention, likely) {
  const { candidates } = mention;
  if (candidates.length === 1) return `${typeLabel(candidates[0].type)}. ${candidates[0].summary}`;
  const each = (list) => list.map((entity) => `${entity.name} (${typeLabel(entity.type).toLowerCase()})`).join('; ');
  if (likely) return `Most likely ${each(candidates.slice(0, 1))}. ${candidates[0].summary} May also refer to: ${each(candidates.slice(1))}.`;
  return `May refer to ${candidates.length} entries: ${each(candidates)}.`;
}

function hostLabel(url) {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** Whether scrolling `scroller` (an element, or a document for its
 * window) moves `element`: whether it holds it, across shadow roots. */
function holds(scroller, element) {
  if (scroller?.nodeType === 9) return scroller === element.ownerDocument;
  return insideAny(element, new Set([scroller]));
}

/** The open modal dialog or popover (the page's top layer) that holds
 * `element`, or null. */
function topLayerAncestor(element) {
  try {
    return element?.closest?.('dialog:modal, :popover-open') ?? null;
  } catch {
    // A browser without these selectors has no top layer to mind.
    return null;
  }
}

/** Shows the focus ring on every piece of a mention the page's markup
 * splits (the focus stop is the first piece only). */
function markFocus(mention, focused) {
  if (mention.elements.length < 2) return;
  for (const element of mention.elements) element.toggleAttribute('data-focus', focused);
}

/** The CSS zoom that applies to `element` (1 where the browser has no
 * `currentCSSZoom`, which also means no standard zoom). */
function zoomOf(element) {
  const zoom = element.currentCSSZoom;
  return typeof zoom === 'number' && zoom > 0 ? zoom : 1;
}

/**
 * The part of the window the reader sees, in the coordinates of
 * getBoundingClientRect: the visual viewport, which a pinch zoom makes a
 * part of the page's (on a phone zoomed 2x, a quarter of it, where a card
 * placed by innerWidth and innerHeight fell outside what shows).
 */
function visibleArea(view) {
  const visual = view.visualViewport;
  if (visual && visual.width > 0 && visual.height > 0) return { left: visual.offsetLeft, top: visual.offsetTop, width: visual.width, height: visual.height };
  return { left: 0, top: 0, width: view.innerWidth, height: view.innerHeight };
}

/**
 * The card's "3 of 41" (#position, which the dialog or a step button is
 * described by): `seen` as written, `heard` in words for a screen reader.
 */
function positionText(doc, tag, seen, heard) {
  const element = doc.createElement(tag);
  element.id = 'position';
  const shown = doc.createElement('span');
  shown.setAttribute('aria-hidden', 'true');
  // English words: in a right-to-left card they would read "of 3 2".
  shown.dir = 'ltr';
  shown.textContent = seen;
  const spoken = doc.createElement('span');
  spoken.className = 'visually-hidden';
  spoken.textContent = heard;
  element.append(shown, spoken);
  return element;
}

/** `rect` measured from the corner of `area` instead of the window's. */
function within(rect, area) {
  return { left: rect.left - area.left, right: rect.right - area.left, top: rect.top - area.top, bottom: rect.bottom - area.top, width: rect.width, height: rect.height };
}

/** The card's element: a tag of its own, so no page rule for div or span
 * reaches it, and the highlighter knows it for its own. */
export const CARD_TAG = 'entity-highlighter-card';

export class CardController {
  /**
   * @param {Document} doc
   * @param {{ theme: string, lookup: (element: Element) => object | undefined, likely?: (mention: object) => boolean,
   *   mentions?: () => object[], markStepped?: (mention: object | null) => void,
   *   markOpen?: (mention: object | null) => void }} options
   *   `lookup` returns the mention a wrapper element belongs to; `likely`
   *   says whether an ambiguous mention's first candidate is the likely
   *   one (the page names it on its own more often than the others);
   *   `mentions` gives every mention in document order, for the step
   *   keys; `markStepped` paints the one stepped to, `markOpen` the one
   *   whose card is open (null: none).
   */
  constructor(doc, { theme, lookup, likely = () => false, mentions = () => [], markStepped = () => {}, markOpen = () => {} }) {
    this.doc = doc;
    this.lookup = lookup;
    this.likely = likely;
    this.mentions = mentions;
    this.markStepped = markStepped;
    this.markOpen = markOpen;
    addStepper(this);
    this.theme = theme;
    this.roots = new Set();
    this.mention = null;
    this.trigger = null;
    this.pointer = null;
    this.openTimer = 0;
    this.closeTimer = 0;
    this.touchOpened = null;
    /** Whether the open card's mention has been on screen since it opened. */
    this.mentionSeen = false;
    /** The open card's mention's boxes, and the elements that clip them. */
    this.boxes = [];
    this.clippers = [];
    this.refocusing = false;
    /** A link or button around a mention, whose focus opened the card. */
    this.focusedControl = null;
    this.host = null;
    /** Removers of every listener added, and of those on each root, so
     * that a root the page took away (a component's shadow root) can be
     * let go of alone (detach). */
    this.listeners = [];
    this.rootListeners = new Map();
    this.documentListening = false;
  }

  /** Listens to `type` on `target` until destroy(), or detach(`root`). */
  listen(target, type, handler, options, root = null) {
    target.addEventListener(type, handler, options);
    const remove = () => target.removeEventListener(type, handler, options);
    this.listeners.push(remove);
    if (root) {
      if (!this.rootListeners.has(root)) this.rootListeners.set(root, []);
      this.rootListeners.get(root).push(remove);
    }
  }

  /** Stops handling events under `root`, which the page has taken away. */
  detach(root) {
    if (!this.roots.delete(root)) return;
    const removers = new Set(this.rootListeners.get(root));
    this.rootListeners.delete(root);
    for (const remove of removers) remove();
    this.listeners = this.listeners.filter((remove) => !removers.has(remove));
  }

  /** Starts handling events for wrappers under `root`. */
  attach(root) {
    if (this.roots.has(root)) return;
    this.roots.add(root);
    const on = (target, type, handler, options) => this.listen(target, type, handler, options, target === root ? root : null);
    on(root, 'pointerover', (event) => this.onPointerOver(event));
    on(root, 'pointermove', (event) => this.onPointerMove(event), { passive: true });
    on(root, 'pointerout', (event) => this.onPointerOut(event));
    on(root, 'focusin', (event) => this.onFocusIn(event));
    on(root, 'focusout', (event) => this.onFocusOut(event));
    on(root, 'keydown', (event) => this.onTriggerKey(event));
    on(root, 'click', (event) => this.onClick(event), true);
    if (!this.documentListening) {
      this.documentListening = true;
      // Document-wide: Escape from anywhere, taps outside, and keeping the
      // card next to its mention while the page scrolls.
      on(this.doc, 'keydown', (event) => this.onDocumentKey(event), true);
      on(this.doc, 'pointerdown', (event) => this.onDocumentPointerDown(event), true);
      on(this.doc.defaultView, 'scroll', (event) => this.onScroll(event), { capture: true, passive: true });
      on(this.doc.defaultView, 'resize', () => this.reposition(), { passive: true });
      // A pinch zoom or a pan of it moves what the reader sees.
      const visual = this.doc.defaultView.visualViewport;
      if (visual) {
        on(visual, 'resize', () => this.reposition(), { passive: true });
        on(visual, 'scroll', () => this.reposition(), { passive: true });
      }
    }
  }

  /**
   * Handles painted mentions (no elements) under `root`: `hitTest(x, y)`
   * returns the mention at a viewport point of this document, or null.
   * Pointer moves are sampled once per frame.
   */
  attachPainted(root, hitTest) {
    this.hitTest = hitTest;
    // Every pass prepares its scopes again: listeners are added once.
    if (this.roots.has(root)) return;
    this.attach(root);
    let frame = 0;
    let latest = null;
    const on = (type, handler, options) => this.listen(root, type, handler, options, root);
    on('pointermove', (event) => {
      if (event.pointerType === 'touch') return;
      latest = event;
      if (!frame) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          this.onPaintedHover(latest);
        });
      }
    }, { passive: true });
    on('pointerleave', (event) => {
      if (event.pointerType !== 'touch') this.onPaintedHover(null);
    });
  }

  onPaintedHover(event) {
    const mention = event ? this.hitTest(event.clientX, event.clientY) : null;
    if (mention) this.pointer = { x: event.clientX, y: event.clientY };
    if (mention === this.hovered) return;
    this.hovered = mention;
    if (mention) {
      this.keepOpen();
      if (this.mention === mention) return;
      clearTimeout(this.openTimer);
      const pointer = this.pointer;
      this.openTimer = setTimeout(() => this.openByPointer(mention, null, pointer), OPEN_DELAY_MS);
    } else {
      clearTimeout(this.openTimer);
      if (this.mention && !this.hasFocusInside()) this.scheduleClose();
    }
  }

  setTheme(theme) {
    this.theme = theme;
    if (this.host) this.applyTheme();
  }

  /** Closes the card and takes its element out of the page, so that a
   * cleared page is exactly as it was; the next card makes it again. */
  removeHost() {
    // Focus in a stepped card goes back where it was before stepping
    // (the highlighter gives a wrapper's focus back itself).
    this.close({ restoreFocus: this.hasFocusInside() && !this.trigger });
    this.host?.remove();
    this.host = null;
    this.shadow = null;
    this.dialog = null;
  }

  /** Removes the card and every listener. */
  destroy() {
    this.close({ restoreFocus: this.hasFocusInside() && !this.trigger });
    removeStepper(this);
    for (const remove of this.listeners) remove();
    this.listeners = [];
    this.rootListeners.clear();
    this.documentListening = false;
    this.roots.clear();
    this.host?.remove();
    this.host = null;
  }

  // --- events -------------------------------------------------------------

  wrapperOf(target) {
    const element = target && target.nodeType === 1 ? target.closest(WRAPPER_TAG) : null;
    if (!element) return null;
    const mention = this.lookup(element);
    return mention ? { element, mention } : null;
  }

  /** The mention an event happened on: a wrapper on its path, or a painted
   * mention under its point. */
  mentionAt(event) {
    const origin = event.composedPath?.()[0] ?? event.target;
    const wrapped = this.wrapperOf(origin);
    if (wrapped) return wrapped;
    if (this.hitTest && typeof event.clientX === 'number') {
      const mention = this.hitTest(event.clientX, event.clientY);
      if (mention) return { element: null, mention };
    }
    return null;
  }

  isInsideCard(node) {
    // The card's own elements are in its shadow root, which the host's
    // contains() does not look into.
    return Boolean(node && this.host && (node === this.host || this.host.contains(node) || this.shadow?.contains(node)));
  }

  onPointerOver(event) {
    if (event.pointerType === 'touch') return;
    const hit = this.wrapperOf(event.composedPath()[0]);
    if (!hit) return;
    this.pointer = { x: event.clientX, y: event.clientY };
    this.keepOpen();
    if (this.mention === hit.mention) return;
    clearTimeout(this.openTimer);
    this.openTimer = setTimeout(() => this.openByPointer(hit.mention, hit.element, this.pointer), OPEN_DELAY_MS);
  }

  onPointerMove(event) {
    if (event.pointerType === 'touch') return;
    if (this.wrapperOf(event.composedPath()[0])) this.pointer = { x: event.clientX, y: event.clientY };
  }

  onPointerOut(event) {
    if (event.pointerType === 'touch') return;
    const from = this.wrapperOf(event.composedPath()[0]);
    if (!from) return;
    const to = this.wrapperOf(event.relatedTarget);
    if (to && to.mention === from.mention) return;
    if (this.isInsideCard(event.relatedTarget)) return;
    clearTimeout(this.openTimer);
    if (this.mention && !this.hasFocusInside()) this.scheduleClose();
  }

  onCardPointerEnter() {
    this.pointerInCard = true;
    this.keepOpen();
  }

  onCardPointerLeave(event) {
    this.pointerInCard = false;
    if (event.pointerType === 'touch') return;
    const to = this.wrapperOf(event.relatedTarget);
    if (to && to.mention === this.mention) return;
    if (!this.hasFocusInside()) this.scheduleClose();
  }

  onFocusIn(event) {
    const target = event.composedPath()[0];
    const hit = this.wrapperOf(target) ?? this.mentionInsideControl(target);
    if (!hit || !(hit.element.hasAttribute('tabindex') || hit.control)) return;
    if (hit.element.matches(':focus-visible')) markFocus(hit.mention, true);
    if (this.refocusing) return;
    this.focusedControl = hit.control ?? null;
    this.keepOpen();
    clearTimeout(this.openTimer);
    if (this.mention !== hit.mention) this.open(hit.mention, hit.element, { pointer: null });
  }

  /** The first mention inside `target`, a link or button that keyboard
   * focus has reached (not a click: the pointer has hover for that). */
  mentionInsideControl(target) {
    if (!target || target.nodeType !== 1 || !target.matches(INTERACTIVE) || !target.matches(':focus-visible')) return null;
    for (const element of target.querySelectorAll(WRAPPER_TAG)) {
      const mention = this.lookup(element);
      if (mention) return { element, mention, control: target };
    }
    return null;
  }

  onFocusOut(event) {
    const target = event.composedPath()[0];
    if (target === this.focusedControl) {
      this.focusedControl = null;
      if (this.mention && !this.isInsideCard(event.relatedTarget)) this.closeAfterFocusLeft();
      return;
    }
    const hit = this.wrapperOf(target);
    if (hit) markFocus(hit.mention, false);
    if (!hit || hit.mention !== this.mention) return;
    if (this.isInsideCard(event.relatedTarget)) return;
    this.closeAfterFocusLeft();
  }

  onTriggerKey(event) {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const hit = this.wrapperOf(event.composedPath()[0]);
    if (!hit || !hit.element.hasAttribute('tabindex')) return;
    event.preventDefault();
    if (this.mention !== hit.mention) this.open(hit.mention, hit.element, { pointer: null });
    this.dialog?.focus();
  }

  onCardKey(event) {
    if (event.key === 'Tab') {
      // Leaving the card by Tab returns to the mention, so the reader
      // continues from where they were in the text.
      // (The close button shows only on some cards.)
      const focusables = [...this.dialog.querySelectorAll('a[href], button:not(:disabled)')].filter((element) => element.checkVisibility?.() ?? true);
      const atEdge = event.shiftKey
        ? this.shadow.activeElement === this.dialog || this.shadow.activeElement === focusables[0]
        : focusables.length === 0 || this.shadow.activeElement === focusables[focusables.length - 1];
      // A painted mention cannot take focus: the key goes on from it, to
      // the next focus stop after it (before it, with Shift).
      if (atEdge && this.close({ restoreFocus: true, tab: event.shiftKey ? 'backward' : 'forward' }) !== TAB_GOES_ON) event.preventDefault();
    }
  }

  onDocumentKey(event) {
    if (isStepKey(event)) {
      onStepKey(this, event);
      return;
    }
    if (event.key !== 'Escape' || !this.mention) return;
    // This Escape closes the card only: a modal dialog or menu of the page
    // holding the mention stays open (browsers close a dialog on an
    // Escape whose default is not prevented).
    event.preventDefault();
    const focusWasInside = this.hasFocusInside();
    this.close({ restoreFocus: focusWasInside });
  }

  /** This document's mentions, in document order; kept while the
   * highlighter's list is the same (a page's frames have their own). */
  mentionsHere() {
    const all = this.mentions();
    const cache = this.hereCache;
    if (cache?.of === all && cache.length === all.length) return cache.list;
    const list = all.filter((mention) => anchorNode(mention)?.ownerDocument === this.doc);
    this.hereCache = { of: all, length: all.length, list };
    return list;
  }

  /**
   * Shows `mention`, stepped to by the keyboard (step.js): in wrap mode
   * its focus stop takes focus; otherwise (painted, or inside a link) it
   * is marked and its card takes focus. The card says which of how many
   * it is; with `byTouch` (a step button of a tapped card), it is a
   * tapped card again, with the buttons. Returns false where no card
   * could be shown.
   */
  showStepped(mention, position, { byTouch = false } = {}) {
    const trigger = mention.elements.find((element) => element.isConnected && element.hasAttribute('tabindex'));
    if (trigger) {
      // Focus opens the card (not when the mention has it already, as
      // after Escape on the last one); then with its place among the
      // mentions.
      trigger.focus({ preventScroll: true });
      this.open(mention, trigger, { pointer: null, position, byTouch });
      // A step button keeps focus (stepFrom), so the mention is ringed
      // as if it had it, as a painted one is marked.
      if (byTouch && this.mention === mention) for (const element of mention.elements) element.toggleAttribute('data-focus', true);
      return this.mention === mention;
    }
    this.markStepped(mention);
    for (const element of mention.elements) element.toggleAttribute('data-focus', true);
    this.open(mention, null, { pointer: null, position, byTouch });
    if (this.mention !== mention) {
      this.unmarkStepped(mention);
      return false;
    }
    this.dialog.focus({ preventScroll: true });
    // Re-rendering took away a link that had focus; the card stays.
    clearTimeout(this.closeTimer);
    return true;
  }

  /** After a step button of this card's, the same button of the new
   * card takes focus (the other, at an end), so that a screen reader on a
   * touch screen stays on it and hears the count. */
  focusStepButton(forward) {
    const buttons = this.dialog?.querySelectorAll('.steps .step:not(:disabled)');
    const button = [...(buttons ?? [])].find((step) => step.classList.contains(forward ? 'next' : 'previous')) ?? buttons?.[0];
    button?.focus({ preventScroll: true });
  }

  /** Takes a stepped mention's mark away. */
  unmarkStepped(mention) {
    this.markStepped(null);
    for (const element of mention.elements) element.removeAttribute('data-focus');
  }

  onDocumentPointerDown(event) {
    if (!this.mention || event.pointerType !== 'touch') return;
    const path = event.composedPath();
    if (path.includes(this.host)) return;
    const hit = this.mentionAt(event);
    if (hit && hit.mention === this.mention) return;
    this.close({ restoreFocus: false });
  }

  onClick(event) {
    const hit = this.mentionAt(event);
    if (!hit) return;
    const touch = event.pointerType === 'touch' || (event.sourceCapabilities && event.sourceCapabilities.firesTouchEvents);
    if (!touch) return;
    if (this.mention === hit.mention && this.touchOpened === hit.mention) {
      // Second tap: the card goes, and the page (a link around the
      // mention, say) acts.
      this.close({ restoreFocus: false });
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    // Where it stands among the mentions, for its step buttons: a touch
    // screen has no step keys.
    this.open(hit.mention, hit.element, { pointer: { x: event.clientX, y: event.clientY }, byTouch: true, position: positionOf(this, hit.mention) });
  }

  /** Opens the card for a mention the pointer rests on, unless keyboard
   * focus is in the card: a pointer drifting over another mention would
   * take the card, and the reader's place in it, away from them. */
  openByPointer(mention, element, pointer) {
    if (this.hasFocusInside()) return;
    this.open(mention, element, { pointer });
    this.openedByHover = this.mention === mention;
  }

  /**
   * The page scrolled. A card opened by hover closes when what holds its
   * mention scrolls: the reader has moved on, and a card that followed its
   * mention would land under a still pointer. In a page that scrolls an
   * inner element, the wheel then went to the card (outside that element)
   * and the article stopped scrolling. Other cards follow their mention.
   */
  onScroll(event) {
    if (!this.mention) return;
    if (this.openedByHover && !this.hasFocusInside()) {
      const anchor = anchorElement(this.mention);
      if (!anchor || holds(event.target, anchor)) {
        this.close({ restoreFocus: false });
        return;
      }
    }
    this.reposition();
  }

  hasFocusInside() {
    return Boolean(this.shadow && this.shadow.activeElement);
  }

  /**
   * Focus left the mention or the card: it closes after the usual delay,
   * and meanwhile takes no focus (unless the pointer is on it). The card
   * sits at the end of the body, so a reader tabbing on quickly from the
   * mention's link landed in it, and then on the body when it closed.
   */
  closeAfterFocusLeft() {
    if (this.host && !this.pointerInCard) this.host.inert = true;
    this.scheduleClose();
  }

  /** The mention or card has the pointer or focus again: no close, and
   * the card takes focus again (closeAfterFocusLeft made it inert). */
  keepOpen() {
    clearTimeout(this.closeTimer);
    if (this.host) this.host.inert = false;
  }

  scheduleClose() {
    clearTimeout(this.closeTimer);
    this.closeTimer = setTimeout(() => this.close({ restoreFocus: false }), CLOSE_DELAY_MS);
  }

  // --- the card ------------------------------------------------------------

  /** Puts the card where its mention can use it: inside the open modal
   * dialog or popover that holds the mention, if any (everything outside a
   * modal dialog is inert, and the page's top layer is drawn above the
   * rest), else at the end of the body. */
  ensureHost(element) {
    if (!this.makeHost()) return false;
    const host = this.host;
    const layer = topLayerAncestor(element);
    const container = layer ?? this.doc.body ?? this.doc.documentElement;
    if (host.parentNode !== container) container.append(host);
    // In the top layer too, above the dialog and out of its transform or
    // overflow, which would otherwise place or clip the card.
    this.inTopLayer = Boolean(layer) && typeof host.showPopover === 'function';
    if (this.inTopLayer) host.setAttribute('popover', 'manual');
    else host.removeAttribute('popover');
    return true;
  }

  /** Makes the card's element; false where the page does not let it be
   * made (a page that patched attachShadow to throw, say): mentions then
   * stay highlighted, without cards. */
  makeHost() {
    if (this.host) return true;
    if (this.unavailable) return false;
    const doc = this.doc;
    let host;
    let shadow;
    try {
      // Under its own tag, unless the page defined that tag: then a plain
      // div, so that none of the page's code runs in the card.
      host = doc.createElement(doc.defaultView?.customElements?.get(CARD_TAG) ? 'div' : CARD_TAG);
      host.setAttribute(OPT_OUT_ATTRIBUTE, 'ui');
      host.hidden = true;
      shadow = host.attachShadow({ mode: 'open' });
      adoptCardStyles(shadow);
    } catch (error) {
      this.unavailable = true;
      console.warn(`entity-highlighter: this page does not let the hover card be made (${error?.message ?? error}); mentions are highlighted without cards`);
      return false;
    }
    const dialog = doc.createElement('div');
    dialog.className = 'card';
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'false');
    dialog.setAttribute('tabindex', '-1');
    dialog.id = 'card';
    shadow.append(dialog);
    dialog.addEventListener('pointerenter', () => this.onCardPointerEnter());
    dialog.addEventListener('pointerleave', (event) => this.onCardPointerLeave(event));
    dialog.addEventListener('keydown', (event) => this.onCardKey(event));
    dialog.addEventListener('focusout', (event) => {
      const next = event.relatedTarget;
      if (!this.isInsideCard(next) && !(next && this.wrapperOf(next)?.mention === this.mention)) this.closeAfterFocusLeft();
    });
    this.host = host;
    this.shadow = shadow;
    this.dialog = dialog;
    this.applyTheme();
    return true;
  }

  applyTheme() {
    this.host.classList.remove('auto', 'light', 'dark');
    this.host.classList.add(this.theme === 'light' || this.theme === 'dark' ? this.theme : 'auto');
  }

  render(mention, position = null) {
    const doc = this.doc;
    const dialog = this.dialog;
    dialog.replaceChildren();
    // Shown on small screens (styles.js), where the card is a sheet over
    // the page, and on cards opened by a tap: no pointer leaves them to
    // close them; a tap outside works too, but a reader looks for a button.
    const closer = doc.createElement('button');
    closer.type = 'button';
    closer.className = 'close';
    // Its cross is drawn by the style sheet: the card's text stays its own.
    closer.setAttribute('aria-label', 'Close');
    closer.addEventListener('click', () => this.close({ restoreFocus: true }));
    dialog.append(closer);
    const ambiguous = mention.candidates.length > 1;
    // "Aliyev" on a page that also names Ilham Aliyev in full: him first,
    // the rest as what the name may also mean.
    const likely = ambiguous && this.likely(mention);
    const headingIds = [];
    const lead = (id, text) => {
      const paragraph = doc.createElement('p');
      paragraph.className = 'lead';
      paragraph.id = id;
      paragraph.textContent = text;
      dialog.append(paragraph);
    };
    if (ambiguous) {
      lead('lead', likely ? `“${mention.text}” here most likely means:` : `“${mention.text}” may refer to ${mention.candidates.length} entries:`);
      headingIds.push('lead');
    }
    mention.candidates.forEach((entity, index) => {
      if (likely && index === 1) lead('lead-others', mention.candidates.length === 2 ? 'It may also refer to:' : `It may also refer to ${mention.candidates.length - 1} other entries:`);
      const section = doc.createElement('section');
      section.className = 'entity';
      const type = doc.createElement('p');
      type.className = 'type';
      type.textContent = typeLabel(entity.type);
      const name = doc.createElement('h2');
      name.className = 'name';
      name.id = `name-${index}`;
      name.textContent = entity.name;
      const summary = doc.createElement('p');
      summary.className = 'summary';
      summary.id = `summary-${index}`;
      summary.textContent = entity.summary;
      summary.dir = 'auto';
      name.dir = 'auto';
      section.append(type, name, summary);
      if (entity.url && /^https?:\/\//i.test(entity.url)) {
        const link = doc.createElement('a');
        link.className = 'more';
        link.href = entity.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        const where = hostLabel(entity.url);
        link.textContent = where ? `More on ${where}` : 'More';
        // The accessible name starts with the visible text (WCAG 2.5.3).
        link.setAttribute('aria-label', `${link.textContent}: ${entity.name} (opens in a new tab)`);
        section.append(link);
      }
      dialog.append(section);
      if (!ambiguous || (likely && index === 0)) headingIds.push(name.id);
    });
    const described = ambiguous ? [] : ['summary-0'];
    if (position && this.touchOpened === mention) {
      if (position.total > 1) {
        dialog.append(this.stepButtons(mention, position));
        described.push('position');
      }
    } else if (position) {
      // Which mention of how many, for a reader stepping with the keys:
      // seen with arrows, heard in words.
      const line = positionText(doc, 'p', `${position.index + 1} of ${position.total} · Alt+Shift+↓ next, Alt+Shift+↑ previous`, `Mention ${position.index + 1} of ${position.total}. Alt+Shift+Down arrow for the next, Alt+Shift+Up arrow for the previous.`);
      line.className = 'position';
      dialog.append(line);
      described.push('position');
    }
    if (this.touchOpened === mention && anchorElement(mention)?.closest('a[href]')) {
      // The first tap on a mention in a link opened this card instead of
      // the link; a reader who wanted the link needs to know how.
      const hint = doc.createElement('p');
      hint.className = 'position';
      hint.textContent = 'Tap the mention again to follow its link.';
      dialog.append(hint);
    }
    dialog.setAttribute('aria-labelledby', headingIds.join(' '));
    if (described.length) dialog.setAttribute('aria-describedby', described.join(' '));
    else dialog.removeAttribute('aria-describedby');
  }

  /**
   * A tapped card's way to the other mentions, which a touch screen gives
   * no keys for: "3 of 41" between buttons to the previous and the next.
   * (A button with no mention the reader can see its way is disabled;
   * the count is heard as words.)
   */
  stepButtons(mention, position) {
    const doc = this.doc;
    const row = doc.createElement('div');
    row.className = 'position steps';
    const button = (forward) => {
      const step = doc.createElement('button');
      step.type = 'button';
      step.className = forward ? 'step next' : 'step previous';
      step.setAttribute('aria-label', forward ? 'Next mention' : 'Previous mention');
      step.disabled = !(forward ? position.next : position.previous);
      // Focus stays on the button from card to card: the count is what
      // a screen reader then says of it.
      step.setAttribute('aria-describedby', 'position');
      step.addEventListener('click', () => stepFrom(this, mention, forward));
      return step;
    };
    const count = positionText(doc, 'span', `${position.index + 1} of ${position.total}`, `Mention ${position.index + 1} of ${position.total}.`);
    count.className = 'count';
    row.append(button(false), count, button(true));
    return row;
  }

  open(mention, element, { pointer, position = null, byTouch = false }) {
    clearTimeout(this.openTimer);
    clearTimeout(this.closeTimer);
    this.openedByHover = false;
    element ??= anchorElement(mention);
    if (!element?.isConnected) return;
    if (openCard && openCard !== this) openCard.close({ restoreFocus: false });
    if (!this.ensureHost(element)) return;
    openCard = this;
    if (this.mention && this.mention !== mention) this.setExpanded(false);
    // The card moves to another mention (by hover, say): the stepped one's
    // mark goes; the place stays for the next step.
    const stepped = steppedBy(this);
    if (stepped && stepped !== mention) this.unmarkStepped(stepped);
    this.mention = mention;
    // Its boxes, kept while the card is open: a painted mention's are live
    // Ranges, made once rather than at every scroll event.
    this.boxes = [...mention.elements.filter((piece) => piece.isConnected), ...(mention.ranges ?? [])];
    this.clippers = clippingAncestors(element);
    this.touchOpened = byTouch ? mention : null;
    this.trigger = mention.elements.find((el) => el.hasAttribute('tabindex')) ?? null;
    this.pointer = pointer;
    this.render(mention, position);
    this.host.hidden = false;
    this.host.inert = false;
    if (this.inTopLayer && !this.host.matches(':popover-open')) this.host.showPopover();
    this.setExpanded(true);
    this.mentionSeen = this.mentionOnScreen();
    // A painted mention has no element to darken, as a wrapper does: with
    // two alike on screen, the reader sees which one the card is about.
    this.markOpen(mention.elements.length ? null : mention);
    this.place(element);
  }

  /**
   * Closes the card. With `restoreFocus`, focus goes back to the mention,
   * or for a painted one to the link or button around it. Where there is
   * none: left by `tab` ('forward' or 'backward'), to the focus stop
   * after the mention (before it), as Tab from the mention would go; by
   * Escape, to where stepping began if that is on screen. Otherwise the
   * next Tab is set to go on from the mention, and TAB_GOES_ON returned.
   */
  close({ restoreFocus, tab = null }) {
    clearTimeout(this.openTimer);
    clearTimeout(this.closeTimer);
    if (!this.mention) return;
    this.setExpanded(false);
    this.markOpen(null);
    const trigger = this.trigger;
    const closing = this.mention;
    this.mention = null;
    this.trigger = null;
    this.touchOpened = null;
    this.boxes = [];
    this.clippers = [];
    if (this.host) {
      this.host.hidden = true;
      if (this.inTopLayer && this.host.matches(':popover-open')) this.host.hidePopover();
    }
    if (openCard === this) openCard = null;
    // A stepped mention's card: its mark goes with it (the place stays
    // for the next step), and what had focus before stepping is handed
    // back when focus is to be restored.
    const stepped = steppedBy(this) === closing ? closing : null;
    if (stepped) this.unmarkStepped(stepped);
    const returnTo = stepped && restoreFocus ? takeReturnTo() : null;
    if (!restoreFocus) return;
    // Back on the mention the card was for; for a stepped mention without
    // a focus stop, on the link or button around it, where the reader is;
    // else where stepping began, unless the reader has stepped far from it
    // (the next Tab would go on from there, half a page back).
    const anchor = !trigger && stepped ? anchorElement(stepped) : null;
    const around = anchor?.closest(FOCUSABLE);
    let target = trigger ?? (around?.isConnected ? around : null);
    if (!target && anchor?.isConnected && tab) target = tabStopBeside(stepped, tab === 'forward');
    if (!target && returnTo?.isConnected && !tab && (!anchor?.isConnected || onScreen(returnTo))) target = returnTo;
    // Focus alone must not reopen the card.
    this.refocusing = true;
    try {
      // (A stop beside the mention scrolls into view, as by Tab.)
      if (target?.isConnected) target.focus({ preventScroll: target === returnTo || target === around });
      // The next Tab goes on from the last stop before the mention, or
      // from the element around it when there is none (from that element
      // itself, it would start at its first link, perhaps before the
      // mention).
      else if (anchor?.isConnected && continueTabFrom(tabStopBeside(stepped, false) ?? anchor)) return TAB_GOES_ON;
    } finally {
      this.refocusing = false;
    }
  }

  setExpanded(expanded) {
    if (!this.trigger) return;
    this.trigger.setAttribute('aria-expanded', String(expanded));
    // What the open card says, on the mention itself: a screen reader
    // reads it with the focused mention, as a sighted reader sees the card
    // without entering it (the card's own ids cannot be referred to from
    // outside its shadow root).
    if (expanded && this.mention) this.trigger.setAttribute('aria-description', cardDescription(this.mention, this.mention.candidates.length > 1 && this.likely(this.mention)));
    else this.trigger.removeAttribute('aria-description');
  }

  /** The client rect of the line the card should sit by: the one under the
   * pointer when there is one, else the mention's first line. */
  lineRect(element) {
    const rects = [];
    for (const box of this.boxes) {
      for (const rect of box.getClientRects()) {
        if (rect.width > 0 || rect.height > 0) rects.push(rect);
      }
    }
    if (rects.length === 0) return element.getBoundingClientRect();
    if (this.pointer) {
      const { x, y } = this.pointer;
      const under = rects.find((r) => y >= r.top - 1 && y <= r.bottom + 1 && x >= r.left - 1 && x <= r.right + 1)
        ?? rects.find((r) => y >= r.top - 1 && y <= r.bottom + 1);
      if (under) return under;
    }
    return rects[0];
  }

  place(element) {
    const view = this.doc.defaultView;
    const host = this.host;
    // Placed within what the reader sees, measured from its corner.
    const area = visibleArea(view);
    const { width, height } = area;
    host.classList.toggle('sheet', width < SHEET_BELOW_PX);
    // Opened by a tap: a close button, at any width (a tap beside the card
    // may land on text it covers).
    host.classList.toggle('touch', this.touchOpened === this.mention);
    const line = within(this.lineRect(element), area);
    this.dialog.style.removeProperty('max-height');
    this.dialog.style.removeProperty('width');
    this.dialog.classList.remove('scrolls');
    const rtl = view.getComputedStyle(element).direction === 'rtl';
    this.dialog.dir = rtl ? 'rtl' : 'ltr';
    if (width < SHEET_BELOW_PX) {
      this.placeSheet(line, area);
      return;
    }
    // (Its own max-height may already make a long card scroll.)
    this.markScrolling();
    let box = this.dialog.getBoundingClientRect();
    let left = rtl ? line.right - box.width : line.left;
    left = Math.min(Math.max(left, MARGIN_PX), width - box.width - MARGIN_PX);
    const below = line.bottom + GAP_PX;
    const roomBelow = height - MARGIN_PX - below;
    const roomAbove = line.top - GAP_PX - MARGIN_PX;
    let top = below;
    if (box.height > roomBelow && box.height <= roomAbove) {
      top = line.top - GAP_PX - box.height;
    } else if (box.height > roomBelow && Math.max(roomAbove, roomBelow) >= SMALLEST_CARD_PX) {
      // Fits on neither side (a short window, a tall ambiguous card): cut
      // to the roomier side, where it scrolls, beside the line it explains.
      const room = Math.max(roomAbove, roomBelow);
      this.dialog.style.setProperty('max-height', `${Math.floor(room / zoomOf(host))}px`, 'important');
      this.markScrolling();
      box = this.dialog.getBoundingClientRect();
      top = roomBelow >= roomAbove ? below : line.top - GAP_PX - box.height;
    } else if (box.height > roomBelow) {
      top = Math.max(MARGIN_PX, height - box.height - MARGIN_PX);
    }
    this.moveHost(area.left + Math.max(left, MARGIN_PX), area.top + top);
    host.dataset.placement = top < line.top ? 'above' : 'below';
  }

  /** Puts the card's top left corner at viewport point (x, y). The host is
   * `position: fixed`, but its offsets are scaled by any CSS zoom of the
   * page, and measured from an ancestor that makes a containing block (a
   * dialog with a transform): both are measured and undone. */
  moveHost(x, y) {
    const host = this.host;
    const zoom = zoomOf(host);
    host.style.setProperty('left', `${Math.round(x / zoom)}px`, 'important');
    host.style.setProperty('top', `${Math.round(y / zoom)}px`, 'important');
    const placed = host.getBoundingClientRect();
    const [dx, dy] = [x - placed.left, y - placed.top];
    if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return;
    host.style.setProperty('left', `${Math.round((x + dx) / zoom)}px`, 'important');
    host.style.setProperty('top', `${Math.round((y + dy) / zoom)}px`, 'important');
  }

  /**
   * Small screens: a sheet along the bottom edge, as readers expect on
   * phones, rather than a card that covers the text it explains. Where it
   * would cover its mention's line (a mention low on the screen), along the
   * top edge instead; where neither leaves the line clear, cut to the
   * roomier side, where it scrolls.
   */
  placeSheet(line, area) {
    const height = area.height;
    const zoom = zoomOf(this.host);
    if ((this.doc.defaultView.visualViewport?.scale ?? 1) > 1) {
      // The sheet spans what shows, not the whole window (100vw, 60vh).
      this.dialog.style.setProperty('width', `${Math.floor(area.width / zoom)}px`, 'important');
      this.dialog.style.setProperty('max-height', `${Math.floor((0.6 * area.height) / zoom)}px`, 'important');
    }
    const sheetHeight = this.dialog.getBoundingClientRect().height;
    const roomBelow = height - line.bottom - GAP_PX;
    const roomAbove = line.top - GAP_PX;
    let atTop = false;
    if (sheetHeight > roomBelow) {
      atTop = sheetHeight <= roomAbove || roomAbove > roomBelow;
      const room = atTop ? roomAbove : roomBelow;
      if (sheetHeight > room && room >= SMALLEST_CARD_PX) this.dialog.style.setProperty('max-height', `${Math.floor(room / zoomOf(this.host))}px`, 'important');
    }
    this.markScrolling();
    this.host.classList.toggle('top', atTop);
    this.moveHost(area.left, area.top + (atTop ? 0 : height - this.dialog.getBoundingClientRect().height));
  }

  /** A card that scrolls gets room beside its text for the close button,
   * which stays at the top as the text scrolls under it. */
  markScrolling() {
    this.dialog.classList.toggle('scrolls', this.dialog.scrollHeight > this.dialog.clientHeight + 1);
  }

  /**
   * The page scrolled or its window changed size: the card follows its
   * mention, or closes once the mention has left the screen (a sheet along
   * the screen's edge stayed over the page, about a word gone from view),
   * unless focus is in the card. A mention still being scrolled to (the
   * demo's entity list scrolls smoothly to one it has focused) has not
   * been on the screen yet, and keeps its card.
   */
  reposition() {
    if (!this.mention) return;
    const element = anchorElement(this.mention);
    const onScreen = Boolean(element?.isConnected) && this.mentionOnScreen();
    if (!element?.isConnected || (!onScreen && this.mentionSeen && !this.hasFocusInside())) {
      this.close({ restoreFocus: false });
      return;
    }
    this.mentionSeen ||= onScreen;
    this.pointer = null;
    this.place(element);
  }

  /**
   * Whether any box of the open card's mention is in the window and not
   * scrolled out of a box that clips it. The window, not the part a pinch
   * zoom shows: a reader zooming in on the card would otherwise close it.
   */
  mentionOnScreen() {
    const view = this.doc.defaultView;
    const frames = [{ left: 0, top: 0, right: view.innerWidth, bottom: view.innerHeight }, ...this.clippers.map((clipper) => clipper.getBoundingClientRect())];
    const shows = (rect) => frames.every((frame) => rect.bottom > frame.top && rect.top < frame.bottom && rect.right > frame.left && rect.left < frame.right);
    return this.boxes.some((box) => [...box.getClientRects()].some(shows));
  }
}
