// Wraps mentions in <entity-mention> elements and undoes exactly that.
//
// A text node holding pieces of mentions is split into text and wrappers.
// The original node is kept (as the first piece, or inside the first
// wrapper), so references that page scripts hold to it stay valid, and
// `unwrap` puts it back with its original data and removes only what
// `wrap` created: no `normalize()`, nothing else touched.

export const WRAPPER_TAG = 'entity-mention';

/** Names, on each wrapper, the highlighter that made it (its `owner`
 * token): a copy the page makes of marked text carries it too, which
 * tells the highlighter's own copies apart from another highlighter's
 * wrappers on the same page. */
export const OWNER_ATTRIBUTE = 'data-owner';

// A mention inside these is already interactive: it keeps its hover card
// but gets no focus stop of its own (nested interactive content).
export const INTERACTIVE = 'a[href], button, label, summary, select, [role="button"], [role="link"]';

/** Whether `element` or an ancestor is interactive. `cache` keeps the
 * answer for every element looked at, so a deep tree costs one look per
 * element rather than one walk to the top per text node. */
function insideInteractive(element, cache) {
  const path = [];
  let answer = false;
  for (let current = element; current; current = current.parentElement) {
    const known = cache.get(current);
    if (known !== undefined) {
      answer = known;
      break;
    }
    path.push(current);
    if (current.matches(INTERACTIVE)) {
      answer = true;
      break;
    }
  }
  for (const visited of path) cache.set(visited, answer);
  return answer;
}

function lastNodeAtOrBefore(starts, offset) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The pieces of one mention: `[{ index, node, from, to }]`, one per text
 * node it covers, in order; `from`/`to` are offsets in the node's data. */
export function mentionPieces(mention, nodes, starts, datas = null) {
  const pieces = [];
  for (let index = lastNodeAtOrBefore(starts, mention.start); index < nodes.length && starts[index] < mention.end; index++) {
    const nodeStart = starts[index];
    // The data read by the walk, when given: each read of a node's data
    // crosses into the DOM (about 2 ms for a 1 MB page's mentions).
    const nodeEnd = nodeStart + (datas?.[index] ?? nodes[index].data).length;
    const from = Math.max(mention.start, nodeStart) - nodeStart;
    const to = Math.min(mention.end, nodeEnd) - nodeStart;
    if (to > from) pieces.push({ index, node: nodes[index], from, to });
  }
  return pieces;
}

/**
 * Plans the wrapping: for each text node index, the [from, to) ranges in
 * its data and the mention each belongs to. Mentions are sorted and
 * disjoint.
 */
export function planPieces(mentions, nodes, starts, datas = null) {
  const piecesByNode = new Map();
  for (const mention of mentions) {
    for (const { index, from, to } of mentionPieces(mention, nodes, starts, datas)) {
      let pieces = piecesByNode.get(index);
      if (!pieces) piecesByNode.set(index, (pieces = []));
      pieces.push({ from, to, mention });
    }
  }
  return piecesByNode;
}

/** Names on `wrapper` the entity it stands for (which the styles colour
 * by type); again when a pass re-ranks its mention's candidates. */
export function labelWrapper(wrapper, entity) {
  wrapper.setAttribute('data-entity', entity.id);
  wrapper.setAttribute('data-type', entity.type);
}

function makeWrapper(doc, mention, first, interactiveInside, text, owner) {
  const wrapper = doc.createElement(WRAPPER_TAG);
  wrapper.setAttribute('data-mention', String(mention.id));
  wrapper.setAttribute(OWNER_ATTRIBUTE, owner);
  labelWrapper(wrapper, mention.entity);
  if (first && !interactiveInside) {
    wrapper.setAttribute('tabindex', '0');
    wrapper.setAttribute('role', 'button');
    wrapper.setAttribute('aria-haspopup', 'dialog');
    wrapper.setAttribute('aria-expanded', 'false');
    // A name the page splits with markup ("<b>Ilham</b> Aliyev") has its
    // focus stop on the first piece, whose text alone would be the
    // button's name.
    if (text !== mention.text) wrapper.setAttribute('aria-label', mention.text);
  }
  return wrapper;
}

/**
 * Wraps every planned piece. Returns the records `unwrap` needs; fills each
 * mention's `elements`. If the DOM refuses a change midway, everything done
 * so far is undone before the error is rethrown. `interactive` caches which
 * elements lie inside links and buttons; share one Map between the calls
 * of one pass. `owner` is the highlighter's token (OWNER_ATTRIBUTE).
 */
export function wrap(piecesByNode, nodes, owner, interactive = new Map()) {
  const records = [];
  // The node being split, until its pieces are all in place: unwrap cannot
  // fold back pieces that never reached the page, so a refusal midway puts
  // this one node back by hand.
  let splitting = null;
  try {
    for (const [index, pieces] of piecesByNode) {
      const node = nodes[index];
      const parent = node.parentNode;
      if (!parent) continue;
      // Elements are made by the node's own document (an iframe's, say).
      const doc = node.ownerDocument;
      const original = node.data;
      const interactiveInside = node.parentElement ? insideInteractive(node.parentElement, interactive) : false;
      const parts = [];
      let position = 0;
      for (const { from, to, mention } of pieces) {
        if (from > position) parts.push(original.slice(position, from));
        // Nodes come in document order, so the first piece made is the
        // mention's first; it alone is the focus stop.
        const first = mention.elements.length === 0;
        const text = original.slice(from, to);
        const wrapper = makeWrapper(doc, mention, first, interactiveInside, text, owner);
        mention.elements.push(wrapper);
        parts.push({ wrapper, text });
        position = to;
      }
      if (position < original.length) parts.push(original.slice(position));

      // The original node becomes the first part (or the first wrapper's text).
      const [head, ...rest] = parts;
      const created = [];
      let anchor;
      if (typeof head === 'string') {
        anchor = node;
      } else {
        anchor = head.wrapper;
        created.push(head.wrapper);
      }
      // The text nodes made for the pieces after the first, in order.
      const texts = [];
      const record = { node, anchor, created, texts };
      records.push(record);
      splitting = { node, anchor, original };
      const headText = typeof head === 'string' ? head : head.text;
      if (anchor !== node) parent.replaceChild(anchor, node);
      node.data = headText;
      if (anchor !== node) anchor.appendChild(node);
      // Through a fragment, one node at a time: a long text node can hold
      // tens of thousands of mentions, too many to spread as arguments.
      const tail = doc.createDocumentFragment();
      for (const part of rest) {
        let made;
        if (typeof part === 'string') {
          made = doc.createTextNode(part);
          texts.push(made);
        } else {
          const text = doc.createTextNode(part.text);
          texts.push(text);
          part.wrapper.appendChild(text);
          made = part.wrapper;
        }
        created.push(made);
        tail.appendChild(made);
      }
      anchor.parentNode.insertBefore(tail, anchor.nextSibling);
      splitting = null;
    }
  } catch (error) {
    if (splitting) {
      records.pop();
      const { node, anchor, original } = splitting;
      if (anchor !== node && anchor.parentNode) anchor.parentNode.replaceChild(node, anchor);
      node.data = original;
    }
    unwrap(records);
    throw error;
  }
  return records;
}

/**
 * Undoes `wrap`, in reverse order. Untouched, every original text node gets
 * back exactly its data and nothing else is left. `joined`, a Set, gets the
 * text nodes joined back into the one before them. A page that edited,
 * removed or moved pieces meanwhile keeps what it did: clearing never
 * changes the page's text, it only takes the wrappers out.
 */
export function unwrap(records, joined = null) {
  for (let i = records.length - 1; i >= 0; i--) {
    const { node, created, texts } = records[i];
    // Wrappers out first, leaving what they hold where they stand; one the
    // page removed stays removed, with its text.
    for (const part of created) {
      if (part.nodeType === 1 && part.parentNode) part.replaceWith(...part.childNodes);
    }
    // Then the pieces still side by side after the original node fold back
    // into it, edits included; a piece the page moved elsewhere stays there
    // as plain text.
    let data = node.data;
    let last = node;
    const folded = [];
    for (const text of texts) {
      if (text.parentNode && text.parentNode === node.parentNode && text.previousSibling === last) {
        data += text.data;
        last = text;
        folded.push(text);
      }
    }
    for (const text of folded) {
      text.remove();
      joined?.add(text);
    }
    if (node.data !== data) node.data = data;
  }
  records.length = 0;
}

/**
 * Copying or dragging text that holds this highlighter's wrappers puts
 * the page's own markup on the clipboard or in the drop. Left to the
 * browser, either carries every wrapper as an element, with its tint and
 * underline inlined as styles and its role and tabindex as attributes,
 * all of which a mail or a document the reader pastes or drops into
 * keeps. Only `doc`'s own selection is handled (not one inside a shadow
 * root). Returns the function that stops it.
 */
export function keepWrappersOutOfCopies(doc, owner) {
  const ours = `${WRAPPER_TAG}[${OWNER_ATTRIBUTE}="${owner}"]`;
  const onCopy = (event) => {
    // A page that writes its own clipboard data in an earlier listener
    // has the last word.
    if (event.defaultPrevented || !event.clipboardData) return;
    const copied = selectionWithout(doc, ours);
    if (!copied) return;
    event.clipboardData.setData('text/plain', copied.text);
    event.clipboardData.setData('text/html', copied.html);
    event.preventDefault();
  };
  const onDragStart = (event) => {
    const data = event.dataTransfer;
    if (event.defaultPrevented || !data) return;
    // Replacing the data, not cancelling the event, keeps the drag.
    const target = event.target;
    const selection = doc.getSelection();
    if (target && selection && !selection.isCollapsed && (target.nodeType === 3 || selection.containsNode(target, true))) {
      // A selection's drag: it starts at one of its text nodes, or at an
      // image or link inside it.
      const dragged = selectionWithout(doc, ours);
      if (!dragged) return;
      data.setData('text/plain', dragged.text);
      data.setData('text/html', dragged.html);
    } else if (target?.nodeType === 1 && target.localName === 'a' && typeof target.href === 'string' && target.hasAttribute('href') && target.querySelector(ours)) {
      // A link with marks inside: the browser writes the link's own
      // markup, its address made absolute. (A draggable element of the
      // page's gets no markup from the browser, so none is added.)
      const copy = target.cloneNode(true);
      for (const wrapper of copy.querySelectorAll(ours)) wrapper.replaceWith(...wrapper.childNodes);
      copy.setAttribute('href', target.href);
      data.setData('text/html', copy.outerHTML);
    }
  };
  doc.addEventListener('copy', onCopy, true);
  doc.addEventListener('dragstart', onDragStart, true);
  return () => {
    doc.removeEventListener('copy', onCopy, true);
    doc.removeEventListener('dragstart', onDragStart, true);
  };
}

/** The selection's text and markup without the wrappers matching `ours`,
 * or null when it holds none (or lies inside none): that data is the
 * browser's to write. */
function selectionWithout(doc, ours) {
  const selection = doc.getSelection();
  if (!selection || selection.isCollapsed) return null;
  const holder = doc.createElement('div');
  // A selection inside one wrapper clones as bare text, yet the
  // browser's copy would carry the wrapper's look.
  let inside = false;
  for (let i = 0; i < selection.rangeCount; i++) {
    const range = selection.getRangeAt(i);
    for (const end of [range.startContainer, range.endContainer]) {
      if ((end.nodeType === 1 ? end : end.parentElement)?.closest(ours)) inside = true;
    }
    holder.append(range.cloneContents());
  }
  const copied = holder.querySelectorAll(ours);
  if (!inside && copied.length === 0) return null;
  for (const wrapper of copied) wrapper.replaceWith(...wrapper.childNodes);
  return { text: selection.toString(), html: holder.innerHTML };
}

/** The wrappers `records` created, for a walk to enter (TextCollector's
 * `own`). */
export function wrappersOf(records) {
  const wrappers = new Set();
  for (const { created } of records) for (const part of created) if (part.nodeType === 1) wrappers.add(part);
  return wrappers;
}

/**
 * unwrap(), for records whose wrappers a walk went into (`extracted`, as
 * extractText returns it): each text node that unwrap() joins to the one
 * before it leaves the walk's lists, and that one's data there becomes
 * what it now holds. Offsets in the walk's text stay valid, since the
 * joined nodes came right after it in the walk. Where the page changed a
 * piece meanwhile, so the joined data is not the walk's text there, the
 * node is left marked as changed (and a joined piece with no node before
 * it stays, out of the page), and this returns false: the walk must be
 * taken again. Nothing else in the walk changes, so true means it is as
 * current as before.
 */
export function unwrapWalked(records, extracted) {
  const { nodes, datas, starts, text } = extracted;
  const originals = new Set(records.map((record) => record.node));
  const joined = new Set();
  unwrap(records, joined);
  if (joined.size === 0) return true;
  let exact = true;
  let kept = 0;
  // The kept entry of the original node whose joined pieces may follow,
  // and where in the text its pieces end so far.
  let open = -1;
  let openEnd = 0;
  const settle = () => {
    if (open >= 0) {
      const same = nodes[open].data === text.slice(starts[open], openEnd);
      datas[open] = same ? nodes[open].data : null;
      exact &&= same;
    }
    open = -1;
  };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (open >= 0 && joined.has(node)) {
      openEnd = starts[i] + datas[i].length;
      continue;
    }
    settle();
    if (joined.has(node)) exact = false;
    nodes[kept] = node;
    datas[kept] = datas[i];
    starts[kept] = starts[i];
    if (originals.has(node)) {
      open = kept;
      openEnd = starts[i] + datas[i].length;
    }
    kept += 1;
  }
  settle();
  nodes.length = datas.length = starts.length = kept;
  return exact;
}

/** Where `wrapper`, one of `records`' wrappers, is in the text it was split
 * from: `{ node, offset }`, which outlives unwrapping; or null. */
export function placeOf(records, wrapper) {
  for (const { node, anchor, texts } of records) {
    if (anchor === wrapper) return { node, offset: 0 };
    let offset = node.data.length;
    for (const text of texts) {
      if (text.parentNode === wrapper) return { node, offset };
      offset += text.data.length;
    }
  }
  return null;
}

/** The wrapper of `records` that holds the text at `place` (placeOf), or
 * null. */
export function wrapperAt(records, { node, offset }) {
  for (const { node: original, anchor, texts } of records) {
    if (original !== node) continue;
    const parent = anchor.parentNode;
    let end = node.data.length;
    if (offset < end) return anchor === node ? null : anchor;
    for (const text of texts) {
      end += text.data.length;
      if (offset < end) return text.parentNode !== parent ? text.parentNode : null;
    }
  }
  return null;
}
