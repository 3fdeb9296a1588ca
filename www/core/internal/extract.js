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
  if (element.isContentEditable) return true;
  if (element.hidden || element.getAttribute('aria-hidden') === 'true') return true;
  if (skipSelector && element.matches(skipSelector)) return true;
  // display:none and content-visibility:hidden; cheap once styles are computed.
  if (typeof element.checkVisibility === 'function' && !element.checkVisibility()) return true;
  return false;
}

/**
 * Walks `root` and returns `{ text, nodes, starts }`: `nodes[i]` is a Text
 * node whose data starts at `starts[i]` in `text`.
 */
export function extractText(root, { skipSelector = '' } = {}) {
  const doc = root.ownerDocument;
  const nodes = [];
  const starts = [];
  const parts = [];
  let length = 0;
  // The block an element belongs to, cached so deep trees stay linear.
  const blockOf = new Map();
  const nearestBlock = (element) => {
    const path = [];
    let current = element;
    let found = root;
    while (current && current !== root) {
      const cached = blockOf.get(current);
      if (cached !== undefined) { found = cached; break; }
      if (BLOCK_TAGS.has(current.tagName)) { found = current; break; }
      path.push(current);
      current = current.parentElement;
    }
    for (const visited of path) blockOf.set(visited, found);
    return found;
  };
  let lastBlock = null;
  const separate = () => {
    if (length > 0 && parts[parts.length - 1] !== BLOCK_SEPARATOR) {
      parts.push(BLOCK_SEPARATOR);
      length += 1;
    }
  };
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
      return isExcluded(node, skipSelector) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType !== Node.TEXT_NODE) {
      if (node.tagName === 'BR' || node.tagName === 'HR') {
        separate();
        lastBlock = null;
      }
      continue;
    }
    const data = node.data;
    if (data.length === 0) continue;
    const block = nearestBlock(node.parentElement);
    if (block !== lastBlock) {
      separate();
      lastBlock = block;
    }
    nodes.push(node);
    starts.push(length);
    parts.push(data);
    length += data.length;
  }
  return { text: parts.join(''), nodes, starts };
}

/** Whether every node still holds the data it had when `text` was built,
 * so that offsets into `text` still point at the same characters. */
export function stillCurrent({ text, nodes, starts }) {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node.isConnected) return false;
    const end = starts[i] + node.data.length;
    const next = i + 1 < nodes.length ? starts[i + 1] : text.length;
    if (end > next || !text.startsWith(node.data, starts[i])) return false;
    if (end < next && text[end] !== BLOCK_SEPARATOR) return false;
  }
  return true;
}
