// The body of a dedicated Worker that holds the WASM engine for a page
// (worker-matcher.js starts it; `createHighlighter({ worker: true })`).
// Matching a large page then runs beside the page's main thread instead of
// in its slices: the highlighter sends the text piece by piece while it is
// still walking the DOM, and this worker matches each piece as it arrives.
//
// Messages in (one at a time, in order):
//   { type: 'load', dictionary, wasmUrl, foldDiacritics, fetchTimeout, verify, progress }
//       → { type: 'progress', loaded, total }* then { type: 'ready', info, timings }
//   { type: 'practice-text', text } → nothing: while loading, the practice
//                                     rounds use the page's text too
//   { type: 'match', id, text }     → { type: 'matched', id, triples, entities }
//   { type: 'piece', stream, text } → nothing: the engine selects the names
//                                     the piece can contain (addText)
//   { type: 'finish', stream }      → { type: 'finished', stream, triples, entities }
//                                     for the stream's pieces joined (find)
//   { type: 'finish', stream, partChars }
//                                   → { type: 'part', stream, triples, entities, last }*
//                                     the same mentions, searched and sent in
//                                     parts of about partChars characters (an
//                                     index only; see findInParts)
//   { type: 'cancel', stream }      → nothing; the pieces are forgotten
// One stream at a time (the other side queues them); a failure answers
// { type: 'error', id | stream, error: { kind, message, problems, problemCount } }, or
// { type: 'error', load: true, ... } for the load. `entities` holds only
// the records this worker has not sent before, since the other side keeps
// every record it was sent.
import { createLocalMatcher } from './local-matcher.js';

let matcher = null;
/** The page's text for the practice rounds, when the page sends it. */
let givePracticeText;
const practiceText = new Promise((resolve) => { givePracticeText = resolve; });

/** The records of the entities in `triples` not sent before: those the
 * matcher has not read yet (it keeps every record it reads). */
function newRecords(triples) {
  const unread = [];
  for (let i = 2; i < triples.length; i += 3) if (!matcher.records.has(triples[i])) unread.push(triples[i]);
  const entities = {};
  matcher.addRecords(triples, entities);
  return Object.fromEntries(unread.map((index) => [index, entities[index]]));
}

/** An error as the other side rebuilds it: a HighlighterError (loading)
 * keeps its kind; anything else (an engine error while matching) has none,
 * and the highlighter reports it as it would from the page. */
function describe(error) {
  const problems = Array.isArray(error?.problems) ? error.problems : [];
  return { kind: error?.kind ?? null, message: String(error?.message ?? error), problems, problemCount: Number.isSafeInteger(error?.problemCount) ? error.problemCount : problems.length };
}

async function load({ dictionary, dictionaryUrl, wasmUrl, foldDiacritics, fetchTimeout, verify, progress }) {
  try {
    // A URL object in the page (blob: and data: too) is fetched as given.
    if (dictionaryUrl !== undefined) dictionary = new URL(dictionaryUrl);
    const onProgress = progress ? ({ loaded, total }) => postMessage({ type: 'progress', loaded, total }) : undefined;
    matcher = await createLocalMatcher({ dictionary, wasmUrl, foldDiacritics, fetchTimeout, onProgress, practiceText, verify });
    postMessage({ type: 'ready', info: await matcher.info(), timings: matcher.timings });
  } catch (error) {
    postMessage({ type: 'error', load: true, error: describe(error) });
  }
}

/** The stream whose pieces the engine holds, and the first failure among
 * them (answered at its finish). */
let active = null;
let streamError = null;
/** Calls of match() that came while a stream was active. */
const deferred = [];
/** Pieces received while the engine was busy, selected from in one call:
 * a piece's fixed cost (looking up the common words again) is then paid
 * once per batch, and a worker that falls behind catches up. A compiled
 * dictionary has nothing to do before the search: its pieces wait here
 * until the finish. */
let waiting = '';
let selecting = false;
/** Whether the engine holds pieces that no find() has taken yet. */
let added = false;
/** The active stream's length so far, in UTF-16 code units. */
let streamLength = 0;
const nextTask = new MessageChannel();

function addWaiting() {
  selecting = false;
  if (!waiting || streamError || !matcher?.isIndex) return;
  const text = waiting;
  waiting = '';
  try {
    added = true;
    matcher.engine.addText(text);
  } catch (error) {
    streamError = error;
    waiting = '';
  }
}
nextTask.port1.onmessage = addWaiting;

/** What the engine finds in the pieces added and those still waiting,
 * which it then forgets. */
function findAdded() {
  const text = waiting;
  waiting = '';
  added = false;
  return matcher.engine.find(text);
}

function forget() {
  // The engine forgets its pieces at its next find, whatever it finds.
  try {
    if (added) findAdded();
  } catch {
    // Nobody waits for that answer.
  }
  waiting = '';
  streamError = null;
}

/**
 * Searches the active stream's text in parts of about `partChars`, each
 * posted as soon as it is found, so that the page makes each part's
 * mentions while the worker searches the next (on a 1 MB page the search
 * takes about 25 ms, and the page's making and mapping of 12,600 mentions
 * about 10). Each part's candidates are ranked by that part alone; the
 * page ranks them again over the whole text.
 */
function findInParts(stream, partChars) {
  const text = waiting;
  waiting = '';
  added = false;
  const total = streamLength;
  for (let upTo = 0, first = true; ; first = false) {
    // The last parts get shorter (half of what is left, down to a quarter
    // of a part): the page's work on the last one is what it waits for.
    // A text of one part's length or less is one part.
    upTo += first && total <= partChars ? total : Math.min(partChars, Math.max(partChars / 4, Math.ceil((total - upTo) / 2)));
    const last = upTo >= total;
    const triples = matcher.engine.find(first ? text : '', undefined, last ? undefined : upTo);
    postMessage({ type: 'part', stream, triples, entities: newRecords(triples), last }, [triples.buffer]);
    if (last) return;
  }
}

function answer(reply, find) {
  try {
    if (!matcher) throw new Error('the worker has no dictionary');
    const triples = find();
    postMessage({ ...reply, triples, entities: newRecords(triples) }, [triples.buffer]);
  } catch (error) {
    postMessage({ ...reply, type: 'error', error: describe(error) });
  }
}

self.onmessage = ({ data }) => {
  switch (data.type) {
    case 'load':
      load(data);
      break;
    case 'practice-text':
      givePracticeText(data.text);
      break;
    case 'match':
      // The engine holds one stream's pieces, which a find would take: a
      // call of another highlighter waits for that stream's end. A text
      // matched apart (a screenful, while its page streams in) leaves
      // them in place, so it need not wait.
      if (active !== null && !data.apart) deferred.push(data);
      else answer({ type: 'matched', id: data.id }, () => matcher.engine.find(data.text, data.apart === true));
      break;
    case 'piece':
      if (active !== data.stream) {
        forget();
        active = data.stream;
        streamLength = 0;
      }
      waiting += data.text;
      streamLength += data.text.length;
      // Messages already queued run before this task.
      if (!selecting) {
        selecting = true;
        nextTask.port2.postMessage(null);
      }
      break;
    case 'finish': {
      // Not the active stream: no piece came, the text was empty.
      const mine = active === data.stream;
      const error = mine ? streamError : null;
      if (mine && !error && data.partChars > 0 && matcher?.isIndex) {
        try {
          findInParts(data.stream, data.partChars);
        } catch (failure) {
          // A text left half searched goes at the next whole find.
          added = true;
          forget();
          postMessage({ type: 'error', stream: data.stream, error: describe(failure) });
        }
      } else answer({ type: 'finished', stream: data.stream }, () => {
        if (error) {
          // The engine must not keep the failed stream's pieces for the
          // next text.
          forget();
          throw error;
        }
        return mine ? findAdded() : new Uint32Array(0);
      });
      if (mine) {
        active = null;
        streamError = null;
        runDeferred();
      }
      break;
    }
    case 'cancel':
      if (active === data.stream) {
        forget();
        active = null;
        runDeferred();
      }
      break;
  }
};

function runDeferred() {
  for (const call of deferred.splice(0)) self.onmessage({ data: call });
}
