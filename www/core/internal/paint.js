// The non-destructive mode: mentions are painted with the CSS Custom
// Highlight API (`CSS.highlights`), so the page's DOM is not changed at
// all and pages whose DOM a framework owns (React, Vue) keep working.
//
// There are no elements to receive events, so the mention under the
// pointer is found by hit-testing: the caret position under the point
// (`caretPositionFromPoint`) gives a text node and offset, an index from
// text node to mention pieces gives the candidate, and the range's client
// rectangles confirm the point is really on its text.

const GROUPS = {
  person: 'person',
  country: 'place', city: 'place', region: 'place',
  organisation: 'organisation', media: 'organisation',
  agreement: 'other', event: 'other', route: 'other',
};
const HIGHLIGHT_PREFIX = 'entity-highlighter-';
/**
 * Chromium lays out every range of every registered highlight again on the
 * frame after any of them changes, about 9 µs a range here: 12,000 mentions
 * of a 1 MB page cost one 110 ms frame, and every later change the same.
 * Up to this many ranges all are registered; beyond it, only those in
 * elements near the viewport (IntersectionObserver), so a frame costs what
 * can be seen, whatever the page's length.
 */
const REGISTER_ALL_UP_TO = 2000;
/**
 * Any change to the registered highlights also costs the next frame time
 * that grows with the page (30-50 ms on a 1 MB page, however few ranges
 * change), so the registry is changed in batches rather than as each
 * element crosses a line. Ranges are wanted within a screen and a half of
 * the viewport (NEAR_VIEWPORT); those that became wanted (or unwanted) wait
 * until one of them comes within a quarter screen (SOON_VISIBLE), and all
 * go in one change: about one change per screen scrolled, not one per
 * frame, which had made scrolling a 1 MB page run at 20-30 frames a second.
 * Where the browser has it, the margins are a scrollMargin, which widens
 * the viewport and every element that scrolls on the way: a rootMargin
 * widens only the viewport, so in a page whose content scrolls inside an
 * element (an app shell) text came into view unpainted. (Both at once add
 * up, in Chromium 156, for the window.)
 */
const NEAR_VIEWPORT = '150% 0px 150% 0px';
const SOON_VISIBLE = '25% 0px 25% 0px';
/**
 * The near watcher's reports come at most this often: working out where
 * thousands of elements are on every frame of a scroll cost a 1 MB page
 * a few milliseconds a frame, and the near margin is wide enough to wait.
 * (Its first report of an element comes at once.)
 */
const NEAR_REPORT_MS = 100;
/** Unwanted ranges also go when this long passes without a change. */
const SETTLE_MS = 400;
/** The longest a predecessor's paint waits, after publish(), for the near
 * watcher to place every new range's element (see publish()). */
const HANDOVER_MS = 300;

const PAINT_CSS = `
::highlight(entity-highlighter-person) { background-color: rgb(37 99 235 / 0.16); text-decoration: underline 2px rgb(37 99 235 / 0.75); }
::highlight(entity-highlighter-place) { background-color: rgb(5 150 105 / 0.16); text-decoration: underline 2px rgb(5 150 105 / 0.8); }
::highlight(entity-highlighter-organisation) { background-color: rgb(217 119 6 / 0.16); text-decoration: underline 2px rgb(217 119 6 / 0.85); }
::highlight(entity-highlighter-other) { background-color: rgb(147 51 234 / 0.16); text-decoration: underline 2px rgb(147 51 234 / 0.75); }
::highlight(entity-highlighter-open) { background-color: rgb(71 85 105 / 0.24); }
::highlight(entity-highlighter-stepped) { background-color: #facc15; color: #111111; text-decoration: underline 2px #111111; }
`;

/** Whether this browser paints highlights (Chrome 105+, Safari 17.2+,
 * Firefox 140+). */
export function paintSupported(view = globalThis) {
  return typeof view.Highlight === 'function' && Boolean(view.CSS?.highlights);
}

export const paintCss = PAINT_CSS;

/**
 * The key under which a mention holds the StaticRanges that paint it (a
 * symbol, so no part of its public shape; a WeakMap cost more per
 * mention). Painting holds StaticRanges, not live Ranges: Chromium
 * updates every live Range of a document on each change to its text, so
 * the 7,200 of a 1 MB page painted with the bundled dictionary made 4,000
 * of the page's own text edits take 450-660 ms instead of 62-71 (side by
 * side; the pass itself took the same time). What a static range cannot
 * do by itself is done around it: boxes come from a live Range made for
 * the moment (liveRange), and the page's edits are followed by the
 * painter (followEdits).
 */
export const PAINTED = Symbol('painted ranges');

/** A live Range over `bounds` (a StaticRange) as the text stands now: an
 * offset past the end of a node that has since shrunk is taken as its end. */
function liveRange(bounds) {
  const { startContainer, endContainer } = bounds;
  const range = startContainer.ownerDocument.createRange();
  const clamp = (node, offset) => Math.min(offset, node.nodeType === Node.TEXT_NODE ? node.length : node.childNodes.length);
  range.setStart(startContainer, clamp(startContainer, bounds.startOffset));
  range.setEnd(endContainer, clamp(endContainer, bounds.endOffset));
  return range;
}

/** `mention.ranges`, read by the card and by embedders: live Ranges made at
 * each read, so that only the ranges someone holds are live; undefined for
 * a mention never painted. */
export function rangesOf(mention) {
  return mention[PAINTED]?.map(liveRange);
}

/** Priorities of the marks above the paint: the mention whose card is
 * open, then the one the keyboard stepped to. */
const MARK_PRIORITY = { open: 1, stepped: 2 };

/** Marks a painted mention above the paint (see CardController): `which`
 * is 'open' (its card is open, as a wrapper darkens) or 'stepped' (the
 * keyboard stepped to it); with null, that mark goes. A mention never
 * painted (wrap mode) gets none. */
export function markPainted(doc, which, mention) {
  const registry = doc.defaultView?.CSS?.highlights;
  if (!registry) return;
  const name = `${HIGHLIGHT_PREFIX}${which}`;
  const ranges = mention ? rangesOf(mention) : undefined;
  if (!ranges?.length) {
    registry.delete(name);
    return;
  }
  const highlight = new doc.defaultView.Highlight(...ranges);
  highlight.priority = MARK_PRIORITY[which];
  registry.set(name, highlight);
}

export class Painter {
  /** `predecessor`: the painter of the pass before, whose paint stays
   * shown until this one's first publish() (or endPass()) takes its place
   * in one task, so that highlighting again never shows a frame without
   * paint between the slices of a pass. */
  constructor(predecessor = null) {
    this.predecessor = predecessor;
    /** Text node → [{ node, from, to, mention }] */
    this.piecesByNode = new Map();
    /** Window → Map(group → Highlight) */
    this.highlights = new Map();
    /** Ranges added but not yet shown, while all are registered: see
     * publish(). */
    this.staged = [];
    /** How many ranges this painter holds, registered, staged or
     * watched. */
    this.rangeCount = 0;
    /** Range → entry, for every range while all are registered. */
    this.registered = new Map();
    /** Set once there are too many ranges to register them all. */
    this.nearViewportOnly = false;
    /** Element → its ranges' entries, while only near ones are registered.
     * An entry is { view, type, range, shown, target } (see prepare). */
    this.entriesByTarget = new Map();
    /** Range → its entry, while under watch. */
    this.entryOf = new WeakMap();
    /** Element → whether the near watcher last reported it within
     * NEAR_VIEWPORT (absent until its first report). */
    this.nearness = new Map();
    /** Elements with an entry whose `shown` is not what its element's
     * nearness wants: the next flush() settles them. */
    this.unsettled = new Set();
    /** Window → { near, soon }: its two IntersectionObservers. */
    this.watchers = new Map();
    this.settleTimer = 0;
    this.handoverTimer = 0;
    /** Set from expect() to publish(): see expect(). */
    this.passOpen = false;
    /** Scope (Document or ShadowRoot) → the MutationObserver that keeps
     * its paint on the words through in-place edits (followEdits). */
    this.editWatchers = new Map();
  }

  /**
   * Keeps the paint of `scope` on its words when the page edits a painted
   * text node in place (a framework setting `nodeValue`, a script calling
   * `insertData`), as a live Range would: a StaticRange keeps its offsets.
   * Each edit is taken as one replaced stretch (what the text before and
   * after have in common at either end stays): mentions before it stay,
   * those after it move by the change in length, and one it touches loses
   * its paint, since its text is no longer the name (with `observe`, the
   * incremental pass finds it again). Records arrive before the next frame
   * is drawn, so no frame shows paint on the wrong words.
   */
  followEdits(scope) {
    if (this.editWatchers.has(scope)) return;
    const view = (scope.ownerDocument ?? scope).defaultView;
    if (!view) return;
    const watcher = new view.MutationObserver((records) => this.onEdits(records));
    watcher.observe(scope, { characterData: true, characterDataOldValue: true, subtree: true });
    this.editWatchers.set(scope, watcher);
  }

  /** Stops following edits in `scope`, which the page has taken away. */
  unfollow(scope) {
    this.editWatchers.get(scope)?.disconnect();
    this.editWatchers.delete(scope);
  }

  onEdits(records) {
    // Each painted node's values in order: the one before each edit, then
    // the one it holds now.
    const values = new Map();
    for (const record of records) {
      const node = record.target;
      if (!this.piecesByNode.has(node)) continue;
      if (!values.has(node)) values.set(node, []);
      values.get(node).push(record.oldValue ?? '');
    }
    if (values.size === 0) return;
    // Mention → its pieces where the text now is, or null once an edit
    // touched it; only mentions that moved or lost their text are here (an
    // edit after every mention of its node moves none).
    const moved = new Map();
    for (const [node, before] of values) {
      const steps = [...before, node.data];
      const edits = [];
      for (let i = 0; i + 1 < steps.length; i++) {
        if (steps[i] !== steps[i + 1]) edits.push(replacedStretch(steps[i], steps[i + 1]));
      }
      for (const piece of this.piecesByNode.get(node)) {
        const { mention } = piece;
        if (moved.get(mention) === null) continue;
        const nodes = mention.paintedNodes;
        // Where a mention goes on into another node, an edit at that edge
        // lands inside it.
        const inner = { start: nodes[0] !== node, end: nodes[nodes.length - 1] !== node };
        let { from, to } = piece;
        for (const edit of edits) {
          [from, to] = throughEdit(edit, from, to, inner);
          if (from === null) break;
        }
        if (from === piece.from && to === piece.to) continue;
        if (from === null) {
          moved.set(mention, null);
          continue;
        }
        if (!moved.has(mention)) moved.set(mention, this.piecesOf(mention, piece));
        const mine = moved.get(mention).find((candidate) => candidate.node === node);
        mine.from = from;
        mine.to = to;
      }
    }
    if (moved.size === 0) return;
    const changed = [...moved.keys()];
    // Under watch, an element whose ranges all go is forgotten by the near
    // watcher, which would report it again only after a frame drawn
    // without its paint: what it last said is kept for the new ranges.
    const nearBefore = new Map();
    for (const mention of changed) {
      for (const range of mention[PAINTED] ?? []) {
        const target = this.entryOf.get(range)?.target;
        if (target && this.nearness.has(target)) nearBefore.set(target, this.nearness.get(target));
      }
    }
    const droppedNodes = new Map(changed.filter((mention) => moved.get(mention) === null).map((mention) => [mention, mention.paintedNodes]));
    this.remove(changed);
    // A mention whose text an edit touched keeps its nodes, so that the
    // highlighter finds it by them (incremental passes, forgetting
    // mentions whose text left the page).
    for (const [mention, nodes] of droppedNodes) mention.paintedNodes = nodes;
    const stagedBefore = this.staged.length;
    const added = [];
    for (const mention of changed) {
      const pieces = moved.get(mention);
      if (!pieces) continue;
      this.add(mention, pieces);
      added.push(...mention[PAINTED]);
    }
    for (const [target, near] of nearBefore) {
      if (!this.nearness.has(target) && this.entriesByTarget.has(target)) this.nearness.set(target, near);
    }
    // Shown at once, even during a pass (which would otherwise hold them
    // back until its end): they were on screen a moment ago.
    if (this.nearViewportOnly) {
      this.settle(new Set(added.map((range) => this.entryOf.get(range)?.target).filter(Boolean)));
    } else {
      this.register(this.staged.splice(stagedBefore));
    }
    this.setRegistry();
  }

  /** The pieces `{ node, from, to }` `mention` is painted on, in order;
   * `known` is its piece in one node, found already. */
  piecesOf(mention, known) {
    return mention.paintedNodes.map((node) => {
      const { from, to } = node === known.node ? known : this.piecesByNode.get(node).find((piece) => piece.mention === mention);
      return { node, from, to };
    });
  }

  highlightFor(view, type) {
    let groups = this.highlights.get(view);
    if (!groups) this.highlights.set(view, (groups = new Map()));
    const group = GROUPS[type] ?? 'other';
    let highlight = groups.get(group);
    if (!highlight) {
      highlight = new view.Highlight();
      groups.set(group, highlight);
    }
    return highlight;
  }

  /**
   * Says that `count` more ranges are about to be added. Past
   * REGISTER_ALL_UP_TO, ranges are put under watch as they are added, in
   * the pass's slices, rather than all at its end: for 12,600 ranges that
   * was one task of 23-120 ms.
   */
  expect(count) {
    if (!this.nearViewportOnly && this.rangeCount + count > REGISTER_ALL_UP_TO) this.watchAll();
    // Until publish(), ranges wanted near the viewport wait: registering
    // them slice by slice would change the registry once per slice.
    this.passOpen = true;
  }

  /** Ends a pass that will not publish (it failed): ranges under watch
   * are registered as their elements come near again. */
  endPass() {
    this.passOpen = false;
    this.retirePredecessor();
    this.flush();
  }

  /** Takes the pass before's paint off; the caller then sets the
   * registry in the same task. */
  retirePredecessor() {
    clearTimeout(this.handoverTimer);
    if (!this.predecessor) return;
    this.predecessor.clear();
    this.predecessor = null;
  }

  /** Whether the near watcher has reported every element watched. */
  allPlaced() {
    for (const target of this.entriesByTarget.keys()) if (!this.nearness.has(target)) return false;
    return true;
  }

  /** The predecessor's paint gives way to this painter's, in one task. */
  handOver() {
    this.retirePredecessor();
    this.flush();
    this.setRegistry();
  }

  /** From now on only near ranges are registered: those registered so far
   * stay so until their elements are found far away, and go under watch
   * with those staged. */
  watchAll() {
    this.nearViewportOnly = true;
    for (const entry of this.registered.values()) {
      entry.shown = true;
      this.watch(entry);
    }
    this.registered.clear();
    const staged = this.staged;
    this.staged = [];
    for (const entry of staged) this.watch(entry);
  }

  /**
   * Shows the mentions added since the last call. Chromium redoes every
   * range of a registered highlight on the next frame after any change to
   * it; adding ranges slice by slice would pay that once per slice
   * (quadratic on a page with thousands of mentions), so a pass stages its
   * ranges and adds them all in one task at its end. Under watch, the
   * ranges wanted near the viewport are added then.
   */
  publish() {
    this.passOpen = false;
    if (!this.nearViewportOnly && this.rangeCount > REGISTER_ALL_UP_TO) this.watchAll();
    if (this.nearViewportOnly) {
      // Under watch, a range is shown once the near watcher has placed its
      // element, a frame or two after it was added: the pass before's paint
      // stays until every element of this one has been placed, or for
      // HANDOVER_MS at most.
      if (this.predecessor && !this.allPlaced()) {
        this.handoverTimer = setTimeout(() => this.handOver(), HANDOVER_MS);
      } else {
        this.retirePredecessor();
      }
      this.flush();
      this.setRegistry();
      return;
    }
    this.retirePredecessor();
    this.register(this.staged);
    this.staged = [];
    this.setRegistry();
  }

  /** Adds `entries`' ranges to their highlights, while all are registered
   * (the registry itself is set by the caller). */
  register(entries) {
    for (const entry of entries) {
      this.highlightFor(entry.view, entry.type).add(entry.range);
      entry.shown = true;
      this.registered.set(entry.range, entry);
    }
  }

  /** Puts each group's Highlight in its window's CSS.highlights. */
  setRegistry() {
    // The names are the predecessor's until publish() or endPass().
    if (this.predecessor) return;
    for (const [view, groups] of this.highlights) {
      for (const [group, highlight] of groups) {
        if (view.CSS.highlights.get(HIGHLIGHT_PREFIX + group) !== highlight) view.CSS.highlights.set(HIGHLIGHT_PREFIX + group, highlight);
      }
    }
  }

  /** Registers `entry`'s range whenever the element holding its start is
   * near the viewport. */
  watch(entry) {
    const { view, range, target } = entry;
    if (!target) return;
    this.entryOf.set(range, entry);
    let entries = this.entriesByTarget.get(target);
    if (!entries) {
      this.entriesByTarget.set(target, (entries = new Set()));
      this.watchersOf(view).near.observe(target);
    } else if (this.nearness.has(target) && this.nearness.get(target) !== entry.shown) {
      this.unsettle(target, view);
    }
    entries.add(entry);
  }

  watchersOf(view) {
    let watchers = this.watchers.get(view);
    if (!watchers) {
      watchers = {
        near: new view.IntersectionObserver((changes) => this.onNear(view, changes), { ...margin(view, NEAR_VIEWPORT), delay: NEAR_REPORT_MS }),
        soon: new view.IntersectionObserver((changes) => this.onSoon(changes), margin(view, SOON_VISIBLE)),
      };
      this.watchers.set(view, watchers);
    }
    return watchers;
  }

  /** Marks `target` for the next flush, which comes as soon as it is about
   * to be seen. */
  unsettle(target, view) {
    if (this.unsettled.has(target)) return;
    this.unsettled.add(target);
    this.watchersOf(view).soon.observe(target);
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.flush(), SETTLE_MS);
  }

  onNear(view, changes) {
    for (const change of changes) {
      const { target } = change;
      const entries = this.entriesByTarget.get(target);
      if (!entries) continue;
      const near = change.isIntersecting || isBoxless(change);
      this.nearness.set(target, near);
      // On a long page most reports are of far elements with nothing
      // registered: a look at their one or two entries settles them.
      for (const entry of entries) {
        if (entry.shown !== near) {
          this.unsettle(target, view);
          break;
        }
      }
    }
    // After publish() (passOpen is set until then), the last element
    // placed hands the registry over.
    if (this.predecessor && !this.passOpen && this.allPlaced()) this.handOver();
  }

  onSoon(changes) {
    if (changes.some((change) => change.isIntersecting || isBoxless(change))) this.flush();
  }

  /** Brings every unsettled element's ranges in line with its nearness,
   * in one change of the registry. */
  flush() {
    clearTimeout(this.settleTimer);
    if (this.unsettled.size === 0 || this.passOpen) return;
    this.settle(this.unsettled);
    this.unsettled.clear();
    this.setRegistry();
  }

  /** Registers or unregisters the ranges of each of `targets` as its
   * nearness wants (the registry itself is set by the caller). */
  settle(targets) {
    for (const target of targets) {
      // An element not yet reported is left as it is: its first report
      // unsettles it again if need be.
      const near = this.nearness.get(target);
      for (const entry of near === undefined ? [] : this.entriesByTarget.get(target) ?? []) {
        if (entry.shown === near) continue;
        const highlight = this.highlightFor(entry.view, entry.type);
        if (near) highlight.add(entry.range);
        else highlight.delete(entry.range);
        entry.shown = near;
      }
      for (const { soon } of this.watchers.values()) soon.unobserve(target);
      if (targets !== this.unsettled) this.unsettled.delete(target);
    }
  }

  /**
   * The range that paints `mention` and what the painter keeps with it,
   * registering nothing: a pass makes them while a worker searches the
   * rest of the text, and add() takes them (unless the page has moved
   * nodes meanwhile, when a node may be in another element, or document).
   */
  static prepare(pieces) {
    const first = pieces[0];
    const last = pieces[pieces.length - 1];
    const view = first.node.ownerDocument.defaultView;
    const range = new view.StaticRange({ startContainer: first.node, startOffset: first.from, endContainer: last.node, endOffset: last.to });
    return { view, type: null, range, shown: false, target: null };
  }

  /** Paints `mention`, whose pieces are `[{ node, from, to }]` in order,
   * with the range `prepared` for them when given. */
  add(mention, pieces, prepared = null) {
    const entry = prepared ?? Painter.prepare(pieces);
    const { range } = entry;
    entry.type = mention.entity.type;
    // The element whose box holds the text, watched for it (one with
    // `display: contents` has none and is never reported as intersecting,
    // so it is reported with an empty rectangle and its ranges stay
    // registered).
    entry.target = pieces[0].node.parentElement;
    mention[PAINTED] = [range];
    this.rangeCount += 1;
    if (this.nearViewportOnly) this.watch(entry);
    else this.staged.push(entry);
    for (const { node, from, to } of pieces) {
      let list = this.piecesByNode.get(node);
      if (!list) this.piecesByNode.set(node, (list = []));
      list.push({ node, from, to, mention });
    }
    mention.paintedNodes = pieces.map((piece) => piece.node);
  }

  /** Removes the given mentions' paint. */
  remove(mentions) {
    const ranges = new Set();
    const nodes = new Set();
    for (const mention of mentions) {
      for (const range of mention[PAINTED] ?? []) {
        ranges.add(range);
        const view = range.startContainer.ownerDocument?.defaultView;
        const groups = view && this.highlights.get(view);
        groups?.get(GROUPS[mention.entity.type] ?? 'other')?.delete(range);
        this.rangeCount -= 1;
        this.unwatch(range, view);
      }
      for (const node of mention.paintedNodes ?? []) nodes.add(node);
      mention[PAINTED] = [];
      mention.paintedNodes = [];
    }
    if (this.staged.length > 0 && ranges.size > 0) this.staged = this.staged.filter((entry) => !ranges.has(entry.range));
    // One pass over each node's pieces, whatever the number of mentions
    // removed from it.
    const gone = new Set(mentions);
    for (const node of nodes) {
      const list = this.piecesByNode.get(node);
      if (!list) continue;
      const kept = list.filter((piece) => !gone.has(piece.mention));
      if (kept.length) this.piecesByNode.set(node, kept);
      else this.piecesByNode.delete(node);
    }
  }

  unwatch(range, view) {
    this.registered.delete(range);
    const entry = this.entryOf.get(range);
    const target = entry?.target;
    const entries = target && this.entriesByTarget.get(target);
    if (!entries) return;
    entries.delete(entry);
    if (entries.size === 0) {
      this.entriesByTarget.delete(target);
      this.nearness.delete(target);
      this.unsettled.delete(target);
      const watchers = this.watchers.get(view);
      watchers?.near.unobserve(target);
      watchers?.soon.unobserve(target);
    }
  }

  clear() {
    for (const watcher of this.editWatchers.values()) watcher.disconnect();
    this.editWatchers.clear();
    for (const { near, soon } of this.watchers.values()) {
      near.disconnect();
      soon.disconnect();
    }
    this.watchers.clear();
    clearTimeout(this.settleTimer);
    this.entriesByTarget.clear();
    this.nearness.clear();
    this.unsettled.clear();
    this.registered.clear();
    this.nearViewportOnly = false;
    this.passOpen = false;
    this.rangeCount = 0;
    this.retirePredecessor();
    // Only names that hold this painter's own Highlights: a successor may
    // have set its own under the same names.
    for (const [view, groups] of this.highlights) {
      for (const [group, highlight] of groups) {
        if (view.CSS?.highlights?.get(HIGHLIGHT_PREFIX + group) === highlight) view.CSS.highlights.delete(HIGHLIGHT_PREFIX + group);
      }
    }
    this.highlights.clear();
    this.piecesByNode.clear();
    this.staged = [];
  }

  /** The painted mention at viewport point (x, y) of `doc`, or null. */
  hit(doc, x, y, shadowRoots) {
    let node = null;
    let offset = 0;
    if (typeof doc.caretPositionFromPoint === 'function') {
      const position = doc.caretPositionFromPoint(x, y, { shadowRoots });
      if (position) ({ offsetNode: node, offset } = position);
    } else if (typeof doc.caretRangeFromPoint === 'function') {
      const range = doc.caretRangeFromPoint(x, y);
      if (range) ({ startContainer: node, startOffset: offset } = range);
    }
    const pieces = node && this.piecesByNode.get(node);
    if (!pieces) return null;
    for (const { from, to, mention } of pieces) {
      if (offset < from || offset > to) continue;
      // The caret snaps to the nearest character even beside the text;
      // only a point on the mention's own boxes counts.
      for (const range of rangesOf(mention) ?? []) {
        for (const rect of range.getClientRects()) {
          if (x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.top - 1 && y <= rect.bottom + 1) return mention;
        }
      }
    }
    return null;
  }
}

/**
 * One edit of a text node's data from `before` to `after`, taken as one
 * replaced stretch: the longest common start and end stay. Returns where
 * the stretch began (`head`) and ended (`end`) in `before`, and the change
 * in length.
 */
function replacedStretch(before, after) {
  const most = Math.min(before.length, after.length);
  let head = 0;
  while (head < most && before.charCodeAt(head) === after.charCodeAt(head)) head++;
  let tail = 0;
  while (tail < most - head && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { head, end: before.length - tail, shift: after.length - before.length };
}

/**
 * A piece `[from, to)` of a text node after `edit` (replacedStretch):
 * unchanged before the stretch, moved after it, and `[null, null]` when the
 * stretch touches it. An edge where the mention goes on into another node
 * (`inner.start`, `inner.end`) counts as inside: text put there would land
 * in the mention.
 */
function throughEdit({ head, end, shift }, from, to, inner) {
  if (to < head || (to === head && !inner.end)) return [from, to];
  if (from > end || (from === end && !inner.start)) return [from + shift, to + shift];
  return [null, null];
}

/** IntersectionObserver options that widen what counts as visible by
 * `margin`: as a scrollMargin where `view` has it (see NEAR_VIEWPORT). */
function margin(view, widening) {
  return 'scrollMargin' in view.IntersectionObserver.prototype ? { scrollMargin: widening } : { rootMargin: widening };
}

/** Whether an IntersectionObserver report is of an element with no box of
 * its own (`display: contents`), which is never reported as intersecting:
 * its ranges are treated as near. */
function isBoxless(change) {
  const { width, height } = change.boundingClientRect;
  return width === 0 && height === 0;
}
