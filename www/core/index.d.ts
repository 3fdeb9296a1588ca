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
   * The dictionary: a URL (string or URL) to fetch, a dictionary object,
   * JSON text (a string whose first non-blank character is `{`), or bytes.
   * A JSON dictionary is compiled whole; a compact index (a file made by
   * `entity-highlighter index`, recognised by its first bytes, "EHIX") is
   * used as it is and compiles for each pass only the names the text can
   * contain: the way to use dictionaries of a million names. Default: the
   * bundled world-news dictionary next to the core package.
   */
  dictionary?: string | URL | DictionaryObject | ArrayBuffer | Uint8Array;
  /** Follows the dictionary's download: bytes loaded and total (0 when the
   * server does not say). */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /**
   * Milliseconds the dictionary's download may take, from the request to
   * the last byte, before it fails with a `HighlighterError` of kind
   * `"dictionary"`. Default 30,000.
   */
  fetchTimeout?: number;
  /**
   * Check a compact index byte by byte against the checksums written with
   * it before using it (opening one reads only its header, so as to be
   * ready at once); a damaged file is refused with a `HighlighterError` of
   * kind `"dictionary"` that says where. About 15 ms for a million names.
   * For a file that may have been damaged on its way, such as one a reader
   * chose. A JSON dictionary is checked whole either way. Default false.
   */
  verify?: boolean;
  /**
   * Every mention, or only the first of each entity. Default `"all"`. An
   * ambiguous mention counts for its first (likeliest) candidate.
   */
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
  /**
   * How mentions are shown. `"wrap"` (default): each is wrapped in an
   * `<entity-mention>` element; works everywhere, focusable by keyboard.
   * `"paint"`: the CSS Custom Highlight API paints them and the page's DOM
   * is not changed at all (safe on React/Vue pages); cards open by hover
   * and touch through hit-testing, not by keyboard. `"auto"`: paint where
   * the browser supports it, else wrap. Fixed at creation.
   */
  mode?: 'wrap' | 'paint' | 'auto';
  /**
   * Keep highlighting content the page adds or changes later (infinite
   * scroll, live blogs, single-page navigation, edited text): a
   * MutationObserver batches changes and re-highlights only the blocks
   * around them, in slices of a few milliseconds. Text shown later (a
   * tab, a `<details>`, a root hidden at the first pass) is highlighted
   * when shown. Default `false`.
   */
  observe?: boolean;
  /** Called after each incremental pass (with `observe`). */
  onUpdate?: (update: { added: Mention[]; mentions: Mention[]; timings: Omit<Timings, 'wasmStartup' | 'dictionaryReady'> }) => void;
  /**
   * Match in a dedicated Worker instead of the page's main thread: the
   * WASM engine and dictionary load there, and each pass hands the text
   * over piece by piece while it walks the page, so matching (with a
   * compact index, selecting each piece's names) runs beside the walk and
   * never in the page's own tasks. Worth it for large dictionaries and
   * long pages. The worker script is `internal/match-worker.js` next to
   * this package, so it must be served from the page's own origin and the
   * page's CSP must allow it (`worker-src`, or the directives it falls
   * back to: `child-src`, `script-src`, `default-src`); where it
   * cannot start, matching stays in the page with a console warning
   * (`Highlighter.worker` says which). Default `false`.
   */
  worker?: boolean;
  /**
   * Matching done elsewhere (the extension's service worker): when given,
   * no WASM is loaded in the page, and the options about loading one
   * (`dictionary`, `wasmUrl`, `foldDiacritics`, `onProgress`,
   * `fetchTimeout`, `verify` and `worker`) are refused.
   */
  matcher?: Matcher;
}

/** Dictionary facts a UI shows. */
export interface DictionaryInfo {
  title?: string;
  asOf?: string;
  entityCount: number;
  /** Entity count per type. */
  types: Record<string, number>;
}

/** Finds mentions for a highlighter. */
export interface Matcher {
  /** Read again at each `highlight()` of a highlighter given this
   * matcher, inside the pass: answer from what is at hand. */
  info(): Promise<DictionaryInfo>;
  /**
   * `(start, end, entity index)` triples in UTF-16 units (an ambiguous
   * mention gives one triple per candidate, likeliest first), and the
   * record of every entity index they use.
   */
  match(text: string): Promise<{ triples: Uint32Array | number[]; entities: Record<number, EntityRecord> }>;
  /**
   * Optional: matching of a text given in pieces, each ending just after a
   * block separator (U+2029): `push` each piece in order, then `finish`
   * gives what `match` gives for their concatenation; `cancel` gives it
   * up. A highlighter uses it, when present, to hand the text over during
   * its walk. With `finishInParts` (optional) instead of `finish`, each
   * `next()` gives the next part of that answer, in text order, until the
   * one marked `last`; each part may rank an ambiguous mention's
   * candidates by what that part alone names (the highlighter ranks them
   * again over the whole text), so a highlighter makes the first parts'
   * mentions while the rest is matched.
   */
  openStream?(): MatchStream;
}

/** What `Matcher.openStream` returns. */
export interface MatchStream {
  push(piece: string): void;
  finish(): Promise<{ triples: Uint32Array | number[]; entities: Record<number, EntityRecord> }>;
  finishInParts?(): { next(): Promise<{ triples: Uint32Array | number[]; entities: Record<number, EntityRecord>; last: boolean }> };
  cancel(): void;
}

/** A matcher whose WASM engine runs in a dedicated Worker. */
export interface WorkerMatcher extends Matcher {
  openStream(): MatchStream & { finishInParts(): { next(): Promise<{ triples: Uint32Array; entities: Record<number, EntityRecord>; last: boolean }> } };
  /** As LocalMatcher's, measured in the worker, plus `workerStartup`: the
   * rest of the time from starting the worker to its being ready. */
  timings: { wasmStartup: number; dictionaryReady: number; dictionaryBuild: number; dictionaryCheck: number | null; dictionaryBytes: number; practiceRounds: number; practiceOnPageText: number; workerStartup: number };
  /** Stops the worker; a highlighter never frees a matcher it was given,
   * so whoever created a shared one frees it. */
  free(): void;
}

/** A matcher running the WASM engine in this context (page or worker). */
export interface LocalMatcher extends Matcher {
  /** Synchronous `match`, for callers that must stay in one task. */
  matchNow(text: string): { triples: Uint32Array; entities: Record<number, EntityRecord> };
  /** Every occurrence that passes the matching rules, overlapping ones
   * included, by start and then longest first (an ambiguous one's
   * candidates unranked): for joining several matchers' answers as one
   * dictionary holding all their names would, by taking over all of them
   * the leftmost, then longest, occurrence that overlaps none taken. */
  matchOverlappingNow(text: string): { triples: Uint32Array; entities: Record<number, EntityRecord> };
  /** WASM start-up and dictionary times of its creation, in ms: the
   * download and WASM start-up run together, and `dictionaryReady` runs
   * from their start to the engine's being ready (start-up included),
   * `dictionaryBuild` from the bytes' arrival, `dictionaryCheck` the part
   * of it spent checking an index (`verify`; null if nothing was checked,
   * a JSON dictionary included); the dictionary's size in bytes;
   * `practiceRounds`, the practice rounds (Engine.warmUp) that filled a
   * long download so the first page runs optimised code, and
   * `practiceOnPageText`, how many of them also ran on `practiceText`. */
  timings: { wasmStartup: number; dictionaryReady: number; dictionaryBuild: number; dictionaryCheck: number | null; dictionaryBytes: number; practiceRounds: number; practiceOnPageText: number };
  /** Releases the engine's memory. */
  free(): void;
}

/** One mention in the page. */
export interface Mention {
  /** Unique within one pass; also the wrappers' `data-mention`. */
  id: number;
  /** The first (likeliest) candidate. */
  entity: EntityRecord;
  /**
   * Every entity the name may refer to (more than one when ambiguous), the
   * likeliest first: entities the same text names unambiguously, then
   * dictionary order.
   */
  candidates: EntityRecord[];
  /** The mention's text as it stands in the page. */
  text: string;
  /** Offsets in UTF-16 code units into the pass's text buffer. */
  start: number;
  end: number;
  /** The wrapper elements, one per text node the mention spans (mode
   * "wrap"); empty in mode "paint". */
  elements: HTMLElement[];
  /**
   * The painted ranges (mode "paint"), as live Ranges made afresh at each
   * read: the highlighter paints with StaticRanges, so that a page with
   * thousands of mentions does not pay for as many live Ranges on each of
   * its own text changes. Read it when needed rather than keeping it. An
   * accessor, not an own property: a copy of the mention (`{ ...mention }`)
   * does not have it. Empty once the page has changed the mention's text.
   */
  readonly ranges?: Range[];
}

/** Milliseconds spent in each stage. */
export interface Timings {
  /** Compiling and instantiating the WASM module (0 when cached). */
  wasmStartup: number;
  /** Fetching, validating and compiling the dictionary (0 when cached),
   * from the start of the fetch; WASM starts during the download, so this
   * includes `wasmStartup`. */
  dictionaryReady: number;
  /** First pass only: the part of `dictionaryReady` spent checking an
   * index against its checksums (the `verify` option; null if nothing was
   * checked). */
  dictionaryCheck?: number | null;
  /** Collecting the page's text into one buffer. */
  extraction: number;
  /** Finding mentions in WASM (with a worker: the wait for its answer
   * after the walk, the rest of its work overlapping `extraction`). */
  matching: number;
  /** Inserting the wrappers. */
  domChanges: number;
  /** First pass only: text nodes walked in practice while the dictionary
   * downloaded, so that the first walk runs warm code. */
  practiceNodes?: number;
}

export interface HighlightResult {
  mentions: Mention[];
  timings: Timings;
}

/** Every failure the package reports is one of these. */
export class HighlighterError extends Error {
  /** What failed. */
  kind: 'option' | 'dictionary' | 'wasm' | 'page';
  /** For a refused dictionary: its problems with where each is, in file
   * order; at most a few hundred (see `problemCount`). */
  problems: { location: string; message: string }[];
  /** How many problems were found in all (at least `problems.length`). */
  problemCount: number;
}

export interface Highlighter {
  /** Highlights the root, replacing this highlighter's earlier pass: its
   * marks stay shown while the new pass reads and matches the text, and go
   * in the task that shows the first new ones. (`mentions` lists none
   * while the pass runs.) */
  highlight(): Promise<HighlightResult>;
  /** Removes every wrapper, painted range and card, and stops observing;
   * the DOM is as it was before. A `highlight()` still running stops at its
   * next pause and one not yet started does not run: both resolve with no
   * mentions. */
  clear(): void;
  /** Changes options; takes effect at the next `highlight()`. */
  setOptions(options: Omit<HighlighterOptions, 'dictionary' | 'wasmUrl' | 'foldDiacritics' | 'matcher' | 'mode' | 'root' | 'onProgress' | 'fetchTimeout' | 'verify'>): void;
  /** The mode in use: `"auto"` resolved to `"wrap"` or `"paint"`. */
  readonly mode: 'wrap' | 'paint';
  /** Whether matching runs in a worker (see the `worker` option). */
  readonly worker: boolean;
  /** The mentions on the page, in document order: the last pass's, and
   * with `observe` those of the incremental passes since. */
  readonly mentions: Mention[];
  /** Title, date, size and entity count per type of the loaded dictionary.
   * With a `matcher` you gave, its `info()` is read again at each
   * `highlight()`, so this follows a matcher whose dictionary changes. */
  readonly dictionary: DictionaryInfo;
  /** Clears and releases the WASM engine. */
  destroy(): void;
}

/** Loads the engine and dictionary; rejects with a `HighlighterError`. */
export function createHighlighter(options?: HighlighterOptions): Promise<Highlighter>;

/** Starts WASM (once per context) and builds a matcher for a dictionary. */
export interface MatcherOptions extends Pick<HighlighterOptions, 'dictionary' | 'wasmUrl' | 'foldDiacritics' | 'onProgress' | 'fetchTimeout' | 'verify'> {
  /** The text the first match will be given (or its start), when it is
   * known: the practice rounds that fill a long download run on it too. */
  practiceText?: Promise<string>;
}

export function createLocalMatcher(options?: MatcherOptions): Promise<LocalMatcher>;

/**
 * Starts a worker (see the `worker` option) and loads the dictionary there.
 * Resolves to null when the page cannot start a worker from the package's
 * address; rejects with a `HighlighterError` as `createLocalMatcher` does.
 * One matcher can serve several highlighters (pass it as `matcher`); their
 * texts are matched one after another.
 */
export function createWorkerMatcher(options?: MatcherOptions): Promise<WorkerMatcher | null>;

/** Shortcut: create, highlight, and return both. */
export function highlight(options?: HighlighterOptions): Promise<{ highlighter: Highlighter; result: HighlightResult }>;

/** Whether this browser has the CSS Custom Highlight API ("paint" mode). */
export function paintSupported(view?: Window): boolean;

/** The attribute that turns highlighting off for an element's subtree. */
export const OPT_OUT_ATTRIBUTE: 'data-entity-highlighter';
/** The wrapper element's tag name. */
export const WRAPPER_TAG: 'entity-mention';
