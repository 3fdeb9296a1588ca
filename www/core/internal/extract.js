// Collects the text under a root into one buffer, with a map from buffer
// offsets back to text nodes.
//
// Text nodes are joined as they are, so a name matches across inline markup
// (`<b>Ilham</b> Aliyev`). Where a block boundary lies between two text
// nodes (paragraphs, list items, cells, headings, `<br>`), the buffer gets
// one BLOCK_SEPARATOR, which the matcher never matches across. Offsets are
// UTF-16 code units, as the engine reports them.

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
  if (element.namespaceURI !== HTML_NS) return true;
  if (EXCLUDED_TAGS.has(element.tagName)) return true;
  const optOut = element.getAttribute(OPT_OUT_ATTRIBUTE);
  if (optOut === 'off' || optOut === 'ui') return true;
  // isContentEditable looks at every ancestor, which makes a walk over a
  // deep tree quadratic. The walk rejects an editable subtree at its top,
  // where the attribute is (or everywhere, in a designMode document), so
  // only those elements need the full answer; a root inside an editable
  // ancestor is checked by the highlighter itself.
  if ((element.hasAttribute('contenteditable') || element.ownerDocument.designMode === 'on') && element.isContentEditable) return true;
  if (skipSelector && element.matches(skipSelector)) return true;
  return isHidden(element);
}

/** Hidden from readers: `hidden`, `aria-hidden`, `display: none`,
 * `content-visibility: hidden`, or opted out. */
function isHidden(element) {
  if (element.hidden || element.getAttribute('aria-hidden') === 'true') return true;
  const optOut = element.getAttribute(OPT_OUT_ATTRIBUTE);
  if (optOut === 'off' || optOut === 'ui') return true;
  // Cheap once styles are computed, which any rendered page has done.
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

/**
 * Walks each root and returns `{ text, nodes, datas, starts, scopes }`:
 * `nodes[i]` is a Text node whose data, `datas[i]` when read, starts at
 * `starts[i]` in `text`, and `scopes` holds every Document and ShadowRoot
 * those nodes live in. Open shadow roots and same-origin iframes inside a
 * root are walked too, each as a block of its own. `roots` may be one element or a list of disjoint ones.
 */
export function extractText(roots, { skipSelector = '' } = {}) {
  const nodes = [];
  const datas = [];
  const starts = [];
  const parts = [];
  const scopes = new Set();
  let length = 0;
  // The block an element belongs to, cached so deep trees stay linear.
  const blockOf = new Map();
  const nearestBlock = (element, stop) => {
    const path = [];
    let current = element;
    let found = stop;
    while (current && current !== stop) {
      const cached = blockOf.get(current);
      if (cached !== undefined) { found = cached; break; }
      if (BLOCK_TAGS.has(current.tagName)) { found = current; break; }
      path.push(current);
      current = current.parentElement;
    }
    for (const visited of path) blockOf.set(visited, found);
    return found;
  };
  const separate = () => {
    if (length > 0 && parts[parts.length - 1] !== BLOCK_SEPARATOR) {
      parts.push(BLOCK_SEPARATOR);
      length += 1;
    }
  };
  const walk = (root) => {
    const scope = root.getRootNode();
    const doc = root.ownerDocument ?? root;
    let lastBlock = null;
    separate();
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
        if (node.tagName === 'IFRAME') {
          const body = isHidden(node) ? null : frameBody(node);
          if (body && !isExcluded(body, skipSelector)) walk(body);
          return NodeFilter.FILTER_REJECT;
        }
        if (isExcluded(node, skipSelector)) return NodeFilter.FILTER_REJECT;
        // An open shadow tree is what shows; its light children appear
        // through slots and are walked after it.
        if (node.shadowRoot) walk(node.shadowRoot);
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType !== Node.TEXT_NODE) {
        if (node.tagName === 'BR' || node.tagName === 'HR' || node.shadowRoot) {
          separate();
          lastBlock = null;
        }
        continue;
      }
      const data = node.data;
      if (data.length === 0) continue;
      const block = nearestBlock(node.parentElement, root);
      if (block !== lastBlock) {
        separate();
        lastBlock = block;
      }
      scopes.add(scope);
      nodes.push(node);
      datas.push(data);
      starts.push(length);
      parts.push(data);
      length += data.length;
    }
    separate();
  };
  for (const root of Array.isArray(roots) ? roots : [roots]) walk(root);
  return { text: parts.join(''), nodes, datas, starts, scopes };
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

/** Whether every node is unchanged (see nodeUnchanged). */
export function stillCurrent(extracted) {
  for (let i = 0; i < extracted.nodes.length; i++) {
    if (!nodeUnchanged(extracted, i)) return false;
  }
  return true;
}
