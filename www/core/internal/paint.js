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
    for (const { view, type, range } of staged) this.highlightFor(view, type).add(range);
    for (const [view, groups] of this.highlights) {
      for (const [group, highlight] of groups) {
        if (view.CSS.highlights.get(HIGHLIGHT_PREFIX + group) !== highlight) view.CSS.highlights.set(HIGHLIGHT_PREFIX + group, highlight);
      }
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

  clear() {
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
