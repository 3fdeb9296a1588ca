// Public API of the entity highlighter's core package (www/core/index.js).
// The demo, the widget and the extension import only this entry point.

/** One entity of the dictionary. Every string is plain text, never HTML. */
export interface EntityRecord {
  id: string;
  name: string;
  type: string;
  summary: string;
  /** Always an http: or https: address when present. */
  url?: string;
}

/** A dictionary given as data rather than as a URL. */
export interface DictionaryObject {
  name?: string;
  as_of?: string;
  entities: unknown[];
}

export interface HighlighterOptions {
  /** Element whose text is highlighted. Default: `document.body`. */
  root?: Element;
  /**
   * The dictionary: a URL (string or URL) to fetch, a dictionary object, or
   * JSON text prefixed by nothing (detected by a leading `{`). Default: the
   * bundled world-news dictionary next to the core package.
   */
  dictionary?: string | URL | DictionaryObject;
  /** Every mention, or only the first of each entity. Default `"all"`. */
  mentions?: 'all' | 'first';
  /** Entity types to show (`["person", "country"]`); `null` for all. */
  types?: string[] | null;
  /**
   * Extra CSS selectors whose subtrees are never highlighted, on top of the
   * fixed exclusions (script, style, form fields, contenteditable, SVG,
   * hidden elements, `[data-entity-highlighter="off"]`). Default
   * `["code", "pre"]`; pass `[]` to highlight code and pre too.
   */
  skip?: string[];
  /** Show hover cards. Default `true`. */
  cards?: boolean;
  /** Card theme. Default `"auto"` (follows `prefers-color-scheme`). */
  theme?: 'auto' | 'light' | 'dark';
  /** Match letters with and without diacritics alike. Default `true`. */
  foldDiacritics?: boolean;
  /** Where `entity_highlighter_bg.wasm` is. Default: next to the package. */
  wasmUrl?: string | URL;
}

/** One mention in the page. */
export interface Mention {
  /** Unique within one pass; also the wrappers' `data-mention`. */
  id: number;
  /** The first candidate. */
  entity: EntityRecord;
  /** Every entity the name may refer to (more than one when ambiguous). */
  candidates: EntityRecord[];
  /** The mention's text as it stands in the page. */
  text: string;
  /** Offsets in UTF-16 code units into the pass's text buffer. */
  start: number;
  end: number;
  /** The wrapper elements, one per text node the mention spans. */
  elements: HTMLElement[];
}

/** Milliseconds spent in each stage. */
export interface Timings {
  /** Compiling and instantiating the WASM module (0 when cached). */
  wasmStartup: number;
  /** Fetching, validating and compiling the dictionary (0 when cached). */
  dictionaryReady: number;
  /** Collecting the page's text into one buffer. */
  extraction: number;
  /** Finding mentions in WASM. */
  matching: number;
  /** Inserting the wrappers. */
  domChanges: number;
}

export interface HighlightResult {
  mentions: Mention[];
  timings: Timings;
}

/** Every failure the package reports is one of these. */
export class HighlighterError extends Error {
  /** What failed. */
  kind: 'option' | 'dictionary' | 'wasm' | 'page';
  /** For a refused dictionary: every problem with where it is. */
  problems: { location: string; message: string }[];
}

export interface Highlighter {
  /** Highlights the root (clearing this highlighter's earlier pass first). */
  highlight(): Promise<HighlightResult>;
  /** Removes every wrapper and card; the DOM is as it was before. */
  clear(): void;
  /** Changes options; takes effect at the next `highlight()`. */
  setOptions(options: Omit<HighlighterOptions, 'dictionary' | 'wasmUrl' | 'foldDiacritics'>): void;
  /** The mentions of the last pass. */
  readonly mentions: Mention[];
  /** Title, date and size of the loaded dictionary. */
  readonly dictionary: { title?: string; asOf?: string; entityCount: number };
  /** Clears and releases the WASM engine. */
  destroy(): void;
}

/** Loads the engine and dictionary; rejects with a `HighlighterError`. */
export function createHighlighter(options?: HighlighterOptions): Promise<Highlighter>;

/** Shortcut: create, highlight, and return both. */
export function highlight(options?: HighlighterOptions): Promise<{ highlighter: Highlighter; result: HighlightResult }>;

/** The attribute that turns highlighting off for an element's subtree. */
export const OPT_OUT_ATTRIBUTE: 'data-entity-highlighter';
/** The wrapper element's tag name. */
export const WRAPPER_TAG: 'entity-mention';
