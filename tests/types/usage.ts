// Type-checks that the public declarations are usable as documented.
import { createHighlighter, createLocalMatcher, createWorkerMatcher, HighlighterError, type Highlighter, type Mention } from '../../www/core/index.js';
import { Engine } from '../../www/pkg/entity_highlighter.js';

async function example(root: Element): Promise<string[]> {
  const highlighter: Highlighter = await createHighlighter({ root, mentions: 'first', types: ['person'], theme: 'dark' });
  const { mentions, timings } = await highlighter.highlight();
  const total: number = timings.extraction + timings.matching + timings.domChanges;
  const names = mentions.map((mention: Mention) => `${mention.entity.name} (${mention.candidates.length}) ${total}`);
  highlighter.clear();
  return names;
}

function engineExample(json: string, index: Uint8Array): string[] {
  const engine = new Engine(json, { foldDiacritics: false });
  const triples: Uint32Array = engine.find('Baku');
  const large = Engine.fromIndex(index);
  large.addText('Baku\u2029');
  const added: Uint32Array = large.find('Tbilisi');
  return engine.entityFields(Uint32Array.from([triples[2] ?? 0, added[2] ?? 0])).split('\0');
}

async function workerExample(root: Element): Promise<boolean> {
  const inWorker = await createHighlighter({ root, dictionary: '/names.ehx', worker: true, verify: true });
  const shared = await createWorkerMatcher({ dictionary: '/names.ehx', verify: true });
  if (shared) {
    const other = await createHighlighter({ root, matcher: shared });
    const stream = shared.openStream();
    stream.push('Baku\u2029');
    const { triples } = await stream.finish();
    const inParts = shared.openStream();
    inParts.push('Baku\u2029Baku\u2029');
    const parts = inParts.finishInParts();
    for (let part = await parts.next(); !part.last; part = await parts.next()) part.triples.slice(0, 3);
    other.destroy();
    shared.free();
    return inWorker.worker && triples.length >= 0 && shared.timings.workerStartup >= 0;
  }
  return inWorker.worker;
}

/** Two matchers joined as one dictionary would be: every occurrence of
 * each, then the leftmost-longest over both. */
async function joinedExample(): Promise<number> {
  const index = await createLocalMatcher({ dictionary: '/names.ehx', verify: true });
  const json = await createLocalMatcher({ dictionary: '/world-news.json' });
  const answers = [index, json].map((matcher) => matcher.matchOverlappingNow('Talks in Baku'));
  const first: Uint32Array = answers[0].triples;
  index.free();
  json.free();
  return first.length + answers[1].triples.length;
}

function isDictionaryError(error: unknown): boolean {
  return error instanceof HighlighterError && error.kind === 'dictionary' && error.problems.every((p) => typeof p.location === 'string');
}

export { example, engineExample, workerExample, joinedExample, isDictionaryError };
