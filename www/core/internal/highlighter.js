// One highlighter: full passes, incremental passes for content that changes
// later, and the two ways of showing mentions (wrapping them in elements, or
// painting them with the CSS Custom Highlight API).
import { HighlighterError, report } from './errors.js';
import { BLOCK_SEPARATOR, blockAncestor, documentOrder, extractText, extractTextSliced, insideAny, isBlockElement, isExcluded, isSkippedAsHidden, nodeUnchanged, OPT_OUT_ATTRIBUTE, stillCurrent, stillHidden, walkParent } from './extract.js';
import { keepWrappersOutOfCopies, labelWrapper, mentionPieces, OWNER_ATTRIBUTE, placeOf, planPieces, unwrap, unwrapWalked, wrap, wrapperAt, wrappersOf, WRAPPER_TAG } from './wrap.js';
import { CARD_TAG, CardController } from './card.js';
import { adoptHighlightStyles } from './styles.js';
import { markPainted, PAINTED, Painter, paintSupported, rangesOf } from './paint.js';
import { rankCandidates } from './rank.js';

/** DOM work done in one main-thread task before yielding, in ms: well under
 * the 50 ms that counts as a long task. The browser restyles and lays out
 * the page after each slice, which on a news page costs more than the
 * slice: at 8 ms a 100 KB page was wrapped in 75 ms, at 20 ms in 38 (old
 * and new side by side in one page), while a 1 MB page, whose slices grow
 * to MAX_SLICE_MS anyway, took the same. */
const SLICE_MS = 20;
/** Extraction and matching, which change nothing on the page, run in
 * slices of about this long: a 100 KB page in one, a 1 MB page in a few,
 * each well under a long task. */
const WORK_SLICE_MS = 20;
/** The most a slice grows to on a page whose own style and layout between
 * slices take longer than SLICE_MS. At 40 ms, a batch that began just
 * before the limit and the page's records after it made 47 to 57 ms tasks
 * on a 1 MB page; 30 ms with small batches stays under 50. */
const MAX_SLICE_MS = 30;
/** Work units applied between two looks at the clock: one unit splits a
 * text node or paints a mention, so a batch overruns the slice by little. */
const UNITS_PER_CLOCK_CHECK = 8;
/** A matcher in a worker gets the text in pieces of about this many UTF-16
 * units as the walk gathers it: small enough that selecting names starts
 * early in the walk, large enough that each piece's fixed cost (looking up
 * the page's common words again) stays small. On a 1 MB page with a
 * million names, painted, 64 K took 0.92x-1.00x the time of 16 K (median
 * 0.96x, five rounds of 12 side by side; 128 K: 1.05x), with fewer slow
 * passes; the 100 KB page the same. */
const STREAM_PIECE_CHARS = 64 * 1024;
/** Mutations are collected this long before a pass, so a burst of changes
 * (a framework re-rendering a list) costs one pass. */
const BATCH_DELAY_MS = 40;
const MAX_ATTEMPTS = 3;
/** A full pass over a text at least this long shows what is on screen
 * first: matching a screen's text takes a few ms and showing it a frame,
 * which pays where the whole pass takes hundreds of ms (on a 1 MB page,
 * first highlights on screen after 46-49 ms, the pass 252-935 ms, in the
 * benchmark at 6d8576f). A 100 KB page is done in well under 100 ms either way, and
 * there the extra frame cost more than it gained: painted, 9 ms later for
 * 5 ms earlier; wrapped, the frame after the screen's wrapping lays the
 * page out again, 46 -> 69 ms in the benchmark (158 with a worker). */
const VISIBLE_FIRST_MIN_CHARS = 256 * 1024;
/** How far beyond the viewport, in screens each way, "on screen" reaches,
 * so that a short scroll finds the text already painted. */
const VISIBLE_MARGIN_SCREENS = 0.5;

const OWN_TAGS = new Set([WRAPPER_TAG.toUpperCase(), CARD_TAG.toUpperCase()]);

/** A mention as the highlighter hands it out (index.d.ts: Mention). Its
 * `ranges` are read from the painter at each read (see rangesOf): a getter
 * here, on the prototype, since one defined on each of thousands of
 * mentions made painting a 1 MB page a third slower; the painter's own
 * field is there from the start, so every mention keeps one shape. */
class PageMention {
  constructor(candidates, text, start, end) {
    this.id = 0;
    this.entity = candidates[0];
    this.candidates = candidates;
    this.text = text;
    this.start = start;
    this.end = end;
    this.elements = [];
    this[PAINTED] = undefined;
    this.paintedNodes = undefined;
  }

  get ranges() {
    return rangesOf(this);
  }
}

function yieldToPage() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Awaits a matcher's answer: `[answer, crossed]`, where `crossed` says it
 * came in a later task (a timer set before has run), so the caller's task
 * clock starts again. A matcher elsewhere (a worker, the extension's
 * service worker) answers that way; the page's own answers in the task
 * that asked, or moves the clock in its own pauses.
 */
async function answerAndTask(answer) {
  let crossed = false;
  const marker = setTimeout(() => { crossed = true; }, 0);
  try {
    return [await answer, crossed];
  } finally {
    clearTimeout(marker);
  }
}

/** The mode `options.mode` stands for in the root's window. */
function resolveMode(options) {
  if (options.mode !== 'auto') return options.mode;
  return paintSupported(options.root.ownerDocument.defaultView) ? 'paint' : 'wrap';
}

/**
 * Adopts the wrapper (or paint) sheet into the root's Document or
 * ShadowRoot before the dictionary has loaded. Adopting a sheet makes the
 * browser restyle the whole document (17-46 ms on a 100 KB news page,
 * measured): done at creation, that happens while the dictionary
 * downloads, not in the frame the reader waits for after the first pass.
 * Returns the release, or null for a root that is not in a document.
 */
export function adoptStylesEarly(options) {
  const scope = options.root.getRootNode();
  if (scope.nodeType !== Node.DOCUMENT_NODE && !scope.host) return null;
  // A document without a window (from DOMParser) cannot make sheets.
  if (!(scope.ownerDocument ?? scope).defaultView) return null;
  return adoptHighlightStyles(scope, resolveMode(options));
}

/**
 * The part of `extracted.text` on screen (with VISIBLE_MARGIN_SCREENS
 * around it), widened to whole blocks, which no mention crosses: `[from,
 * to)`, or null when that is not a small part of the text. Text nodes come
 * in document order, which on most pages is top to bottom, so a binary
 * search over them finds the first and last on screen with a few dozen
 * rectangle reads; on a page laid out otherwise the span is merely less
 * apt, since the whole text is matched afterwards anyway.
 */
function visibleSpan(extracted, doc, minChars = VISIBLE_FIRST_MIN_CHARS) {
  const { nodes, starts, text } = extracted;
  const view = doc.defaultView;
  if (!view || text.length < minChars || doc.visibilityState === 'hidden') return null;
  const margin = view.innerHeight * VISIBLE_MARGIN_SCREENS;
  const top = -margin;
  const bottom = view.innerHeight + margin;
  const range = doc.createRange();
  // The box of node i, or of the next node with one (white space between
  // blocks has none); null past the end or outside `doc` (a frame).
  const box = (i) => {
    for (let k = i; k < nodes.length && k < i + 8; k++) {
      if (nodes[k].ownerDocument !== doc || !nodes[k].isConnected) return null;
      range.selectNodeContents(nodes[k]);
      const rect = range.getBoundingClientRect();
      if (rect.width > 0 || rect.height > 0) return rect;
    }
    return null;
  };
  // The first node whose box ends below `y`.
  const firstEndingBelow = (y) => {
    let low = 0;
    let high = nodes.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const rect = box(middle);
      if (rect && rect.bottom < y) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const first = firstEndingBelow(top);
  const last = firstEndingBelow(bottom);
  if (first >= nodes.length) return null;
  const from = text.lastIndexOf(BLOCK_SEPARATOR, starts[first]) + 1;
  // Through the block of the node that crosses the bottom.
  const next = last < nodes.length ? text.indexOf(BLOCK_SEPARATOR, starts[last]) : -1;
  const to = next === -1 ? text.length : next + 1;
  return to > from && to - from <= text.length / 2 ? [from, to] : null;
}

/** Wrap units (`[nodeIndex, pieces]`, in text order) with those of the
 * text on screen first, each part in text order, and how many are on
 * screen. The span is whole blocks, which no mention crosses, so a
 * mention's pieces stay in order. */
function screenFirst(units, extracted, doc) {
  const span = visibleSpan(extracted, doc, 0);
  if (!span) return { units, onScreen: 0 };
  const [from, to] = span;
  const shown = (unit) => extracted.starts[unit[0]] >= from && extracted.starts[unit[0]] < to;
  const first = units.filter(shown);
  return { units: [...first, ...units.filter((unit) => !shown(unit))], onScreen: first.length };
}

/** Wrap mode makes <entity-mention> elements: where the page has defined
 * that tag itself, each would run the page's code and render as the page's
 * component (hiding the name, say), so nothing is changed. */
function refuseDefinedWrapper(scopes) {
  for (const scope of scopes) {
    const view = (scope.ownerDocument ?? scope).defaultView;
    if (view?.customElements?.get(WRAPPER_TAG)) {
      throw report(new HighlighterError('page', `this page defines its own <${WRAPPER_TAG}> element, so wrap mode would run the page's code in every mention; nothing was changed (mode "paint" changes no elements)`));
    }
  }
}

/** The attributes observe watches: contenteditable, and those that show
 * or hide what a pass skipped as hidden. */
const WATCHED_ATTRIBUTES = ['contenteditable', 'hidden', 'aria-hidden', 'open', 'class', 'style'];

/** Whether taking nodes out (a childList `record`) may have let the text
 * on either side run together: both sides, past white space and comments,
 * are text or inline elements. */
function mayJoinAround(record) {
  const inline = (node, step) => {
    let side = node;
    while (side && (side.nodeType === 8 || (side.nodeType === 3 && !side.data.trim()))) side = side[step];
    return Boolean(side) && (side.nodeType === 3 || (side.nodeType === 1 && !isBlockElement(side)));
  };
  return inline(record.previousSibling, 'previousSibling') && inline(record.nextSibling, 'nextSibling');
}

/** Whether the page took `scope` away: a shadow root whose host left the
 * page, or a frame's document that is no longer shown. */
function scopeGone(scope) {
  return scope.host ? !scope.host.isConnected : !scope.defaultView;
}

/** Document order of two mentions, by their first wrapper or painted
 * text node, then by where they start in a pass's text. */
function mentionOrder(a, b) {
  const nodeA = a.elements[0] ?? a.paintedNodes?.[0];
  const nodeB = b.elements[0] ?? b.paintedNodes?.[0];
  if (nodeA && nodeB && nodeA !== nodeB) return documentOrder(nodeA, nodeB) || a.start - b.start;
  return a.start - b.start;
}

function isOwnNode(node) {
  // The card's element is a div on a page that defined its tag.
  return node.nodeType === 1 && (OWN_TAGS.has(node.tagName) || node.getAttribute(OPT_OUT_ATTRIBUTE) === 'ui');
}

export class Highlighter {
  constructor(matcher, info, options, loadTimings, ownsMatcher, earlyStyles = null) {
    this.matcher = matcher;
    /** adoptStylesEarly's release, kept until destroy(). */
    this.earlyStyles = earlyStyles;
    this.info = info;
    /** `info` was read for this highlighter's creation: its first pass
     * does not ask again. */
    this.infoJustRead = true;
    this.options = options;
    this.pendingTimings = loadTimings;
    this.ownsMatcher = ownsMatcher;
    this.mode = resolveMode(options);
    this.records = [];
    /** Written on this highlighter's wrappers (OWNER_ATTRIBUTE); random,
     * so two highlighters on one page, in one script world or two (a page's
     * widget, an extension's content script), never share it. */
    this.owner = Math.random().toString(36).slice(2, 10);
    this.current = [];
    this.nextId = 1;
    this.queue = Promise.resolve();
    this.byElement = new WeakMap();
    this.cards = new Map();
    this.styleReleases = new Map();
    this.painter = this.mode === 'paint' ? new Painter() : null;
    this.observer = null;
    this.pending = new Set();
    /** Nodes were taken out since the last incremental pass, with nothing
     * to highlight again around them (their mentions are to be forgotten). */
    this.removals = false;
    /** Elements the page made editable since the last incremental pass. */
    this.nowEditable = new Set();
    /** With observe: elements the passes skipped as hidden (extract.js),
     * and the elements whose attributes changed since the last incremental
     * pass, which may have shown some of them (takeRevealed). */
    this.hiddenSkipped = new Set();
    this.attributesChanged = new Set();
    /** With observe, while the root is hidden: what tells of it being
     * shown (awaitRootShown). */
    this.rootShownWatch = null;
    /** namedAlone()'s counts, and the mentions they were counted from. */
    this.namedAloneCache = null;
    /** Wrap mode, with observe: blocks that hold another highlighter's
     * wrappers → their text as this one's last pass there read it
     * (unsettledBlocks). */
    this.blockTexts = new WeakMap();
    /** With observe: every ShadowRoot and Document the passes entered,
     * with text or not, all watched; custom elements met without a shadow
     * root whose definition has not come (awaitDefinitions), and the tag
     * names awaited, per registry. */
    this.enteredScopes = new Set();
    this.undefinedElements = new Set();
    this.awaitedTags = new WeakMap();
    this.flushTimer = 0;
    this.destroyed = false;
    /** Counts clearings (clear(), each full pass's own, destroy()): a pass
     * stops at its next pause once the highlights it was adding to have
     * been cleared. */
    this.epoch = 0;
    /** Counts calls of clear(), which cancel passes still queued. */
    this.clears = 0;
    /** Whether the marks in `records` or the painter are a finished
     * pass's, kept on the page until the full pass under way shows its
     * own (retireShown). */
    this.retiring = false;
    /** Where keyboard focus was on a retired wrapper (focusedPlace). */
    this.retiredFocus = null;
  }

  get mentions() {
    return this.current;
  }

  get dictionary() {
    const { title, asOf, entityCount, types } = this.info;
    return { title, asOf, entityCount, types: { ...types } };
  }

  setOptions(options, check) {
    this.options = check(options, this.options);
    for (const cards of this.cards.values()) cards.setTheme(this.options.theme);
  }

  /** Passes run one after another, never interleaved. */
  enqueue(task) {
    const run = this.queue.then(task);
    this.queue = run.catch(() => {});
    return run;
  }

  highlight() {
    if (this.destroyed) return Promise.reject(report(new HighlighterError('option', 'highlight() was called after destroy(); create a new highlighter')));
    // A clear() between this call and the pass's turn in the queue cancels
    // it, as it stops a pass under way.
    // Counted by clear() alone: the pass ahead of this one clears too.
    const queuedAt = this.clears;
    return this.enqueue(() => (this.clears === queuedAt ? this.fullPass() : { mentions: [], timings: { extraction: 0, matching: 0, domChanges: 0 } }));
  }

  async fullPass() {
    // The marks shown stay until this pass replaces them, in the task that
    // shows the new ones: cleared first, they left the browser a frame of
    // the page without any whenever the pass waited (for a worker, the
    // extension's background, a slice), a flash at every re-highlight.
    this.clearNow(true);
    try {
      return await this.fullPassAfterClear();
    } finally {
      // Nothing shown (an error, an empty page): the old marks go all the
      // same, as a pass begins with none.
      this.retireShown();
      this.focusAgain(this.retiredFocus);
      this.retiredFocus = null;
    }
  }

  async fullPassAfterClear() {
    const { root, skipSelector } = this.options;
    const timings = { wasmStartup: 0, dictionaryReady: 0, ...this.pendingTimings, extraction: 0, matching: 0, domChanges: 0 };
    const epoch = this.epoch;
    this.pendingTimings = {};
    // A matcher the caller gave may have changed dictionaries since the
    // last pass (the extension's does when the user adds one), so its info
    // is read again, alongside the pass, for `dictionary`.
    const infoRead = this.ownsMatcher || this.infoJustRead ? null : Promise.resolve().then(() => this.matcher.info()).then((info) => {
      if (info && typeof info === 'object' && !this.stopped(epoch)) this.info = info;
    }, () => {});
    this.infoJustRead = false;
    if (!root.isConnected || isExcluded(root, skipSelector) || root.isContentEditable) {
      if (this.options.observe && root.isConnected && isSkippedAsHidden(root, skipSelector)) this.awaitRootShown(root);
      return { mentions: [], timings };
    }
    // Watched from the start: what the page changes while this pass reads,
    // matches and changes the DOM slice by slice goes to an incremental
    // pass after it (begun at the end, changes to text already done were
    // never looked at again).
    if (this.options.observe) this.observe(root);
    if (this.mode === 'wrap') {
      // The page's records first, then this pass's own are dropped.
      this.takePageRecords();
      this.dropCopiedWrappers([root]);
      this.observer?.takeRecords();
    }
    let added;
    try {
      added = await this.pass([root], timings, new Set(), epoch, true);
    } catch (error) {
      if (!this.stopped(epoch)) this.stopObserving();
      throw error;
    }
    await infoRead;
    if (this.stopped(epoch)) return { mentions: [], timings };
    if (added === null) {
      this.stopObserving();
      throw report(new HighlighterError('page', 'the page kept changing its text while it was being highlighted; nothing was changed'));
    }
    // Again, for shadow roots and iframes this pass met.
    if (this.options.observe) this.observe(root);
    return { mentions: this.current.slice(), timings };
  }

  stopObserving() {
    this.observer?.disconnect();
    this.observer = null;
    this.rootShownWatch?.disconnect();
    this.rootShownWatch = null;
    clearTimeout(this.flushTimer);
    this.flushTimer = 0;
    this.pending.clear();
    this.removals = false;
    this.nowEditable.clear();
    this.hiddenSkipped.clear();
    this.attributesChanged.clear();
    this.enteredScopes.clear();
    this.undefinedElements.clear();
  }

  /** Whether a pass begun at `epoch` should stop: the highlighter was
   * destroyed, or cleared, since. */
  stopped(epoch) {
    return this.destroyed || epoch !== this.epoch;
  }

  /**
   * Extracts the text under `roots`, matches it and shows the mentions.
   * Returns the mentions added, or null when the page kept changing.
   * `seen` holds the entities already shown, for the first-mention option.
   * With `visibleFirst`, a long text gets the mentions on screen shown
   * before the rest is matched (see showVisible).
   */
  async pass(roots, timings, seen, epoch, visibleFirst = false) {
    const { skipSelector } = this.options;
    // A page may change its text while the matcher works (a remote matcher
    // answers in another task); offsets are valid only for the text they
    // were found in, so extract and match again, a few times at most.
    // The first attempt extracts and matches in slices of about
    // WORK_SLICE_MS with pauses between them (the time paused counts in no
    // stage). A page that changes its text during those pauses gets the
    // next attempts in one task each, which no change can interrupt.
    let taskBegan = performance.now();
    let paused = 0;
    const pause = async () => {
      const began = performance.now();
      await yieldToPage();
      taskBegan = performance.now();
      paused += taskBegan - began;
    };
    /** Mentions showVisible showed, by start, until the whole text's
     * matching confirms them. */
    let early = null;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const sliced = attempt === 1;
      // Nodes the page moves during the pauses may land somewhere never
      // highlighted: then show() checks each node's place.
      const moves = sliced ? this.watchMoves(roots.map((root) => root.getRootNode()), () => {}, { text: true }) : null;
      // A matcher in another thread takes the text piece by piece during
      // the walk and matches while the walk goes on.
      const stream = sliced ? this.matcher.openStream?.() : undefined;
      const own = this.retiring && this.records.length > 0 ? wrappersOf(this.records) : null;
      try {
        let began = performance.now();
        paused = 0;
        const extracted = sliced
          ? await extractTextSliced(roots, {
            skipSelector,
            sliceMs: WORK_SLICE_MS,
            pause,
            onScope: (scope) => moves.watch(scope),
            onPiece: stream ? (piece) => stream.push(piece) : undefined,
            pieceChars: STREAM_PIECE_CHARS,
            own,
          })
          : extractText(roots, { skipSelector, own });
        timings.extraction += performance.now() - began - paused;
        if (this.stopped(epoch)) return [];
        if (extracted === null) continue;
        if (this.observer) {
          for (const element of extracted.hidden) this.hiddenSkipped.add(element);
          for (const scope of extracted.entered) this.enteredScopes.add(scope);
          this.awaitDefinitions(extracted.shadowless);
        }
        if (extracted.nodes.length === 0) return [];
        // Read before each show (notePageMoves); the early wrapping's own
        // records are taken with show()'s, in the task that makes them, so
        // they never count as the page moving nodes.
        extracted.passMoves = moves;
        const span = sliced && visibleFirst && this.options.mentions !== 'first' ? visibleSpan(extracted, this.options.root.ownerDocument) : null;
        // After a long last slice of the walk, the screen gets a task of
        // its own: the two together made a 57 ms task on a 1 MB page.
        if (span && performance.now() - taskBegan > WORK_SLICE_MS / 2) {
          await pause();
          if (this.stopped(epoch)) return [];
        }
        const visible = span ? this.showVisible(extracted, span, timings, seen, epoch, taskBegan) : null;
        // The worker is asked for the whole text's answer right after the
        // screen's (its request already sent): it goes on while the screen's
        // mentions are shown (waiting for that frame, it sat idle up to 20
        // ms on a 1 MB page). Awaited below; a pass that ends first drops
        // it.
        const streamed = stream ? this.streamAnswer(stream, extracted, seen) : null;
        streamed?.catch(() => {});
        early = await visible;
        if (this.stopped(epoch)) return [];
        // The frame that shows them comes before the rest of the work.
        if (early?.size > 0) {
          await pause();
          if (this.stopped(epoch)) return [];
        }
        began = performance.now();
        paused = 0;
        let found;
        try {
          if (streamed) {
            found = await streamed;
            // The answer came from the worker in a task of its own.
            taskBegan = performance.now();
          } else {
            let crossed;
            [found, crossed] = await answerAndTask(this.matcher.match(extracted.text, sliced ? { sliceMs: WORK_SLICE_MS, pause } : undefined));
            if (crossed && paused === 0) taskBegan = performance.now();
          }
        } catch (error) {
          // destroy() during a pause between pieces frees the engine the
          // next piece needed: nothing failed that anyone still wants.
          if (this.stopped(epoch)) return [];
          // Nothing half done stays on the page.
          if (early) this.forget([...early.values()], extracted);
          throw report(error instanceof HighlighterError ? error : new HighlighterError('page', `matching failed: ${error?.message ?? error}`, { cause: error }));
        }
        timings.matching += performance.now() - began - paused;
        if (this.stopped(epoch)) return [];
        // Checking the nodes and mapping the mentions to them come next,
        // in one task: on a 1 MB page 20-30 ms, so a task already half a
        // slice long lets the page have a turn first (with the last piece
        // of matching, that task went over 50 ms).
        if (sliced && performance.now() - taskBegan > WORK_SLICE_MS / 2) {
          await pause();
          if (this.stopped(epoch)) return [];
        }
        // The old marks go only for a pass that will show its own; the
        // time that takes is not the first DOM slice's.
        if (this.textUnchanged(extracted)) {
          const retiring = this.retireShown(extracted);
          if (retiring !== null) return this.show(extracted, found, timings, seen, epoch, taskBegan + retiring, early);
        }
        // The page changed its text: the next attempt starts afresh.
        if (early) this.forget([...early.values()], extracted);
        early = null;
      } finally {
        moves?.disconnect();
        stream?.cancel();
      }
    }
    return null;
  }

  /**
   * Shows the mentions of the text on screen (`span`, from visibleSpan)
   * before the whole text is matched: on a 1 MB page the reader sees them
   * after the walk and a few ms of matching, not after the whole pass.
   * Returns them by start, or null if the page changed meanwhile. (The
   * first-mention option goes without, as it needs the text in order; so
   * does a text short enough, or a screen large enough, that it would gain
   * nothing: visibleSpan gives no span.) In wrap mode the text nodes
   * it splits are the pass's own from then on (`extracted.ours`): the rest
   * of the pass neither takes their new data for the page's doing nor
   * splits them again.
   */
  async showVisible(extracted, span, timings, seen, epoch, taskBegan) {
    const [from, to] = span;
    const began = performance.now();
    const text = extracted.text.slice(from, to);
    // A worker streaming the whole text answers this apart from it.
    const [found, crossed] = await answerAndTask(this.matcher.matchApart ? this.matcher.matchApart(text) : this.matcher.match(text));
    const { triples } = found;
    for (let i = 0; i < triples.length; i += 3) {
      triples[i] += from;
      triples[i + 1] += from;
    }
    timings.matching += performance.now() - began;
    if (this.stopped(epoch)) return null;
    if (!this.textUnchanged(extracted)) return null;
    const retiring = this.retireShown(extracted);
    if (retiring === null) return null;
    const shown = await this.show(extracted, found, timings, seen, epoch, (crossed ? performance.now() : taskBegan) + retiring);
    // By start: mentions never overlap, and a number is a cheap key for
    // the thousands of lookups confirmEarly makes.
    return new Map(shown.map((mention) => [mention.start, mention]));
  }

  /** Once the page has inserted nodes during the pass (`passMoves`), each
   * node's place is checked before it is changed (usable). */
  notePageMoves(extracted) {
    const moves = extracted.passMoves;
    if (moves && (moves.note(moves.takeRecords()).some((record) => record.addedNodes.length > 0) || moves.moved)) extracted.placeCheck = new Map();
  }

  /**
   * stillCurrent, without reading every node when the pass's watcher
   * (`passMoves`, from before the walk) has seen no text change and no
   * removal: on a 1 MB page each full check read 25,000 nodes (3-4 ms).
   * Painting, the nodes are then known unchanged until the pass next
   * yields (`extracted.checked`), so usable() need not read them again.
   * The page's moves are noted first (notePageMoves), which also notes
   * its text changes.
   */
  textUnchanged(extracted) {
    this.notePageMoves(extracted);
    const moves = extracted.passMoves;
    const unchanged = (moves && !moves.touched) || stillCurrent(extracted);
    extracted.checked = unchanged && this.mode === 'paint';
    return unchanged;
  }

  /** Takes early `mentions` off the page and out of the current list; in
   * wrap mode, all of them (see confirmEarly), restoring the text nodes. */
  forget(mentions, extracted) {
    if (mentions.length === 0) return;
    const gone = new Set(mentions);
    this.current = this.current.filter((mention) => !gone.has(mention));
    if (this.mode === 'paint') {
      this.painter.remove(mentions);
      return;
    }
    // A full pass starts with nothing wrapped: every record is early.
    unwrap(this.records);
    this.records = [];
    for (const mention of mentions) mention.elements = [];
    extracted.ours = null;
  }

  /**
   * The whole text's mentions less those `early` already shows, which
   * they confirm: an early mention takes the whole text's ranking of its
   * candidates (which counts what the rest of the text names), and one the
   * whole text does not have is taken off (in wrap mode, with the whole
   * early phase).
   */
  confirmEarly(mentions, early, extracted) {
    const twins = mentions.map((mention) => {
      const twin = early.get(mention.start);
      return twin?.end === mention.end ? twin : undefined;
    });
    const confirmed = new Set(twins.filter(Boolean));
    const unconfirmed = [...early.values()].filter((mention) => !confirmed.has(mention));
    if (unconfirmed.length > 0 && this.mode === 'wrap') {
      // A split node can hold several mentions: rather than undo some of
      // it, the early phase is undone and the whole text shown afresh.
      // (Matching is local to blocks, so only a bug would bring this.)
      this.forget([...early.values()], extracted);
      early.clear();
      return mentions;
    }
    const rest = [];
    const reranked = [];
    for (const [i, mention] of mentions.entries()) {
      const twin = twins[i];
      if (!twin) {
        rest.push(mention);
        continue;
      }
      const same = twin.candidates.length === mention.candidates.length && twin.candidates.every((entity, i) => entity.id === mention.candidates[i].id);
      if (same) continue;
      // Painted in its first candidate's colour: repainted if that changed
      // (its paint is found by the colour it has now).
      if (this.mode === 'paint' && twin.entity.type !== mention.entity.type) {
        this.painter.remove([twin]);
        reranked.push(twin);
      }
      twin.candidates = mention.candidates;
      twin.entity = mention.entity;
      for (const element of twin.elements) labelWrapper(element, twin.entity);
    }
    this.forget(unconfirmed, extracted);
    early.clear();
    for (const twin of reranked) this.painter.add(twin, mentionPieces(twin, extracted.nodes, extracted.starts, extracted.datas));
    return rest;
  }

  /** The answer of a matcher in another thread to the text streamed to
   * it: in parts, each made into mentions while the worker searches the
   * next (gatherParts), unless the first-mention option needs them all
   * first. */
  streamAnswer(stream, extracted, seen) {
    const parts = this.options.mentions === 'first' ? null : stream.finishInParts?.();
    return parts ? this.gatherParts(parts, extracted, seen) : stream.finish();
  }

  /**
   * The mentions of a text a worker searches in parts (`parts`, from a
   * stream's finishInParts): each part's triples become mentions, mapped
   * to their text nodes when painting, while the worker searches the next
   * part; once the last has come, ambiguous candidates are ranked over the
   * whole text, as one search ranks them (each part ranked them by what it
   * alone names). Painting, each mention's pieces and range are made
   * too (Painter.prepare). Returns what show() takes:
   * `{ mentions, prepared }`.
   */
  async gatherParts(parts, extracted, seen) {
    const ranking = { triples: [], length: 0, runs: [] };
    const mentions = [];
    const prepared = new Map();
    for (let last = false; !last;) {
      const part = await parts.next();
      for (const mention of this.mentionsFrom(part, extracted.text, seen, ranking)) {
        mentions.push(mention);
        if (this.mode !== 'paint') continue;
        const pieces = mentionPieces(mention, extracted.nodes, extracted.starts, extracted.datas);
        prepared.set(mention, { mention, pieces, entry: pieces.length > 0 ? Painter.prepare(pieces) : null });
      }
      last = part.last;
    }
    if (ranking.triples.length > 1) {
      const all = new Uint32Array(ranking.length);
      let at = 0;
      for (const triples of ranking.triples) {
        all.set(triples, at);
        at += triples.length;
      }
      rankCandidates(all);
      for (const { from, to, entities, mention } of ranking.runs) {
        mention.candidates = this.wantedCandidates(all, from, to, entities);
        mention.entity = mention.candidates[0];
      }
    }
    return { mentions, prepared };
  }

  /** The entities of the triples from `from` to `to` that the types
   * option lets through, in the triples' order. */
  wantedCandidates(triples, from, to, entities) {
    const { types } = this.options;
    const candidates = [];
    for (let i = from; i < to; i += 3) {
      const entity = entities[triples[i + 2]];
      if (entity && (!types || types.includes(entity.type))) candidates.push(entity);
    }
    return candidates;
  }

  /** Groups the matcher's triples into mentions and applies the options;
   * with `ranking` (gatherParts), notes the triples and each ambiguous
   * mention's run of them. */
  mentionsFrom({ triples, entities }, text, seen, ranking = null) {
    const { mentions: which } = this.options;
    const mentions = [];
    for (let i = 0; i < triples.length; ) {
      const start = triples[i];
      const run = i;
      const end = triples[i + 1];
      while (i < triples.length && triples[i] === start && triples[i + 1] === end) i += 3;
      const candidates = this.wantedCandidates(triples, run, i, entities);
      if (candidates.length === 0) continue;
      // "First mention per entity" goes by the likeliest candidate, which
      // the core ranks by what the same text names unambiguously.
      if (which === 'first') {
        if (seen.has(candidates[0].id)) continue;
        seen.add(candidates[0].id);
      }
      mentions.push(new PageMention(candidates, text.slice(start, end), start, end));
      if (ranking && candidates.length > 1) ranking.runs.push({ from: ranking.length + run, to: ranking.length + i, entities, mention: mentions.at(-1) });
    }
    if (ranking) {
      ranking.triples.push(triples);
      ranking.length += triples.length;
    }
    return mentions;
  }

  /** Shows the mentions found in `extracted`, in slices of about SLICE_MS
   * so that a large page never blocks the main thread for long. */
  async show(extracted, found, timings, seen, epoch, taskBegan, early = null) {
    let began = performance.now();
    // gatherParts made the mentions already.
    let mentions = found.mentions ?? this.mentionsFrom(found, extracted.text, seen);
    if (early) mentions = this.confirmEarly(mentions, early, extracted);
    for (const mention of mentions) mention.id = this.nextId++;
    // Work units that never share a text node: one per mention when
    // painting, one per text node when wrapping (a node is split once).
    // Ranges made ahead serve unless the page has moved nodes since.
    const prepared = extracted.placeCheck ? null : found.prepared;
    let units = this.mode === 'paint'
      ? mentions.map((mention) => prepared?.get(mention) ?? { mention, pieces: mentionPieces(mention, extracted.nodes, extracted.starts, extracted.datas) })
      : [...planPieces(mentions, extracted.nodes, extracted.starts, extracted.datas)];
    // Wrapping again, the old wrappers went at the start of this task and
    // the new ones come slice by slice: the screen's go first, so that no
    // frame shows it less marked than before, all in the first slice, even
    // past its budget (a screen's worth). (Paint keeps the old paint until
    // the new is published.)
    let firstSliceUnits = 0;
    if (this.mode === 'wrap' && extracted.rewrapping && units.length > UNITS_PER_CLOCK_CHECK) {
      ({ units, onScreen: firstSliceUnits } = screenFirst(units, extracted, this.options.root.ownerDocument));
    }
    timings.matching += performance.now() - began;
    // Thousands of ranges go under watch as they are painted, slice by
    // slice, rather than in one long task at the end.
    this.painter?.expect(units.length);
    if (this.mode === 'wrap') refuseDefinedWrapper(extracted.scopes);
    for (const scope of extracted.scopes) this.prepareScope(scope);
    // The page may move text between slices into a place that is never
    // highlighted (an opted-out block, a <code>); once it has moved
    // anything, each node's ancestors are checked before it is changed.
    const moves = units.length > 0 ? this.watchMoves(extracted.scopes, () => { extracted.placeCheck = new Map(); }) : null;
    let index = 0;
    const recordsBefore = this.records.length;
    // The first slice shares its task with the node check and the mapping
    // above, which on a page with thousands of mentions can take a slice's
    // time by themselves: it gets what is left of the longest slice. (Not
    // of SLICE_MS: a 100 KB page's DOM work, about 18 ms, would then miss
    // the first slice by a little, and the page would be laid out twice,
    // 45 ms wrapped becoming 124 in the benchmark.)
    let budget = MAX_SLICE_MS - (performance.now() - taskBegan);
    while (index < units.length) {
      // Changes the page made since the last slice go to the incremental
      // logic; the highlighter's own changes are then dropped.
      this.takePageRecords();
      if (moves?.takeRecords().some((record) => record.addedNodes.length > 0)) extracted.placeCheck = new Map();
      began = performance.now();
      do {
        const batch = units.slice(index, index + UNITS_PER_CLOCK_CHECK);
        index += batch.length;
        try {
          this.apply(batch, extracted);
        } catch (error) {
          // apply() undid its own changes for this batch; the batches
          // before it are undone here, so the page is left as it was.
          if (this.painter) this.painter.remove(mentions);
          else unwrap(this.records.splice(recordsBefore));
          for (const mention of mentions) mention.elements = [];
          this.painter?.endPass();
          throw report(new HighlighterError('page', `the page could not be changed (${error?.message ?? error}); the change was undone`, { cause: error }));
        }
      } while (index < units.length && (index < firstSliceUnits || performance.now() - began < budget));
      this.observer?.takeRecords();
      moves?.takeRecords();
      extracted.passMoves?.takeRecords();
      timings.domChanges += performance.now() - began;
      if (index < units.length) {
        const paused = performance.now();
        // The page may change text while it has its turn.
        extracted.checked = false;
        await yieldToPage();
        // The browser restyles and lays out the page between slices; on a
        // deep or huge page that costs more than a slice, and paid once per
        // 8 ms slice it would grow with the square of the page. Slices grow
        // to match it instead, so it stays a fixed share of the pass.
        budget = Math.min(MAX_SLICE_MS, Math.max(SLICE_MS, performance.now() - paused));
        if (this.stopped(epoch)) break;
      }
    }
    moves?.disconnect();
    if (this.stopped(epoch)) return [];
    // Registering thousands of ranges takes a slice's time by itself (30-
    // 40 ms for 12,600 on a 1 MB page): after a long last slice it gets a
    // task of its own, or the two made tasks of 54-88 ms.
    if (this.painter?.staged.length > UNITS_PER_CLOCK_CHECK && performance.now() - began > SLICE_MS / 2) {
      extracted.checked = false;
      await yieldToPage();
      if (this.stopped(epoch)) return [];
    }
    this.painter?.publish();
    // A mention whose text the page changed meanwhile was skipped; the
    // change's own incremental pass will find it again.
    let shown = mentions.filter((mention) => mention.elements.length > 0 || mention.paintedNodes?.length > 0);
    // (Painted in one slice right after the text was checked, nothing can
    // have gone.)
    if (this.mode === 'paint' && !extracted.checked) {
      // A range does not keep removed text alive in the page: text painted
      // in an early slice and removed by the page in a later one would stay
      // a mention that nothing, without observe, ever forgets.
      const gone = shown.filter((mention) => !mention.paintedNodes?.every((node) => node.isConnected));
      if (gone.length > 0) {
        this.painter.remove(gone);
        const goneSet = new Set(gone);
        shown = shown.filter((mention) => !goneSet.has(mention));
      }
    }
    for (const mention of shown) {
      for (const element of mention.elements) this.byElement.set(element, mention);
      // One by one: spreading tens of thousands of mentions into push()
      // overflows the stack.
      this.current.push(mention);
    }
    // The mentions shown early came first: the list stays in text order.
    if (early) this.current.sort((a, b) => a.start - b.start);
    return shown;
  }

  /** A MutationObserver that calls `onMove` when the page inserts nodes
   * under `scopes` (the highlighter's own insertions are taken with
   * takeRecords() before they reach it), for show(). */
  watchMoves(scopes, onMove, { text = false } = {}) {
    const view = this.options.root.ownerDocument.defaultView;
    const watcher = new view.MutationObserver((records) => {
      watcher.note(records);
      if (records.some((record) => record.addedNodes.length > 0)) {
        watcher.moved = true;
        onMove();
      }
    });
    /** With `text`, whether any text changed or any node went (a record
     * of either); until then, every node a walk read since watching
     * began is still in the page with the data it read (textUnchanged). */
    watcher.touched = false;
    watcher.note = (records) => {
      if (text && !watcher.touched) watcher.touched = records.some((record) => record.type === 'characterData' || record.removedNodes.length > 0);
      return records;
    };
    /** What it watches, to watch again after a pause (retireShown). */
    watcher.targets = new Set();
    watcher.watch = (target) => {
      watcher.targets.add(target);
      watcher.observe(target, { childList: true, subtree: true, characterData: text });
    };
    for (const scope of scopes) watcher.watch(scope);
    return watcher;
  }

  /** Whether text node `i` can still be changed: its data is as extracted
   * and, once the page has moved nodes during the pass, it has not landed
   * inside anything excluded. */
  usable(extracted, i) {
    if (extracted.ours?.has(i) || (!extracted.checked && !nodeUnchanged(extracted, i))) return false;
    const cache = extracted.placeCheck;
    if (!cache) return true;
    // One look per element, remembered, so a deep page stays linear.
    const path = [];
    let excluded = false;
    for (let current = extracted.nodes[i].parentElement; current; current = current.parentElement) {
      const known = cache.get(current);
      if (known !== undefined) {
        excluded = known;
        break;
      }
      path.push(current);
      if (isExcluded(current, this.options.skipSelector)) {
        excluded = true;
        break;
      }
    }
    for (const element of path) cache.set(element, excluded);
    return !excluded;
  }

  /** Wraps a batch of `[nodeIndex, pieces]` or paints a batch of
   * `{ mention, pieces }`, skipping text the page changed since
   * extraction. */
  apply(batch, extracted) {
    if (this.mode === 'paint') {
      for (const { mention, pieces, entry } of batch) {
        if (pieces.length && pieces.every((piece) => this.usable(extracted, piece.index))) this.painter.add(mention, pieces, entry);
      }
      return;
    }
    const plan = new Map(batch.filter(([nodeIndex]) => this.usable(extracted, nodeIndex)));
    extracted.interactive ??= new Map();
    this.records.push(...wrap(plan, extracted.nodes, this.owner, extracted.interactive));
    extracted.ours ??= new Set();
    for (const nodeIndex of plan.keys()) extracted.ours.add(nodeIndex);
  }

  /** How many of the current mentions name each entity on its own (one
   * candidate), by entity id; counted again once the mentions change
   * (they change by new arrays, or by pushes). */
  namedAlone() {
    const cache = this.namedAloneCache;
    if (cache?.of === this.current && cache.length === this.current.length) return cache.counts;
    const counts = new Map();
    for (const mention of this.current) {
      if (mention.candidates.length === 1) counts.set(mention.entity.id, (counts.get(mention.entity.id) ?? 0) + 1);
    }
    this.namedAloneCache = { of: this.current, length: this.current.length, counts };
    return counts;
  }

  /** Styles and cards for a Document or ShadowRoot holding mentions. */
  prepareScope(scope) {
    if (!this.styleReleases.has(scope)) {
      const releaseStyles = adoptHighlightStyles(scope, this.mode);
      const releaseCopies = this.mode === 'wrap' && !scope.host ? keepWrappersOutOfCopies(scope, this.owner) : null;
      this.styleReleases.set(scope, () => {
        releaseStyles();
        releaseCopies?.();
      });
    }
    this.painter?.followEdits(scope);
    if (!this.options.cards) return;
    const doc = scope.ownerDocument ?? scope;
    let cards = this.cards.get(doc);
    if (!cards) {
      cards = new CardController(doc, {
        theme: this.options.theme,
        lookup: (element) => this.byElement.get(element),
        // The candidates come ranked by how often the page names each on
        // its own; the first is likely when it leads that count.
        likely: ({ candidates }) => {
          const named = this.namedAlone();
          return (named.get(candidates[0]?.id) ?? 0) > (named.get(candidates[1]?.id) ?? 0);
        },
        mentions: () => this.current,
        markStepped: (mention) => markPainted(doc, 'stepped', mention),
        markOpen: (mention) => markPainted(doc, 'open', mention),
      });
      this.cards.set(doc, cards);
    }
    const eventRoot = scope === doc ? (doc === this.options.root.ownerDocument ? this.options.root : doc.body) : scope;
    if (this.mode === 'paint') {
      cards.attachPainted(eventRoot, (x, y) => this.painter.hit(doc, x, y, this.shadowRootsOf(doc)));
    } else {
      cards.attach(eventRoot);
    }
  }

  /** Lets go of the styles, card listeners and edit watcher of every
   * shadow root or frame the page has taken away: a page that swaps
   * components for hours would otherwise keep them all, and every pass
   * would watch them again. */
  releaseGoneScopes() {
    for (const [scope, release] of this.styleReleases) {
      if (!scopeGone(scope)) continue;
      release();
      this.styleReleases.delete(scope);
      this.painter?.unfollow(scope);
      if (scope.host) {
        this.cards.get(scope.ownerDocument)?.detach(scope);
      } else {
        this.cards.get(scope)?.destroy();
        this.cards.delete(scope);
      }
    }
  }

  shadowRootsOf(doc) {
    return [...this.styleReleases.keys()].filter((scope) => scope !== doc && scope.ownerDocument === doc && scope.host);
  }

  // --- live pages ------------------------------------------------------------

  /**
   * With observe, a root hidden at the full pass (in a tab panel not yet
   * open, a collapsed section) is highlighted once shown. Hidden by its
   * own attributes, it is one of the skipped elements the observer's
   * attribute records reveal (takeRevealed). Hidden from above, by an
   * ancestor outside the root, it sends no record; it gets a box when
   * shown, which a ResizeObserver reports.
   */
  awaitRootShown(root) {
    this.observe(root);
    this.hiddenSkipped.add(root);
    this.rootShownWatch?.disconnect();
    const view = root.ownerDocument.defaultView;
    if (!view?.ResizeObserver) return;
    const watch = new view.ResizeObserver(() => {
      if (stillHidden(root)) return;
      watch.disconnect();
      if (this.rootShownWatch === watch) this.rootShownWatch = null;
      this.attributesChanged.add(root);
      this.scheduleIncrementalPass();
    });
    watch.observe(root);
    this.rootShownWatch = watch;
  }

  observe(root) {
    const view = root.ownerDocument.defaultView;
    this.observer ??= new view.MutationObserver((records) => this.noteMutations(records));
    const targets = new Set([root]);
    for (const scope of [...this.styleReleases.keys(), ...this.enteredScopes]) {
      if (scope.host) targets.add(scope);
      else if (scope !== root.ownerDocument && scope.body) targets.add(scope.body);
    }
    // Attributes too: see noteMutations.
    for (const target of targets) this.observer.observe(target, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: WATCHED_ATTRIBUTES });
  }

  /** Records the page's changes that are not the highlighter's own. */
  takePageRecords() {
    const records = this.observer?.takeRecords();
    if (records?.length) this.noteMutations(records);
  }

  noteMutations(records) {
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.attributeName === 'contenteditable') {
          // A block the page makes editable loses its marks: the reader is
          // about to type into it, and an editor would save the wrappers
          // with their text. (A document put in designMode sends no
          // record.)
          if (record.target.isContentEditable) this.nowEditable.add(record.target);
          else this.pending.add(record.target);
        } else if (this.hiddenSkipped.size > 0 && !isOwnNode(record.target)) {
          this.attributesChanged.add(record.target);
        }
        continue;
      }
      if (record.type === 'characterData') {
        if (record.target.parentElement) this.pending.add(record.target.parentElement);
        continue;
      }
      const added = [...record.addedNodes].filter((node) => !isOwnNode(node));
      const removed = [...record.removedNodes].filter((node) => !isOwnNode(node));
      if (added.length === 0 && removed.length === 0) continue;
      for (const node of added) this.pending.add(node.nodeType === 1 ? node : record.target);
      if (removed.length) {
        // Their marks go with them (forgetDetached); the rest of the block
        // is highlighted again only where the text on either side now
        // runs together, and a name may span the gap: re-highlighting a
        // live blog's whole column for each entry it drops kept a capped
        // blog's page busy (wrap: 80-170 ms a pass for 200 entries).
        if (mayJoinAround(record)) this.pending.add(record.target);
        else this.removals = true;
      }
    }
    this.scheduleIncrementalPass();
  }

  /** An incremental pass BATCH_DELAY_MS from now, if there is anything
   * for it and none is scheduled. */
  scheduleIncrementalPass() {
    if ((this.pending.size || this.nowEditable.size || this.attributesChanged.size || this.removals) && !this.flushTimer && !this.destroyed) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = 0;
        this.enqueue(() => this.incrementalPass()).catch(() => {});
      }, BATCH_DELAY_MS);
    }
  }

  /**
   * Custom elements a pass met without a shadow root, whose definition has
   * not come (code loaded later, a split bundle): defining one may give it
   * a shadow root and content, with no mutation record, so each is looked
   * at again once its definition comes.
   */
  awaitDefinitions(elements) {
    for (const element of elements) {
      const registry = element.ownerDocument.defaultView?.customElements;
      const name = element.localName;
      if (!registry || registry.get(name)) continue;
      this.undefinedElements.add(element);
      let awaited = this.awaitedTags.get(registry);
      if (!awaited) this.awaitedTags.set(registry, (awaited = new Set()));
      if (awaited.has(name)) continue;
      awaited.add(name);
      registry.whenDefined(name).then(() => {
        awaited.delete(name);
        if (!this.observer) return;
        for (const waiting of this.undefinedElements) {
          if (waiting.localName !== name || waiting.ownerDocument.defaultView?.customElements !== registry) continue;
          this.undefinedElements.delete(waiting);
          if (waiting.isConnected) this.pending.add(waiting);
        }
        this.scheduleIncrementalPass();
      }, () => {});
    }
  }

  /** Highlights what changed: the blocks around every pending change. */
  async incrementalPass() {
    if (this.destroyed || !this.observer) return;
    const changed = [...this.pending, ...this.takeRevealed()];
    this.pending.clear();
    const removals = this.removals;
    this.removals = false;
    // Attribute changes that showed nothing (a page animating through
    // `class` or `style`) cost no more than that check.
    if (changed.length === 0 && this.nowEditable.size === 0 && !removals) return;
    const before = this.current.length;
    // A mention the page took part of is highlighted again where the rest
    // of it is.
    const partly = this.forgetDetached();
    const onlyEdits = partly.length === 0 && this.nowEditable.size === 0 && this.current.length === before;
    changed.push(...partly);
    // Blocks the page made editable lose their marks; changedBlocks skips
    // them, as it skips every editable place.
    const editable = [...this.nowEditable].filter((element) => element.isConnected && element.isContentEditable);
    this.nowEditable.clear();
    // In document order, so the mentions added come in that order too.
    const { blocks, excluded } = this.changedBlocks(changed);
    let roots = blocks.sort(documentOrder);
    this.takePageRecords();
    if (this.mode === 'wrap') roots = this.unsettledBlocks(roots, onlyEdits);
    const focused = roots.length > 0 ? this.focusedPlace(this.records) : null;
    // Text the page moved into an excluded place loses its marks there.
    const touched = [...editable, ...excluded, ...roots];
    this.removeWithin(touched);
    // Copies too, in excluded places as well: an editor would save them.
    this.dropCopiedWrappers(touched);
    this.observer.takeRecords();
    if (roots.length === 0) {
      // Marks taken off only: told if the list changed.
      if (this.current.length !== before) this.notify({ added: [], mentions: this.current.slice(), timings: { extraction: 0, matching: 0, domChanges: 0 } });
      return;
    }
    const seen = new Set(this.options.mentions === 'first' ? this.current.map((m) => m.entity.id) : []);
    const timings = { extraction: 0, matching: 0, domChanges: 0 };
    const epoch = this.epoch;
    const added = await this.pass(roots, timings, seen, epoch);
    if (this.stopped(epoch)) {
      focused?.stopWatching();
      return;
    }
    this.focusAgain(focused);
    if (added) this.placeAdded(added);
    if (added === null) {
      for (const root of roots) {
        this.pending.add(root);
        this.blockTexts.delete(root);
      }
    }
    // New shadow roots or iframes met in this pass are watched too.
    if (this.observer) this.observe(this.options.root);
    this.notify({ added: added ?? [], mentions: this.current.slice(), timings });
  }

  /**
   * The elements skipped as hidden that are now shown, where the page
   * changed an attribute on them or above them since the last incremental
   * pass: a tab panel, a "read more", a <details> the reader opened.
   * Checking every skipped element against the changed ones (rather than
   * re-highlighting around every change of class or style) keeps a page
   * that animates through its attributes from costing a pass per frame.
   */
  takeRevealed() {
    if (this.attributesChanged.size === 0) return [];
    const changed = this.attributesChanged;
    this.attributesChanged = new Set();
    const revealed = [];
    for (const element of this.hiddenSkipped) {
      if (!element.isConnected) {
        this.hiddenSkipped.delete(element);
        continue;
      }
      if (!insideAny(element, changed) || stillHidden(element)) continue;
      this.hiddenSkipped.delete(element);
      revealed.push(element);
    }
    return revealed;
  }

  /** Puts the mentions an incremental pass added (at the end of `current`,
   * in document order) among the others, so the list stays in document
   * order. No other mention lies in the blocks it highlighted again. */
  placeAdded(added) {
    if (added.length === 0) return;
    const kept = this.current.slice(0, this.current.length - added.length);
    const merged = [];
    let from = 0;
    let next = 0;
    while (next < added.length) {
      let low = from;
      let high = kept.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (mentionOrder(kept[middle], added[next]) < 0) low = middle + 1;
        else high = middle;
      }
      for (; from < low; from++) merged.push(kept[from]);
      // The added mentions that also come before kept[low] (a block's
      // mentions, usually all of them) go here too, one comparison each.
      do merged.push(added[next++]);
      while (next < added.length && (low === kept.length || mentionOrder(added[next], kept[low]) < 0));
    }
    for (; from < kept.length; from++) merged.push(kept[from]);
    this.current = merged;
  }

  /** Calls the user's onUpdate; a callback that throws must not break the
   * highlighter or the page. */
  notify(update) {
    try {
      this.options.onUpdate?.(update);
    } catch (error) {
      console.error('entity-highlighter: the onUpdate callback threw:', error);
    }
  }

  /** The block elements to re-highlight for the changed nodes: connected,
   * inside the root (or a shadow root or frame it reaches), not excluded,
   * none inside another; and the changed nodes in excluded places, whose
   * marks are only taken off. */
  changedBlocks(changed) {
    const { root, skipSelector } = this.options;
    const blocks = new Set();
    const excluded = [];
    for (const element of changed) {
      if (!element?.isConnected) continue;
      const scope = element.getRootNode();
      const stop = root.contains(element) ? root : (scope.host ? scope : element.ownerDocument.body);
      if (!stop || (stop !== root && !this.styleReleases.has(scope) && !this.styleReleases.has(element.ownerDocument))) continue;
      const block = blockAncestor(element, stop);
      if (this.insideExcluded(block, stop, skipSelector)) excluded.push(element);
      else blocks.add(block);
    }
    // Up each block's own ancestors rather than against every other block:
    // a page that appends thousands of paragraphs at once must not cost
    // the square of their number.
    const nested = (block) => {
      // Across shadow roots and frames too: the outer block's walk enters them.
      for (let up = walkParent(block); up; up = walkParent(up)) if (blocks.has(up)) return true;
      return false;
    };
    return { blocks: [...blocks].filter((block) => !nested(block)), excluded };
  }

  insideExcluded(element, stop, skipSelector) {
    for (let current = element; current && current !== stop; current = current.parentElement) {
      if (current.nodeType !== 1) continue;
      if (isOwnNode(current)) return true;
      if (!isExcluded(current, skipSelector)) continue;
      // Changed while hidden: watched, as a walk watches what it skips as
      // hidden, so that showing it later highlights what it holds then.
      if (this.observer && isSkippedAsHidden(current, skipSelector)) this.hiddenSkipped.add(current);
      return true;
    }
    return false;
  }

  /** Forgets mentions whose text left the page, so nothing is kept alive by
   * a page that replaces its content for hours; returns an element beside
   * the rest of each mention the page took only part of, to highlight
   * again there. */
  forgetDetached() {
    for (const element of this.hiddenSkipped) if (!element.isConnected) this.hiddenSkipped.delete(element);
    for (const element of this.undefinedElements) if (!element.isConnected) this.undefinedElements.delete(element);
    for (const scope of this.enteredScopes) if (scopeGone(scope)) this.enteredScopes.delete(scope);
    this.releaseGoneScopes();
    const partly = [];
    // Every incremental pass checks every mention: no array per mention.
    const gone = this.current.filter((mention) => {
      const pieces = this.mode === 'paint' ? mention.paintedNodes ?? [] : mention.elements;
      let left = 0;
      let first = null;
      for (const piece of pieces) {
        if (!piece.isConnected) continue;
        left += 1;
        first ??= piece;
      }
      if (left > 0 && left < pieces.length) partly.push(first.parentElement);
      // Painted, a mention goes with any of its text; wrapped, with the
      // last of its wrappers (the others go with its block's next pass).
      return this.mode === 'paint' ? left < pieces.length : left === 0;
    });
    if (gone.length === 0) return partly;
    const goneSet = new Set(gone);
    this.current = this.current.filter((mention) => !goneSet.has(mention));
    // A card stays open for as long as the pointer stays still: over the
    // new story of a page that swapped its article, say.
    for (const cards of this.cards.values()) if (goneSet.has(cards.mention)) cards.close({ restoreFocus: false });
    if (this.mode === 'paint') this.painter.remove(gone);
    // A record whose text nodes the page merged away (normalize()) still
    // owns its wrappers while any is in the page: dropped, they would
    // outlive clear().
    else this.records = this.records.filter((record) => record.anchor.isConnected || record.node.isConnected || record.created.some((part) => part.nodeType === 1 && part.isConnected));
    return partly;
  }

  /**
   * Wrap mode, before an incremental pass: the blocks among `roots` that
   * need it. With `maySettle` (the changes were edits only), a block is
   * left out when another highlighter's wrappers are there, the text this
   * one reads there (theirs skipped, its own read through) is what its
   * last pass there read, and each of its own wrappers there is one it
   * made. Another highlighter wrapping or unwrapping its names changes no
   * text; if each marked a block again for every change the other made
   * there, two that observe, one inside the other (a widget in a page an
   * extension marks), would do so back and forth for ever.
   *
   * The text of each block that needs the pass is kept for the next
   * check, taken before the pass changes anything: a change the page or
   * the other highlighter makes while it runs then makes the next pass
   * differ from it, never look settled.
   */
  unsettledBlocks(roots, maySettle) {
    let own = null;
    return roots.filter((block) => {
      if (!block.isConnected || !this.holdsOthersWrappers(block)) {
        this.blockTexts.delete(block);
        return true;
      }
      own ??= wrappersOf(this.records);
      const text = this.textAsRead(block, own);
      if (maySettle && text === this.blockTexts.get(block) && this.ownsAllWrappersIn(block, own)) return false;
      this.blockTexts.set(block, text);
      return true;
    });
  }

  /** Whether each wrapper with this highlighter's token in `block` is
   * one of `own` (not a copy the page made). */
  ownsAllWrappersIn(block, own) {
    for (const wrapper of block.querySelectorAll(`${WRAPPER_TAG}[${OWNER_ATTRIBUTE}="${this.owner}"]`)) {
      if (!own.has(wrapper)) return false;
    }
    return true;
  }

  holdsOthersWrappers(block) {
    return block.querySelector(`${WRAPPER_TAG}:not([${OWNER_ATTRIBUTE}="${this.owner}"])`) !== null;
  }

  /** `block`'s text as a pass reads it, through `own` wrappers. */
  textAsRead(block, own) {
    return extractText([block], { skipSelector: this.options.skipSelector, own }).text;
  }

  /**
   * Wrap mode: takes out, under `roots`, the copies the page made of this
   * highlighter's wrappers (a slider cloning its slides, a framework
   * copying a block), leaving their text as plain page text for the pass
   * to mark. No card, clear() or later pass knows a copy: left alone, it
   * would look like a mark, take keyboard focus as a button, and do
   * nothing. Another highlighter's wrappers carry another owner and stay.
   */
  dropCopiedWrappers(roots) {
    if (this.mode !== 'wrap') return;
    let ours = null;
    for (const root of roots) {
      for (const wrapper of root.querySelectorAll(`${WRAPPER_TAG}[${OWNER_ATTRIBUTE}="${this.owner}"]`)) {
        ours ??= wrappersOf(this.records);
        if (!ours.has(wrapper)) wrapper.replaceWith(...wrapper.childNodes);
      }
    }
  }

  /** Removes the highlighter's marks inside `roots`. */
  removeWithin(roots) {
    if (roots.length === 0) return;
    const rootSet = new Set(roots);
    // Across shadow roots and frames, as the pass that follows walks.
    const inside = (node) => insideAny(node, rootSet);
    const removed = new Set(this.current.filter((mention) => (mention.elements.length ? mention.elements : mention.paintedNodes ?? []).some(inside)));
    if (removed.size === 0) return;
    this.current = this.current.filter((mention) => !removed.has(mention));
    if (this.mode === 'paint') {
      this.painter.remove([...removed]);
      return;
    }
    const keep = [];
    const undo = [];
    for (const record of this.records) (inside(record.anchor) || inside(record.node) || record.created.some((part) => part.nodeType === 1 && inside(part)) ? undo : keep).push(record);
    unwrap(undo);
    this.records = keep;
  }

  // --- keyboard focus across re-wrapping -------------------------------------------

  /** Where keyboard focus is, when it is on one of `records`' wrappers
   * (placeOf), for focusAgain() once that text is wrapped anew: a focused
   * element taken out of the page leaves focus on the body, and a keyboard
   * reader back at the top of the page. */
  focusedPlace(records) {
    if (this.mode !== 'wrap' || records.length === 0) return null;
    const doc = this.options.root.ownerDocument;
    let active = doc.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const place = active?.tagName === WRAPPER_TAG.toUpperCase() ? placeOf(records, active) : null;
    if (!place) return null;
    // Focus falls to the body when the wrapper goes, as it does when the
    // reader clicks plain text: input until focusAgain means the reader
    // has moved on.
    const movedOn = () => { place.movedOn = true; };
    const types = ['pointerdown', 'keydown'];
    for (const type of types) doc.addEventListener(type, movedOn, { capture: true, once: true });
    place.stopWatching = () => {
      for (const type of types) doc.removeEventListener(type, movedOn, { capture: true });
    };
    return place;
  }

  /** Focuses the mention now at `place`, unless focus has gone somewhere
   * else meanwhile (the reader moved on) or the text there is no longer a
   * mention. */
  focusAgain(place) {
    if (!place) return;
    place.stopWatching();
    if (place.movedOn || this.destroyed) return;
    const doc = this.options.root.ownerDocument;
    const active = doc.activeElement;
    if (active && active !== doc.body && active.isConnected) return;
    // Only a mention's first wrapper is in the tab order; a piece the page
    // moved may sit in anything, which is not ours to focus.
    const mention = this.byElement.get(wrapperAt(this.records, place));
    const target = mention?.elements.find((element) => element.hasAttribute('tabindex'));
    if (!target) return;
    // Focus opens a card; the reader had it closed, or it closed with the
    // old wrapper.
    const cards = this.cards.get(target.ownerDocument);
    if (cards) cards.refocusing = true;
    try {
      target.focus({ preventScroll: true });
    } finally {
      if (cards) cards.refocusing = false;
    }
  }

  // --- clearing ----------------------------------------------------------------

  clear() {
    this.clears += 1;
    this.clearNow();
  }

  /** Takes every mark off, or with `keepShown` leaves those shown for the
   * full pass about to begin to retire (retireShown). */
  clearNow(keepShown = false) {
    this.epoch += 1;
    this.stopObserving();
    for (const cards of this.cards.values()) cards.removeHost();
    this.retiring = keepShown;
    this.blockTexts = new WeakMap();
    if (!keepShown) {
      unwrap(this.records);
      this.painter?.clear();
    }
    this.current = [];
  }

  /** Takes off the marks a full pass kept shown (clearNow), if it still
   * has them, and returns the ms that took; the pass's walk, `extracted`,
   * went into their wrappers and is brought up to date (unwrapWalked), or
   * null when, with them out, it no longer matches the page. The
   * page's moves have been noted before (textUnchanged); the changes made
   * here are the highlighter's own, which the pass's watch for them does
   * not see. */
  retireShown(extracted = null) {
    if (!this.retiring) return 0;
    this.retiring = false;
    const began = performance.now();
    // A card opened on an old mark meanwhile would outlive it.
    for (const cards of this.cards.values()) cards.removeHost();
    if (this.painter) {
      // A new painter for the pass, the old one's paint shown until the new
      // one publishes its first ranges: a pass of several slices used to
      // leave frames without paint between them.
      this.painter = new Painter(this.painter);
      return performance.now() - began;
    }
    if (this.records.length === 0) return 0;
    this.retiredFocus = this.focusedPlace(this.records);
    // The page's changes so far are noted; the unwrapping's records, the
    // highlighter's own, are then dropped.
    this.takePageRecords();
    if (!extracted) {
      unwrap(this.records);
      this.observer?.takeRecords();
      return performance.now() - began;
    }
    // Unwatched meanwhile: a record for each of its thousands of changes on
    // a large page would cost more than the changes.
    const moves = extracted.passMoves;
    moves?.disconnect();
    const current = unwrapWalked(this.records, extracted);
    extracted.rewrapping = true;
    this.observer?.takeRecords();
    for (const target of moves?.targets ?? []) moves.watch(target);
    return current ? performance.now() - began : null;
  }

  destroy() {
    // A second call must not free the WASM engine again ("null pointer
    // passed to rust").
    if (this.destroyed) return;
    this.clearNow();
    this.destroyed = true;
    for (const cards of this.cards.values()) cards.destroy();
    this.cards.clear();
    for (const release of this.styleReleases.values()) release();
    this.styleReleases.clear();
    this.earlyStyles?.();
    this.earlyStyles = null;
    if (this.ownsMatcher) this.matcher.free?.();
  }
}
