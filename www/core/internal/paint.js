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
/** How far beyond the viewport ranges stay registered: one screen each way,
 * so scrolling shows them already painted. */
const NEAR_VIEWPORT = '100% 0px 100% 0px';

const PAINT_CSS = `
::highlight(entity-highlighter-person) { background-color: rgb(37 99 235 / 0.16); text-decoration: underline 2px rgb(37 99 235 / 0.75); }
::highlight(entity-highlighter-place) { background-color: rgb(5 150 105 / 0.16); text-decoration: underline 2px rgb(5 150 105 / 0.8); }
::highlight(entity-highlighter-organisation) { background-color: rgb(217 119 6 / 0.16); text-decoration: underline 2px rgb(217 119 6 / 0.85); }
::highlight(entity-highlighter-other) { background-color: rgb(147 51 234 / 0.16); text-decoration: underline 2px rgb(147 51 234 / 0.75); }
`;

/** Whether this browser paints highlights (Chrome 105+, Safari 17.2+,
 * Firefox 140+). */
export function paintSupported(view = globalThis) {
  return typeof view.Highlight === 'function' && Boolean(view.CSS?.highlights);
}

export const paintCss = PAINT_CSS;

export class Painter {
  constructor() {
    /** Text node → [{ from, to, mention }] */
    this.piecesByNode = new Map();
    /** Window → Map(group → Highlight) */
    this.highlights = new Map();
    /** Ranges added but not yet shown: see publish(). */
    this.staged = [];
    /** How many ranges this painter holds, registered or not. */
    this.rangeCount = 0;
    /** Range → entry, for every range while all are registered. */
    this.registered = new Map();
    /** Set once there are too many ranges to register them all. */
    this.nearViewportOnly = false;
    /** Element → its ranges' entries, while only near ones are registered. */
    this.entriesByTarget = new Map();
    /** Range → the element watched for it. */
    this.targetOf = new WeakMap();
    /** Window → its IntersectionObserver. */
    this.watchers = new Map();
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
   * Shows the mentions added since the last call. Chromium redoes every
   * range of a registered highlight on the next frame after any change to
   * it; adding ranges slice by slice would pay that once per slice
   * (quadratic on a page with thousands of mentions), so a pass stages its
   * ranges and adds them all in one task at its end.
   */
  publish() {
    const staged = this.staged;
    this.staged = [];
    this.rangeCount += staged.length;
    if (!this.nearViewportOnly && this.rangeCount > REGISTER_ALL_UP_TO) {
      // From now on only near ranges are registered: the ones registered
      // so far go back under watch with the new ones.
      this.nearViewportOnly = true;
      for (const groups of this.highlights.values()) {
        for (const highlight of groups.values()) highlight.clear();
      }
      staged.unshift(...this.registered.values());
      this.registered.clear();
    }
    if (this.nearViewportOnly) {
      for (const entry of staged) this.watch(entry);
    } else {
      for (const entry of staged) this.highlightFor(entry.view, entry.type).add(entry.range);
      for (const entry of staged) this.registered.set(entry.range, entry);
    }
    for (const [view, groups] of this.highlights) {
      for (const [group, highlight] of groups) {
        if (view.CSS.highlights.get(HIGHLIGHT_PREFIX + group) !== highlight) view.CSS.highlights.set(HIGHLIGHT_PREFIX + group, highlight);
      }
    }
  }

  /** Registers `entry`'s range whenever the element holding its start is
   * near the viewport. */
  watch(entry) {
    const { view, range } = entry;
    // The element whose box holds the text; one with `display: contents`
    // has none and is never reported as intersecting, so it is reported
    // with an empty rectangle and its ranges stay registered.
    const target = range.startContainer.parentElement;
    if (!target) return;
    this.targetOf.set(range, target);
    let entries = this.entriesByTarget.get(target);
    if (!entries) {
      this.entriesByTarget.set(target, (entries = new Set()));
      let watcher = this.watchers.get(view);
      if (!watcher) {
        watcher = new view.IntersectionObserver((changes) => this.onIntersection(view, changes), { rootMargin: NEAR_VIEWPORT });
        this.watchers.set(view, watcher);
      }
      watcher.observe(target);
    }
    entries.add(entry);
  }

  onIntersection(view, changes) {
    for (const change of changes) {
      const entries = this.entriesByTarget.get(change.target);
      if (!entries) continue;
      const { width, height } = change.boundingClientRect;
      const near = change.isIntersecting || (width === 0 && height === 0);
      for (const { type, range } of entries) {
        const highlight = this.highlightFor(view, type);
        if (near) highlight.add(range);
        else highlight.delete(range);
      }
    }
    const groups = this.highlights.get(view);
    for (const [group, highlight] of groups ?? []) {
      if (view.CSS.highlights.get(HIGHLIGHT_PREFIX + group) !== highlight) view.CSS.highlights.set(HIGHLIGHT_PREFIX + group, highlight);
    }
  }

  /** Paints `mention`, whose pieces are `[{ node, from, to }]` in order. */
  add(mention, pieces) {
    const first = pieces[0];
    const last = pieces[pieces.length - 1];
    const doc = first.node.ownerDocument;
    const range = doc.createRange();
    range.setStart(first.node, first.from);
    range.setEnd(last.node, last.to);
    mention.ranges = [range];
    this.staged.push({ view: doc.defaultView, type: mention.entity.type, range });
    for (const { node, from, to } of pieces) {
      let list = this.piecesByNode.get(node);
      if (!list) this.piecesByNode.set(node, (list = []));
      list.push({ from, to, mention });
    }
    mention.paintedNodes = pieces.map((piece) => piece.node);
  }

  /** Removes the given mentions' paint. */
  remove(mentions) {
    for (const mention of mentions) {
      for (const range of mention.ranges ?? []) {
        const view = range.startContainer.ownerDocument?.defaultView;
        const groups = view && this.highlights.get(view);
        groups?.get(GROUPS[mention.entity.type] ?? 'other')?.delete(range);
        this.rangeCount -= 1;
        this.unwatch(range, view);
      }
      for (const node of mention.paintedNodes ?? []) {
        const list = this.piecesByNode.get(node);
        if (!list) continue;
        const kept = list.filter((piece) => piece.mention !== mention);
        if (kept.length) this.piecesByNode.set(node, kept);
        else this.piecesByNode.delete(node);
      }
      mention.ranges = [];
      mention.paintedNodes = [];
    }
  }

  unwatch(range, view) {
    this.registered.delete(range);
    const target = this.targetOf.get(range);
    const entries = target && this.entriesByTarget.get(target);
    if (!entries) return;
    for (const entry of entries) {
      if (entry.range === range) entries.delete(entry);
    }
    if (entries.size === 0) {
      this.entriesByTarget.delete(target);
      this.watchers.get(view)?.unobserve(target);
    }
  }

  clear() {
    for (const watcher of this.watchers.values()) watcher.disconnect();
    this.watchers.clear();
    this.entriesByTarget.clear();
    this.registered.clear();
    this.nearViewportOnly = false;
    this.rangeCount = 0;
    for (const [view, groups] of this.highlights) {
      for (const group of groups.keys()) view.CSS?.highlights?.delete(HIGHLIGHT_PREFIX + group);
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
      for (const range of mention.ranges) {
        for (const rect of range.getClientRects()) {
          if (x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.top - 1 && y <= rect.bottom + 1) return mention;
        }
      }
    }
    return null;
  }
}
