// Style sheets: one adopted by the page for the wrappers (or, in paint
// mode, for the painted highlights), one inside the card's shadow root.
// Constructed sheets need no <style> element (nothing added to the page's
// DOM) and are allowed under a strict style-src CSP.
import { paintCss } from './paint.js';

// The wrapper is a custom element, so page rules for span, mark or
// .highlight never reach it; the few properties that would break it if a
// page set them on every element are pinned with !important.
const WRAPPER_CSS = `
entity-mention {
  display: inline !important;
  position: static !important;
  float: none !important;
  margin: 0 !important;
  padding: 0 1px !important;
  border: 0 !important;
  border-bottom: 2px solid var(--eh-accent) !important;
  border-radius: 2px !important;
  outline: none !important;
  background: var(--eh-tint) !important;
  color: inherit !important;
  font: inherit !important;
  text-decoration: inherit !important;
  text-transform: inherit !important;
  letter-spacing: inherit !important;
  word-spacing: inherit !important;
  visibility: inherit !important;
  opacity: 1 !important;
  transform: none !important;
  filter: none !important;
  clip-path: none !important;
  width: auto !important;
  height: auto !important;
  cursor: help;
  --eh-accent: rgb(37 99 235 / 0.75);
  --eh-tint: rgb(37 99 235 / 0.10);
}
entity-mention[data-type="country"], entity-mention[data-type="city"], entity-mention[data-type="region"] {
  --eh-accent: rgb(5 150 105 / 0.8);
  --eh-tint: rgb(5 150 105 / 0.10);
}
entity-mention[data-type="organisation"], entity-mention[data-type="media"] {
  --eh-accent: rgb(217 119 6 / 0.85);
  --eh-tint: rgb(217 119 6 / 0.10);
}
entity-mention[data-type="agreement"], entity-mention[data-type="event"], entity-mention[data-type="route"] {
  --eh-accent: rgb(147 51 234 / 0.75);
  --eh-tint: rgb(147 51 234 / 0.10);
}
entity-mention:hover, entity-mention[aria-expanded="true"] {
  background: color-mix(in srgb, var(--eh-accent) 22%, transparent) !important;
}
/* The ring is the text's own colour, which the page keeps legible on its
   background (light or dark): the translucent type colours fell below 3:1. */
entity-mention:focus-visible, entity-mention[data-focus] {
  outline: 2px solid currentColor !important;
  outline-offset: 2px !important;
}
`;

const CARD_CSS = `
:host {
  all: initial;
  position: fixed !important;
  z-index: 2147483647 !important;
  display: block !important;
  --bg: #ffffff;
  --fg: #1f2328;
  --muted: #57606a;
  --border: #d0d7de;
  --link: #0550ae;
  --shadow: 0 8px 28px rgb(0 0 0 / 0.18), 0 1px 3px rgb(0 0 0 / 0.12);
}
:host([hidden]) { display: none !important; }
:host(.dark) {
  --bg: #1c2128;
  --fg: #e6edf3;
  --muted: #9aa5b1;
  --border: #3d444d;
  --link: #79b8ff;
  --shadow: 0 8px 28px rgb(0 0 0 / 0.55);
}
@media (prefers-color-scheme: dark) {
  :host(.auto) {
    --bg: #1c2128;
    --fg: #e6edf3;
    --muted: #9aa5b1;
    --border: #3d444d;
    --link: #79b8ff;
    --shadow: 0 8px 28px rgb(0 0 0 / 0.55);
  }
}
.card {
  box-sizing: border-box;
  width: min(340px, calc(100vw - 16px));
  max-height: min(420px, calc(100vh - 16px));
  overflow: auto;
  padding: 14px 16px 12px;
  background: var(--bg);
  color: var(--fg);
  border: 1px solid var(--border);
  border-radius: 10px;
  box-shadow: var(--shadow);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  text-align: start;
  /* A dictionary's names and summaries may hold long unbroken strings
     (addresses, codes); they wrap rather than run past the card's edge. */
  overflow-wrap: anywhere;
  /* Swiping through a long card does not scroll the page at its end. */
  overscroll-behavior: contain;
}
.card:focus { outline: none; }
.card:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
.lead { margin: 0 0 8px; color: var(--muted); font-size: 13px; }
.entity + .entity, .entity + .lead { margin-top: 12px; padding-top: 12px; border-top: 1px solid var(--border); }
.type {
  display: inline-block;
  margin: 0 0 4px;
  color: var(--muted);
  font-size: 12px;
  font-weight: 600;
  letter-spacing: 0.06em;
  text-transform: uppercase;
}
.name { margin: 0 0 6px; font-size: 17px; font-weight: 650; line-height: 1.25; }
.summary { margin: 0; }
.more { display: inline-block; margin-top: 6px; padding-block: 2px; color: var(--link); font-weight: 550; text-decoration: none; }
.more:hover { text-decoration: underline; }
.more:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; border-radius: 2px; }
.position { margin: 10px 0 0; padding-top: 8px; border-top: 1px solid var(--border); color: var(--muted); font-size: 12px; }
.steps { display: flex; align-items: center; gap: 8px; }
.steps .count { flex: 1; text-align: center; font-size: 13px; }
.step {
  width: 48px;
  height: 40px;
  padding: 0;
  border: 1px solid var(--border);
  border-radius: 8px;
  background: var(--bg);
  color: var(--fg);
  font: 22px/1 system-ui, sans-serif;
  cursor: pointer;
}
.step.previous::before { content: "‹"; }
.step.next::before { content: "›"; }
/* (Right to left the row starts on the right, and the browser mirrors
   these two characters, so each still points its way.) */
.step:disabled { opacity: 0.4; cursor: default; }
.step:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.close { display: none; }
:host(.sheet) .close, :host(.touch) .close {
  display: block;
  position: sticky;
  top: 0;
  float: inline-end;
  width: 36px;
  height: 36px;
  margin-block: -6px 4px;
  margin-inline: 8px -6px;
  padding: 0;
  border: 1px solid var(--border);
  border-radius: 50%;
  background: var(--bg);
  color: var(--fg);
  font: 22px/1 system-ui, sans-serif;
  cursor: pointer;
}
:host(.sheet) .close::before, :host(.touch) .close::before { content: "×"; }
:host(.sheet) .close:focus-visible, :host(.touch) .close:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
/* A card that scrolls keeps a gutter for the button, so that no line
   scrolls under it. */
:host(.sheet) .card.scrolls, :host(.touch) .card.scrolls { padding-inline-end: 56px; }
:host(.sheet) .card.scrolls .close, :host(.touch) .card.scrolls .close { margin-inline-end: -46px; }
:host(.sheet) .card {
  width: 100vw;
  max-height: 60vh;
  border-radius: 14px 14px 0 0;
  border-bottom: 0;
}
:host(.sheet.top) .card {
  border-radius: 0 0 14px 14px;
  border-bottom: 1px solid var(--border);
  border-top: 0;
}
`;

const sheets = new WeakMap();

function sheetFor(view, css) {
  let perView = sheets.get(view);
  if (!perView) sheets.set(view, (perView = new Map()));
  let sheet = perView.get(css);
  if (!sheet) {
    sheet = new view.CSSStyleSheet();
    sheet.replaceSync(css);
    perView.set(css, sheet);
  }
  return sheet;
}

// Per scope (a document or a shadow root), per sheet text: how many users
// (highlighters, each for the scopes it holds mentions in and for its
// root's scope from creation on) and how to remove it.
const sheetUsers = new WeakMap();

function viewOf(scope) {
  return (scope.ownerDocument ?? scope).defaultView;
}

/** Adds `css` to `scope` once, as an adopted sheet or, where that is
 * refused, a <style> element, and returns a function that releases it; it
 * leaves the scope when its last user releases it. */
function adoptSheet(scope, css) {
  let users = sheetUsers.get(scope);
  if (!users) sheetUsers.set(scope, (users = new Map()));
  let entry = users.get(css);
  if (!entry) {
    entry = { count: 0, remove: addSheet(scope, css) };
    users.set(css, entry);
  }
  entry.count += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    entry.count -= 1;
    if (entry.count === 0) {
      users.delete(css);
      entry.remove();
    }
  };
}

/** Puts `css` into `scope`; returns what takes it out again. */
function addSheet(scope, css) {
  const sheet = sheetFor(viewOf(scope), css);
  if (!scope.adoptedStyleSheets.includes(sheet)) {
    try {
      scope.adoptedStyleSheets = [...scope.adoptedStyleSheets, sheet];
    } catch {
      // Firefox refuses adoptedStyleSheets from content scripts: fall back
      // to a <style> element, marked as the highlighter's own UI.
      return styleElementFallback(scope, css);
    }
  }
  return () => {
    scope.adoptedStyleSheets = scope.adoptedStyleSheets.filter((s) => s !== sheet);
  };
}

function styleElementFallback(scope, css) {
  const doc = scope.ownerDocument ?? scope;
  const style = doc.createElement('style');
  style.setAttribute('data-entity-highlighter', 'ui');
  style.textContent = css;
  (scope.head ?? scope).append(style);
  return () => style.remove();
}

/** Adopts the card's sheet into its shadow root, with the same fallback. */
export function adoptCardStyles(shadow) {
  const doc = shadow.ownerDocument;
  try {
    shadow.adoptedStyleSheets = [sheetFor(doc.defaultView, CARD_CSS)];
  } catch {
    styleElementFallback(shadow, CARD_CSS);
  }
}

/** The sheet of a highlighter's `mode` for a Document or ShadowRoot: the
 * wrappers' rules, or in paint mode the `::highlight()` rules (highlights
 * inside a shadow tree take their styles from its own sheets). Returns its
 * release. */
export function adoptHighlightStyles(scope, mode) {
  return adoptSheet(scope, mode === 'paint' ? paintCss : WRAPPER_CSS);
}
