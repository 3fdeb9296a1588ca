// The one error type the package reports. `kind` says which part failed:
// "option" (a bad option), "dictionary" (could not be loaded or refused),
// "wasm" (the module could not start, often because of the page's CSP) or
// "page" (the page changed under the highlighter in a way it could not
// handle; the page is restored first).
export class HighlighterError extends Error {
  constructor(kind, message, { problems = [], problemCount = problems.length, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HighlighterError';
    this.kind = kind;
    this.problems = problems;
    /** How many problems were found in all: a file with thousands lists
     * only the first few hundred in `problems`. */
    this.problemCount = Math.max(problemCount, problems.length);
  }
}

/** Logs a failure once, in plain words, then returns it for throwing. */
export function report(error) {
  // Keep the console message self-explanatory: a site owner reading it
  // should know what failed and that the page was left as it was.
  console.error(`entity-highlighter: ${error.message}`);
  return error;
}
