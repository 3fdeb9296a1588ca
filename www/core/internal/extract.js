// Collects the text under a root into one buffer, with a map from buffer
// offsets back to text nodes.
//
// Text nodes are joined as they are, so a name matches across inline markup
// (`<b>Ilham</b> Aliyev`). Where a block boundary lies between two text
// nodes (paragraphs, list items, cells, headings, `<br>`), the buffer gets
// one BLOCK_SEPARATOR, which the matcher never matches across. Offsets are
// UTF-16 code units, as the engine reports them.

import { waitToPractise } from './practice.js';

/** U+2029 PARAGRAPH SEPARATOR; the Rust core treats it as a hard break. */
export const BLOCK_SEPARATOR = '\u2029';

/** Set on an element to keep its subtree unhighlighted ("off"); the
 * highlighter marks its own UI with the value "ui". */
export const OPT_OUT_ATTRIBUTE = 'data-entity-highlighter';

const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'BR', 'CAPTION', 'CENTER', 'DD', 'DETAILS', 'DIALOG',
  'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5',
  'H6', 'HEADER', 'HGROUP', 'HR', 'HTML', 'LEGEND', 'LI', 'MAIN', 'MENU', 'NAV', 'OL', 'P', 'PRE',
  'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
]);

// Elements whose text is not prose a reader sees, or that belong to form
// controls and embedded content.
const EXCLUDED_TAGS = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'OPTGROUP', 'BUTTON',
  'IFRAME', 'OBJECT', 'EMBED', 'CANVAS', 'VIDEO', 'AUDIO', 'MATH', 'TITLE', 'HEAD', 'ENTITY-MENTION',
]);

const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Whether `element`'s subtree is skipped: excluded kinds, opted out,
 * editable, hidden, non-HTML (SVG, MathML), or matching `skipSelector`.
 */
export function isExcluded(element, skipSelector) {
  return exclusion(element, element.tagName, skipSelector, designModeOf(element)) !== KEPT;
}

/** Whether the walk skips `element` as hidden, which the page may undo
 * (see exclusion), rather than for good. */
export function isSkippedAsHidden(element, skipSelector) {
  return exclusion(element, element.tagName, skipSelector, designModeOf(element)) === HIDDEN;
}

/** What the walk makes of an element (exclusion): kept, skipped for good
 * (its kind, the opt-out, editing, `skip`), or skipped while hidden, which
 * the page may undo (hidden, aria-hidden, no box). */
const KEPT = 0;
const EXCLUDED = 1;
const HIDDEN = 2;

/**
 * isExcluded for the walk, which has read `tag` already and knows whether
 * the document is in `designMode` (one read per walk instead of one per
 * element), and tells hidden apart from excluded. Every test is a plain
 * "or", so their order changes only the cost: DOM reads are not free (tens
 * of nanoseconds each, several hundred for checkVisibility), and most
 * elements pass them all.
 */
function exclusion(element, tag, skipSelector, designMode) {
  if (element.namespaceURI !== HTML_NS) return EXCLUDED;
  if (EXCLUDED_TAGS.has(tag)) return EXCLUDED;
  // The opt-out, `hidden`, `aria-hidden` and `contenteditable` are all
  // attributes: an element without any (half of those in a typical news
  // page) needs one read instead of four.
  if (element.hasAttributes()) {
    const optOut = element.getAttribute(OPT_OUT_ATTRIBUTE);
    if (optOut === 'off' || optOut === 'ui') return EXCLUDED;
    // isContentEditable looks at every ancestor, which makes a walk over a
    // deep tree quadratic. The walk rejects an editable subtree at its top,
    // where the attribute is (or everywhere, in a designMode document), so
    // only those elements need the full answer; a root inside an editable
    // ancestor is checked by the highlighter itself.
    if (!designMode && element.hasAttribute('contenteditable') && element.isContentEditable) return EXCLUDED;
    if (element.hidden || element.getAttribute('aria-hidden') === 'true') return HIDDEN;
  }
  if (designMode && element.isContentEditable) return EXCLUDED;
  if (skipSelector && element.matches(skipSelector)) return EXCLUDED;
  return invisible(element) ? HIDDEN : KEPT;
}

/** Whether an element the walk skipped as hidden (`hidden` in the
 * result) is still hidden: for a closed `<details>`, whether it is still
 * closed. */
export function stillHidden(element) {
  if (element.tagName === 'DETAILS' && !element.open) return true;
  return isHidden(element);
}

/** Hidden from readers: `hidden`, `aria-hidden`, `display: none`,
 * `content-visibility: hidden`, or opted out. */
function isHidden(element) {
  if (element.hidden || element.getAttribute('aria-hidden') === 'true') return true;
  const optOut = element.getAttribute(OPT_OUT_ATTRIBUTE);
  if (optOut === 'off' || optOut === 'ui') return true;
  return invisible(element);
}

/** Without a box (`display: none`, or not rendered at all) or inside
 * `content-visibility: hidden`. */
function invisible(element) {
  // Cheap once styles are computed, which any rendered page has done, yet
  // the dearest test of all (it looks up every ancestor): keep it last.
  if (typeof element.checkVisibility === 'function' && !element.checkVisibility()) {
    // `display: contents` leaves an element without a box of its own, so
    // checkVisibility() says false although its children show; they are
    // judged one by one as the walk reaches them.
    return element.ownerDocument.defaultView?.getComputedStyle(element).display !== 'contents';
  }
  return false;
}

/** The body of a same-origin iframe that has loaded, or null. */
export function frameBody(iframe) {
  try {
    const inner = iframe.contentDocument;
    return inner && inner.readyState !== 'loading' && inner.body ? inner.body : null;
  } catch {
    return null;
  }
}

/** The node above `node` as the walk goes: its parent, a shadow root's
 * host, a same-origin frame's element for its document. */
export function walkParent(node) {
  return node.parentNode ?? node.host ?? node.defaultView?.frameElement ?? null;
}

/** Sort order of two nodes as a pass walks them: document order, a
 * shadow tree where its host is and before the host's own children, a
 * frame's document where the frame is. (compareDocumentPosition alone
 * orders nodes of different trees arbitrarily.) */
export function documentOrder(a, b) {
  const outward = (node) => {
    const chain = [node];
    for (;;) {
      const scope = chain[chain.length - 1].getRootNode();
      const outer = scope.host ?? scope.defaultView?.frameElement;
      if (!outer) return chain;
      chain.push(outer);
    }
  };
  const upA = outward(a);
  const upB = outward(b);
  let i = upA.length - 1;
  let j = upB.length - 1;
  while (i > 0 && j > 0 && upA[i] === upB[j]) {
    i--;
    j--;
  }
  if (upA[i] === upB[j]) return 0;
  const position = upA[i].compareDocumentPosition(upB[j]);
  if (position & 4) return -1; // b follows a (or is inside it)
  if (position & 2) return 1;
  return 0;
}

/** Whether `node` is one of `elements` (a Set) or inside one, across
 * shadow roots and same-origin frames. */
export function insideAny(node, elements) {
  for (let up = node; up; up = walkParent(up)) {
    if (elements.has(up)) return true;
  }
  return false;
}

/** Whether `node` is an element that starts a block of its own (or a
 * `<br>`): text is never joined across it. */
export function isBlockElement(node) {
  return node.nodeType === 1 && BLOCK_TAGS.has(node.tagName);
}

/** The block element `element` belongs to (itself if it is one), at most
 * `stop`. */
export function blockAncestor(element, stop) {
  let current = element;
  while (current && current !== stop) {
    if (BLOCK_TAGS.has(current.tagName)) return current;
    current = current.parentElement;
  }
  return stop;
}

/** Nodes visited between two looks at the clock in a sliced extraction. */
const NODES_PER_CLOCK_CHECK = 256;

/**
 * Collects the text under `roots` (one element or a list of disjoint ones)
 * in steps that can stop at a deadline and resume. The walk is a plain
 * loop over firstChild/nextSibling with its own stack: a TreeWalker with a
 * JavaScript filter crosses into script for every node and was about ten
 * times slower, and an explicit stack is what lets the walk pause.
 *
 * The result, `{ text, nodes, datas, starts, scopes }`: `nodes[i]` is a Text
 * node whose data, `datas[i]` when read, starts at `starts[i]` in `text`,
 * and `scopes` holds every Document and ShadowRoot those nodes live in.
 * Open shadow roots and same-origin iframes inside a root are walked too,
 * each as a block of its own, the shadow tree before its host's light
 * children (what shows), an iframe's body where the iframe is.
 */
class TextCollector {
  constructor(roots, skipSelector, onScope, own = null) {
    this.skipSelector = skipSelector;
    this.onScope = onScope;
    /** Wrappers of an earlier pass that stay until this one shows its
     * mentions: walked as the inline elements they are, so the text is
     * the page's own (see unwrapWalked). */
    this.own = own;
    this.nodes = [];
    this.datas = [];
    this.starts = [];
    this.parts = [];
    /** How many parts are pieces takePiece() has handed out. */
    this.pieceParts = 0;
    /** Whether the last part is a block separator (a piece that ends
     * with one is not: it is joined text). */
    this.endsWithSeparator = false;
    this.scopes = new Set();
    this.length = 0;
    /** Elements skipped as hidden (exclusion), and closed <details>: what
     * the page or the reader may reveal later (`observe` watches them). */
    this.hidden = [];
    /** Every Document and ShadowRoot entered, with text or not (one still
     * empty may be filled later), and the custom elements (a tag with a
     * hyphen) met without a shadow root, which their definition, if it
     * comes later, may give one. */
    this.entered = new Set();
    this.shadowless = [];
    // One frame per root being walked: the node to visit next, and the
    // block of the last text node, which decides where separators go.
    this.frames = [];
    this.pendingRoots = (Array.isArray(roots) ? roots : [roots]).slice().reverse();
  }

  separate() {
    if (this.length > 0 && !this.endsWithSeparator) {
      this.parts.push(BLOCK_SEPARATOR);
      this.length += 1;
      this.endsWithSeparator = true;
    }
  }

  enter(root) {
    this.separate();
    const scope = root.getRootNode();
    this.entered.add(scope);
    if (this.onScope && !this.scopes.has(scope)) this.onScope(scope);
    this.frames.push({
      root,
      scope,
      next: root.firstChild,
      lastBlock: null,
      // The block of the element whose children are being walked (itself
      // if a block element, else its nearest block ancestor below the
      // root, else the root), and a stack of those of its ancestors, one
      // per level: kept as the walk descends and climbs, so a text node's
      // block is known without looking up its parents.
      block: root,
      blocks: [],
      designMode: designModeOf(root),
      // The closed <details> last entered, whose own text is hidden (visit).
      closedDetails: null,
      // Whether a text node of this frame is taken: its scope is then in
      // `scopes`, and need not be added again per text node.
      taken: false,
    });
  }

  /** Whether the walk can go on from where it paused: the page may have
   * removed or moved the node it was about to visit meanwhile. */
  canResume() {
    return this.frames.every(({ root, next }) => root.isConnected && (next === null || (next.isConnected && root.contains(next))));
  }

  /** Before resuming (canResume() said yes): the page may have moved the
   * node to visit next, or switched designMode, during the pause; the
   * blocks above that node and designMode are read again. (Within one run
   * nothing can change them: no page script runs during it.) */
  resync() {
    for (const frame of this.frames) {
      frame.designMode = designModeOf(frame.root);
      if (frame.next === null) continue;
      const ancestors = [];
      for (let up = frame.next.parentNode; up !== frame.root; up = up.parentNode) ancestors.push(up);
      let block = frame.root;
      frame.blocks = [];
      for (let i = ancestors.length - 1; i >= 0; i--) {
        frame.blocks.push(block);
        if (BLOCK_TAGS.has(ancestors[i].tagName)) block = ancestors[i];
      }
      frame.block = block;
    }
  }

  /**
   * Walks until done (true) or until `deadline` (a performance.now() time)
   * has passed or the text has reached `lengthLimit` (false). A deadline
   * of Infinity runs to the end.
   */
  run(deadline, lengthLimit = Infinity) {
    let count = 0;
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) {
        const root = this.pendingRoots.pop();
        if (root === undefined) return true;
        this.enter(root);
        continue;
      }
      const node = frame.next;
      if (node === null) {
        this.frames.pop();
        this.separate();
        continue;
      }
      if (++count % NODES_PER_CLOCK_CHECK === 0 && (this.length >= lengthLimit || performance.now() > deadline)) return false;
      frame.next = this.visit(frame, node);
    }
  }

  /** Takes in `node` and returns the node to visit after it. */
  visit(frame, node) {
    const type = node.nodeType;
    if (type === 3) {
      const data = node.data;
      if (data.length > 0 && frame.block !== frame.closedDetails) {
        const block = frame.block;
        if (block !== frame.lastBlock) {
          this.separate();
          frame.lastBlock = block;
        }
        if (!frame.taken) {
          this.scopes.add(frame.scope);
          frame.taken = true;
        }
        this.nodes.push(node);
        this.datas.push(data);
        this.starts.push(this.length);
        this.parts.push(data);
        this.length += data.length;
        this.endsWithSeparator = data === BLOCK_SEPARATOR;
      }
      return after(node, frame);
    }
    if (type !== 1) return after(node, frame);
    const tag = node.tagName;
    if (tag === 'IFRAME') {
      const body = isHidden(node) ? null : frameBody(node);
      const next = after(node, frame);
      if (body && !isExcluded(body, this.skipSelector)) {
        frame.next = next;
        this.enter(body);
      }
      return next;
    }
    const verdict = exclusion(node, tag, this.skipSelector, frame.designMode);
    if (verdict !== KEPT && !this.own?.has(node)) {
      if (verdict === HIDDEN) this.hidden.push(node);
      return after(node, frame);
    }
    const child = node.firstChild;
    let next;
    if (child) {
      frame.blocks.push(frame.block);
      if (BLOCK_TAGS.has(tag)) {
        frame.block = node;
        // A closed <details> shows its <summary>; the rest of it is
        // hidden until the reader opens it. Its elements have no box, so
        // the walk skips them as hidden; its bare text is skipped here.
        if (tag === 'DETAILS' && !node.open) {
          frame.closedDetails = node;
          this.hidden.push(node);
        }
      }
      next = child;
    } else {
      next = after(node, frame);
    }
    const shadow = node.shadowRoot;
    if (!shadow && tag.includes('-')) this.shadowless.push(node);
    if (shadow) {
      this.separate();
      frame.lastBlock = null;
      frame.next = next;
      this.enter(shadow);
    } else if (tag === 'BR' || tag === 'HR') {
      this.separate();
      frame.lastBlock = null;
    }
    return next;
  }

  /** The text gathered since the last piece, up to and including its
   * last block separator (all of it when `final`), or "" when there is
   * none yet. Pieces end where no mention can cross. The parts a piece
   * joined are replaced by it, so result() joins pieces, not every part
   * again. */
  takePiece(final) {
    let end = this.parts.length;
    if (!final) {
      while (end > this.pieceParts && this.parts[end - 1] !== BLOCK_SEPARATOR) end--;
    }
    if (end <= this.pieceParts) return '';
    const piece = this.parts.slice(this.pieceParts, end).join('');
    this.parts.splice(this.pieceParts, end - this.pieceParts, piece);
    this.pieceParts += 1;
    return piece;
  }

  result() {
    return { text: this.parts.join(''), nodes: this.nodes, datas: this.datas, starts: this.starts, scopes: this.scopes, hidden: this.hidden, entered: this.entered, shadowless: this.shadowless };
  }
}

/** The node after `node`'s subtree in document order, inside the frame's
 * root; each level climbed leaves an element's children, so restores the
 * frame's block to that of the element's siblings. */
function after(node, frame) {
  const root = frame.root;
  let current = node;
  for (;;) {
    if (current === root) return null;
    const sibling = current.nextSibling;
    if (sibling) return sibling;
    current = current.parentNode;
    if (current === root || current === null) return null;
    frame.block = frame.blocks.pop();
  }
}

/** Whether designMode is on in the document of `root` (a Document,
 * ShadowRoot or element), which makes everything in it editable. */
function designModeOf(root) {
  return (root.ownerDocument ?? root).designMode === 'on';
}

/** Extracts the text under `roots` in one go (see TextCollector; `own`
 * as there). */
export function extractText(roots, { skipSelector = '', own = null } = {}) {
  const collector = new TextCollector(roots, skipSelector, undefined, own);
  collector.run(Infinity);
  return collector.result();
}

/**
 * extractText in slices of about `sliceMs`, yielding to the page between
 * them with `pause()`, so a huge page never blocks its main thread for
 * long. Returns null when the page removed or moved, during a pause, the
 * part the walk was about to visit: the caller extracts again. `onScope`
 * is told of each Document and ShadowRoot as the walk enters it, so the
 * caller can watch them for changes during the pauses. With `onPiece`,
 * the text is also handed out as it grows, in pieces of about `pieceChars`
 * that each end just after a block separator (the last piece ends the
 * text); their concatenation is the result's text, unless the walk
 * returns null. `own` (a Set) names wrappers to walk into rather than
 * skip, as TextCollector says.
 */
export async function extractTextSliced(roots, { skipSelector = '', sliceMs, pause, onScope, onPiece, pieceChars = Infinity, own = null }) {
  const collector = new TextCollector(roots, skipSelector, onScope, own);
  let sliceEnd = performance.now() + sliceMs;
  let pieceEnd = pieceChars;
  for (;;) {
    const done = collector.run(sliceEnd, onPiece ? pieceEnd : Infinity);
    if (onPiece && (done || collector.length >= pieceEnd)) {
      const piece = collector.takePiece(done);
      if (piece) onPiece(piece);
      pieceEnd = collector.length + pieceChars;
    }
    if (done) break;
    if (performance.now() > sliceEnd) {
      await pause();
      if (!collector.canResume()) return null;
      collector.resync();
      sliceEnd = performance.now() + sliceMs;
    }
  }
  return collector.result();
}

/** Each practice slice is this short, so a dictionary that arrives during
 * one waits at most this long for the first pass. */
const PRACTICE_SLICE_MS = 3;
/** Practice stops after this many ms of walking in all (a 1 MB page is
 * walked in part, which warms the same code), or this many whole walks:
 * a small page needs no more. */
const PRACTICE_BUDGET_MS = 30;
const PRACTICE_WALKS = 2;
/** The engine's practice takes at most about this much of the text. */
const PRACTICE_TEXT_CHARS = 64 * 1024;

/**
 * Fills the wait for `pending` (a dictionary's loading) by walking the text
 * under `roots` as a pass will, a slice per task, and throwing it away.
 * A fresh page's first walk ran its code cold, in V8's interpreter, and
 * with its styles not yet looked up: 11-18 ms on a 100 KB news page
 * against 5-6 ms for later passes, and 5-9 ms after one walk beforehand.
 * `onText` gets the start of the page's text once there is enough of it,
 * for the engine to practise on. The walk only reads the page. Resolves to
 * the text nodes taken in when practice stops (when `pending` settles, or
 * the budget is spent); never rejects.
 */
export async function practiseWalk(roots, { skipSelector = '' } = {}, pending, onText) {
  const { settled, pause } = await waitToPractise(pending);
  let visited = 0;
  let spent = 0;
  let walks = 0;
  let collector = null;
  try {
    while (!settled() && spent < PRACTICE_BUDGET_MS && walks < PRACTICE_WALKS) {
      const began = performance.now();
      // The page may have moved the node the walk was to visit next.
      if (collector && !collector.canResume()) collector = null;
      if (collector) collector.resync();
      collector ??= new TextCollector(roots, skipSelector);
      const before = collector.nodes.length;
      const finished = collector.run(began + PRACTICE_SLICE_MS);
      visited += collector.nodes.length - before;
      // The engine practises on the page's own text too (engine.js).
      if (onText && (finished || collector.length >= PRACTICE_TEXT_CHARS)) {
        onText(collector.parts.join('').slice(0, PRACTICE_TEXT_CHARS));
        onText = null;
      }
      // The checks a pass makes before changing anything, warmed too.
      if (finished) {
        stillCurrent(collector.result());
        collector = null;
        walks += 1;
      }
      spent += performance.now() - began;
      await pause(0);
    }
  } catch {
    // A page that changes under the walk is walked afresh by the pass.
  }
  return visited;
}

/** Whether text node `i` still holds the data it had when `text` was
 * built, so that offsets into `text` still point at its characters. */
export function nodeUnchanged({ nodes, datas }, i) {
  const node = nodes[i];
  // The same string as read at extraction compares in constant time; only
  // data the page has set since is compared character by character. Paint
  // mode asks once per mention, and a 5 MB text node can hold 60,000.
  return node.isConnected && node.data === datas[i];
}

/** Whether every node is unchanged (see nodeUnchanged); a node the pass
 * itself has split (`extracted.ours`) only has to be in the page still. */
export function stillCurrent(extracted) {
  const ours = extracted.ours;
  for (let i = 0; i < extracted.nodes.length; i++) {
    if (ours?.has(i) ? !extracted.nodes[i].isConnected : !nodeUnchanged(extracted, i)) return false;
  }
  return true;
}
