// Type-checks that the public declarations are usable as documented.
import { createHighlighter, HighlighterError, type Highlighter, type Mention } from '../../www/core/index.js';
import { Engine, type EntityRecord } from '../../www/pkg/entity_highlighter.js';

async function example(root: Element): Promise<string[]> {
  const highlighter: Highlighter = await createHighlighter({ root, mentions: 'first', types: ['person'], theme: 'dark' });
  const { mentions, timings } = await highlighter.highlight();
  const total: number = timings.extraction + timings.matching + timings.domChanges;
  const names = mentions.map((mention: Mention) => `${mention.entity.name} (${mention.candidates.length}) ${total}`);
  highlighter.clear();
  return names;
}

function engineExample(json: string): EntityRecord | undefined {
  const engine = new Engine(json, { foldDiacritics: false });
  const triples: Uint32Array = engine.find('Baku');
  return engine.entity(triples[2] ?? 0);
}

function isDictionaryError(error: unknown): boolean {
  return error instanceof HighlighterError && error.kind === 'dictionary' && error.problems.every((p) => typeof p.location === 'string');
}

export { example, engineExample, isDictionaryError };
