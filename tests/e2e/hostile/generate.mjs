// Hostile page generator: builds pages that a highlighter meets in the wild
// (deep trees, huge text, every element it must leave alone, frames, shadow
// roots, right-to-left and CJK scripts, emoji) straight into a document, and
// describes a document completely so a test can tell whether anything moved.
//
// It runs in the browser: tests/e2e/pages/hostile.js imports it and the
// tests call it through page.evaluate. DOM is built with createElement and
// createTextNode only, so every piece of page text is text, never markup,
// and trees deeper than the HTML parser allows can be made.
//
// Every builder takes the element to fill and returns facts the test checks
// against: `expected` (mention texts that must be found, in order of
// appearance, where the builder knows them) and `registry` (closed shadow
// roots, which no one else can reach, for describe()).

/** Names of the bundled dictionary (data/world-news.json) used in text. */
export const NAMES = ['Paris', 'Berlin', 'Tokyo', 'Cairo', 'Beijing', 'Kyiv', 'Brazil', 'India', 'NATO', 'United Nations', 'European Union', 'Emmanuel Macron'];

/** Closed shadow roots made by the builders, so describe() can include them. */
export const closedRoots = new Set();

/** Marks a subtree in which no wrapper may ever appear. */
export const NO_MENTION = 'data-hostile-no-mention';

/** A small deterministic random source, so pages are the same every run. */
export function random(seed = 1) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

const FILLER = ['officials', 'said', 'on', 'Tuesday', 'that', 'talks', 'would', 'resume', 'after', 'a', 'long', 'pause', 'in', 'the', 'region', 'and', 'trade', 'ministers', 'agreed', 'to', 'meet', 'again'];

function el(doc, tag, attributes = {}, ...children) {
  const element = doc.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  for (const child of children) element.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  return element;
}

/** One sentence of filler with one name; returns [text, name]. */
function sentence(next) {
  const name = NAMES[Math.floor(next() * NAMES.length)];
  const words = [];
  for (let i = 0; i < 12; i++) words.push(FILLER[Math.floor(next() * FILLER.length)]);
  words.splice(3 + Math.floor(next() * 6), 0, name);
  return [`${words.join(' ')}.`, name];
}

/**
 * A news-like page: `paragraphs` paragraphs of four sentences, with inline
 * markup (a name in <b>, one split over <i>, a link). Size grows exactly
 * linearly with `paragraphs`, for the linearity measurement.
 */
export function article(root, { paragraphs = 100, seed = 7 } = {}) {
  const doc = root.ownerDocument;
  const next = random(seed);
  const expected = [];
  const fragment = doc.createDocumentFragment();
  for (let p = 0; p < paragraphs; p++) {
    const [a, nameA] = sentence(next);
    const [b, nameB] = sentence(next);
    const [c, nameC] = sentence(next);
    // "Emmanuel <b>Macron</b>" is one mention over two text nodes.
    const paragraph = el(doc, 'p', {}, `${a} `, el(doc, 'b', {}, nameB), ` ${b.replace(nameB, 'then')} Emmanuel `, el(doc, 'i', {}, 'Macron'), ` visited `, el(doc, 'a', { href: '#p' }, nameC), ` ${c.replace(nameC, 'there')}`);
    expected.push(nameA, nameB, 'Emmanuel Macron', nameC);
    fragment.append(paragraph);
  }
  root.append(fragment);
  return { expected };
}

/**
 * `depth` nested elements (div, span, section, b, em in turn), each holding
 * a little text, with a name every tenth level. Chromium's renderer itself
 * crashes on a few thousand nested boxes, so all but every `boxEvery`-th
 * level are `display: contents`: the DOM is `depth` deep, its box tree
 * `depth / boxEvery`. Returns the names expected and the text nodes
 * holding them (`named`).
 */
export function deepNesting(root, { depth = 10_000, boxEvery = 25 } = {}) {
  const doc = root.ownerDocument;
  const tags = ['div', 'span', 'section', 'b', 'em'];
  let parent = root;
  const expected = [];
  const named = [];
  for (let level = 0; level < depth; level++) {
    const child = doc.createElement(level % boxEvery === 0 ? 'span' : tags[level % tags.length]);
    if (level % boxEvery !== 0) child.style.display = 'contents';
    if (level % 10 === 0) {
      const name = NAMES[(level / 10) % NAMES.length];
      named.push(doc.createTextNode(` level ${level} ${name} `));
      child.append(named.at(-1));
      expected.push(name);
    } else {
      child.append(doc.createTextNode(' · '));
    }
    parent.append(child);
    parent = child;
  }
  named.push(doc.createTextNode(' the bottom: Paris.'));
  parent.append(named.at(-1));
  expected.push('Paris');
  return { expected, named };
}

/**
 * `count` text nodes: paragraphs of 100 sibling text nodes with no
 * elements between them; names are split over adjacent nodes ("Ber" +
 * "lin"), whole in one node, and spread over three nodes.
 */
export function manyTextNodes(root, { count = 100_000 } = {}) {
  const doc = root.ownerDocument;
  const fragment = doc.createDocumentFragment();
  const pieces = ['Ber', 'lin and ', 'Tokyo', ' met ', 'United', ' ', 'Nations', ' staff; ', 'x', ' '];
  let made = 0;
  while (made < count) {
    const paragraph = doc.createElement('p');
    for (let i = 0; i < 100 && made < count; i++, made++) paragraph.append(doc.createTextNode(pieces[i % pieces.length]));
    fragment.append(paragraph);
  }
  root.append(fragment);
  return { expected: null };
}

/** One text node of about `bytes` characters with a name every ~100. */
export function bigTextNode(root, { bytes = 5_000_000 } = {}) {
  const doc = root.ownerDocument;
  const next = random(3);
  const parts = [];
  let length = 0;
  while (length < bytes) {
    const [text] = sentence(next);
    parts.push(text);
    length += text.length + 1;
  }
  root.append(el(doc, 'p', {}, parts.join(' ')));
  return { expected: null };
}

/**
 * Every kind of element the highlighter must leave alone, each holding a
 * name and marked NO_MENTION, between paragraphs that must be highlighted.
 */
export function excludedKinds(root) {
  const doc = root.ownerDocument;
  const off = (element) => {
    element.setAttribute(NO_MENTION, '');
    return element;
  };
  const SVG = 'http://www.w3.org/2000/svg';
  const MATHML = 'http://www.w3.org/1998/Math/MathML';
  const svg = doc.createElementNS(SVG, 'svg');
  const svgText = doc.createElementNS(SVG, 'text');
  svgText.setAttribute('y', '15');
  svgText.append('Paris in SVG');
  const foreign = doc.createElementNS(SVG, 'foreignObject');
  foreign.append(el(doc, 'p', {}, 'Berlin in foreignObject'));
  svg.append(svgText, foreign);
  const math = doc.createElementNS(MATHML, 'math');
  const mi = doc.createElementNS(MATHML, 'mi');
  mi.append('Tokyo');
  math.append(mi);
  const template = doc.createElement('template');
  template.content.append(el(doc, 'p', {}, 'Paris in a template'));
  const select = el(doc, 'select', {}, el(doc, 'optgroup', { label: 'Cairo' }, el(doc, 'option', {}, 'Cairo')), el(doc, 'option', {}, 'Kyiv'));
  const excluded = [
    el(doc, 'script', { type: 'text/plain' }, 'var city = "Paris";'),
    el(doc, 'style', {}, '/* Paris */ .x { color: red }'),
    el(doc, 'noscript', {}, 'Paris without scripts'),
    template,
    el(doc, 'textarea', {}, 'Berlin in a textarea'),
    el(doc, 'input', { value: 'Tokyo' }),
    select,
    el(doc, 'button', {}, 'Cairo button'),
    el(doc, 'div', { contenteditable: 'true' }, el(doc, 'p', {}, 'Paris being edited')),
    el(doc, 'div', { contenteditable: 'plaintext-only' }, 'Berlin being edited'),
    svg,
    math,
    el(doc, 'code', {}, 'Paris()'),
    el(doc, 'pre', {}, 'Tokyo\n  Cairo'),
    el(doc, 'p', { hidden: '' }, 'Paris hidden'),
    el(doc, 'p', { style: 'display:none' }, 'Berlin display none'),
    el(doc, 'p', { 'aria-hidden': 'true' }, 'Tokyo aria-hidden'),
    el(doc, 'div', { style: 'content-visibility:hidden' }, el(doc, 'p', {}, 'Cairo content-visibility hidden')),
    el(doc, 'div', { 'data-entity-highlighter': 'off' }, el(doc, 'p', {}, 'Kyiv opted out ', el(doc, 'b', {}, 'deep Paris'))),
    el(doc, 'canvas', {}, 'Paris fallback'),
    el(doc, 'video', {}, 'Berlin fallback'),
    el(doc, 'audio', {}, 'Tokyo fallback'),
    el(doc, 'object', {}, 'Cairo fallback'),
    el(doc, 'iframe', { title: 'empty', srcdoc: '' }, 'Kyiv fallback'),
    el(doc, 'entity-highlighter-card', { 'data-entity-highlighter': 'ui' }, 'Paris in someone\'s card'),
  ].map(off);
  const expected = [];
  for (const element of excluded) {
    const name = NAMES[expected.length % 8];
    root.append(el(doc, 'p', {}, `Visible: ${name}.`), element);
    expected.push(name);
  }
  return { expected };
}

/** A form and tables: labels, legends and captions are prose; controls are
 * not; names never join across cells. */
export function formsAndTables(root) {
  const doc = root.ownerDocument;
  const form = el(doc, 'form', { action: '#' },
    el(doc, 'fieldset', {}, el(doc, 'legend', {}, 'Travel to Paris'),
      el(doc, 'label', { for: 'city' }, 'City (e.g. Berlin) '),
      el(doc, 'input', { id: 'city', name: 'city', value: 'Berlin', [NO_MENTION]: '' }),
      el(doc, 'label', {}, el(doc, 'input', { type: 'checkbox', [NO_MENTION]: '' }), ' via Tokyo'),
      el(doc, 'textarea', { [NO_MENTION]: '' }, 'Cairo notes'),
      el(doc, 'button', { type: 'button', [NO_MENTION]: '' }, 'Book Kyiv')));
  const table = el(doc, 'table', {},
    el(doc, 'caption', {}, 'Meetings of the European Union'),
    el(doc, 'thead', {}, el(doc, 'tr', {}, el(doc, 'th', {}, 'City'), el(doc, 'th', {}, 'Body'))),
    el(doc, 'tbody', {},
      el(doc, 'tr', {}, el(doc, 'td', {}, 'Beijing'), el(doc, 'td', {}, 'NATO')),
      // Split over two cells: must not be one mention.
      el(doc, 'tr', {}, el(doc, 'td', {}, 'United'), el(doc, 'td', {}, 'Nations')),
      el(doc, 'tr', {}, el(doc, 'td', { colspan: '2' }, el(doc, 'table', {}, el(doc, 'tr', {}, el(doc, 'td', {}, 'India, nested')))))),
    el(doc, 'tfoot', {}, el(doc, 'tr', {}, el(doc, 'td', {}, 'Brazil'), el(doc, 'td', {}, ''))));
  root.append(form, table);
  return { expected: ['Paris', 'Berlin', 'Tokyo', 'European Union', 'Beijing', 'NATO', 'India', 'Brazil'] };
}

/**
 * Frames: same-origin (srcdoc and a served page), sandboxed (opaque
 * origin) and cross-origin (`crossOrigin` is the same server under another
 * host name). Resolves once all have loaded.
 */
export async function frames(root, { crossOrigin } = {}) {
  const doc = root.ownerDocument;
  const made = [
    el(doc, 'iframe', { title: 'same-origin srcdoc', srcdoc: '<p>Tokyo in a same-origin srcdoc frame</p>' }),
    el(doc, 'iframe', { title: 'same-origin page', src: '/tests/e2e/pages/scopes-frame.html' }),
    el(doc, 'iframe', { title: 'sandboxed', sandbox: '', srcdoc: '<p>Cairo in a sandboxed frame</p>' }),
  ];
  if (crossOrigin) made.push(el(doc, 'iframe', { title: 'cross-origin', src: `${crossOrigin}/tests/e2e/pages/scopes-frame.html` }));
  const loaded = made.map((frame) => new Promise((resolve) => frame.addEventListener('load', resolve, { once: true })));
  root.append(el(doc, 'p', {}, 'Paris outside the frames.'), ...made);
  await Promise.all(loaded);
  return { expected: null };
}

/** Open shadow roots (nested, with slots), and a closed one. */
export function shadowRoots(root) {
  const doc = root.ownerDocument;
  const outer = el(doc, 'div', { id: 'open-host' }, el(doc, 'span', { slot: 'name' }, 'Berlin slotted'));
  const shadow = outer.attachShadow({ mode: 'open' });
  const inner = el(doc, 'div', {});
  shadow.append(el(doc, 'p', {}, 'Tokyo in an open shadow root, then ', el(doc, 'slot', { name: 'name' })), inner);
  inner.attachShadow({ mode: 'open' }).append(el(doc, 'p', {}, 'Cairo two shadow roots deep.'));
  const closedHost = el(doc, 'div', { id: 'closed-host' });
  const closed = closedHost.attachShadow({ mode: 'closed' });
  closed.append(el(doc, 'p', {}, 'Kyiv in a closed shadow root.'));
  closedRoots.add(closed);
  root.append(el(doc, 'p', {}, 'Paris in the light DOM.'), outer, closedHost);
  return { expected: null };
}

/**
 * Right-to-left and CJK text: Arabic and Hebrew paragraphs (dir=rtl) with
 * Latin names inside, and names in Arabic and CJK script from `extra`
 * entities the test adds to the dictionary.
 */
export function scripts(root) {
  const doc = root.ownerDocument;
  root.append(
    el(doc, 'p', { dir: 'rtl', lang: 'ar' }, 'زار الرئيس Paris ثم القاهرة يوم الثلاثاء، والتقى بممثلي United Nations.'),
    el(doc, 'p', { dir: 'rtl', lang: 'he' }, 'השגריר נסע ל-Berlin ומשם ל-Tokyo.'),
    el(doc, 'p', { lang: 'zh' }, '代表团周二抵达北京，随后前往 Paris 参加会议。'),
    el(doc, 'p', { lang: 'ja' }, '首相は東京で NATO の代表と会談した。'),
    el(doc, 'p', { lang: 'ko' }, '서울에서 European Union 대표단이 회의를 열었다.'),
    el(doc, 'p', {}, 'Mixed: القاهرة and 北京 and 東京 in one sentence.'),
  );
  return { expected: null };
}

/** Entities in non-Latin scripts for scripts(): add them to the bundled dictionary. */
export const SCRIPT_ENTITIES = [
  { id: 'city:cairo-ar', name: 'القاهرة', type: 'city', summary: 'القاهرة عاصمة مصر.' },
  { id: 'city:beijing-zh', name: '北京', type: 'city', summary: '中华人民共和国首都。' },
  { id: 'city:tokyo-ja', name: '東京', type: 'city', summary: '日本の首都。' },
];

/**
 * Emoji everywhere: before and after names with no space, ZWJ families,
 * flags, skin tones, keycaps, variation selectors, and a lone surrogate.
 */
export function emoji(root) {
  const doc = root.ownerDocument;
  const lines = [
    '🇫🇷Paris🇫🇷 and 🇩🇪 Berlin 🇩🇪',
    '👨‍👩‍👧‍👦Tokyo👩🏽‍💻 then Cairo👍🏿!',
    '🏳️‍🌈United Nations🏳️‍⚧️ 1️⃣ NATO ✌🏻 India❤️',
    'Kyiv\u{1F9D1}\u{1F3FE}\u200D\u{1F91D}\u200D\u{1F9D1}\u{1F3FB}Brazil',
    'A lone surrogate \uD83D before Paris and after \uDE00 Berlin.',
    '😀'.repeat(500) + ' Beijing ' + '🙂'.repeat(500),
  ];
  for (const line of lines) root.append(el(doc, 'p', {}, line));
  // A name split by an emoji is not that name.
  root.append(el(doc, 'p', {}, 'Par😀is and Ber', el(doc, 'b', {}, '🇫🇷'), 'lin are not names.'));
  return { expected: null };
}

// --- describing a document -------------------------------------------------

/**
 * Every node under `root`, in order, as one line each: depth, type, name,
 * attributes and value; open and registered closed shadow roots and
 * reachable frame documents included. Text node splits show as separate
 * lines. Returns `{ lines, nodes }` (`nodes` for identity checks).
 */
export function describe(root) {
  const lines = [];
  const nodes = [];
  const stack = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop();
    nodes.push(node);
    let line = `${depth} ${node.nodeType} ${node.nodeName}`;
    if (node.nodeType === 1) {
      for (const attribute of node.attributes) line += ` ${attribute.name}=${JSON.stringify(attribute.value)}`;
    } else if (node.nodeType === 3 || node.nodeType === 8) {
      line += ` ${JSON.stringify(node.data)}`;
    }
    lines.push(line);
    const children = [];
    if (node.nodeType === 1) {
      const shadow = node.shadowRoot ?? [...closedRoots].find((r) => r.host === node);
      if (shadow) children.push(shadow);
      if (node.tagName === 'IFRAME') {
        try {
          if (node.contentDocument?.documentElement) children.push(node.contentDocument.documentElement);
        } catch {
          // Cross-origin: nothing to see, and nothing the highlighter can touch.
        }
      }
      if (node.tagName === 'TEMPLATE') children.push(node.content);
    }
    children.push(...node.childNodes);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
  return { lines, nodes };
}

/** The first difference between two describe() results, or null. */
export function difference(before, after) {
  const length = Math.max(before.lines.length, after.lines.length);
  for (let i = 0; i < length; i++) {
    if (before.lines[i] !== after.lines[i]) {
      return { at: i, before: before.lines[i]?.slice(0, 300), after: after.lines[i]?.slice(0, 300), beforeCount: before.lines.length, afterCount: after.lines.length };
    }
    if (before.nodes[i] !== after.nodes[i]) return { at: i, identity: true, line: before.lines[i]?.slice(0, 300) };
  }
  return null;
}

/** Every <entity-mention> reachable from `doc`: the document, open and
 * registered closed shadow roots, and same-origin frames. */
export function allWrappers(doc) {
  const found = [];
  const scopes = [doc];
  while (scopes.length) {
    const scope = scopes.pop();
    const walker = (scope.ownerDocument ?? scope).createTreeWalker(scope, NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.tagName === 'ENTITY-MENTION') found.push(node);
      const shadow = node.shadowRoot ?? [...closedRoots].find((r) => r.host === node);
      if (shadow) scopes.push(shadow);
      if (node.tagName === 'IFRAME') {
        try {
          if (node.contentDocument) scopes.push(node.contentDocument);
        } catch {
          // cross-origin
        }
      }
    }
  }
  return found;
}

/** Tags whose subtrees never hold a wrapper, whatever a page does. */
const NEVER_INSIDE = 'script, style, noscript, template, textarea, input, select, option, button, [contenteditable], [hidden], [aria-hidden="true"], [data-entity-highlighter], code, pre, canvas, video, audio, object, entity-mention';

/** Wrappers placed where they must never be (excluded elements, SVG,
 * MathML, subtrees marked NO_MENTION), described for a failure message. */
export function misplacedWrappers(doc) {
  const bad = [];
  for (const wrapper of allWrappers(doc)) {
    const parent = wrapper.parentNode;
    const inside = wrapper.closest(`[${NO_MENTION}]`) ?? (wrapper.parentElement?.closest(NEVER_INSIDE) ?? null);
    const foreign = parent?.namespaceURI && parent.namespaceURI !== 'http://www.w3.org/1999/xhtml';
    if (inside || foreign) bad.push(`${wrapper.textContent} inside ${(inside ?? parent).nodeName}`);
  }
  return bad;
}
