// The extension's merging of several engines' answers (one per compact
// index, one for the JSON dictionaries) into one: plain Node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CombinedMatcher, mergeAnswers } from '../../www/extension/lib/combined-matcher.js';
import { LocalMatcher } from '../../www/core/internal/local-matcher.js';
import { Engine, initSync } from '../../www/pkg/entity_highlighter.js';
import { random } from './hostile/generate.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** An engine's answer from [start, end, entity number, id] rows. */
function answer(rows) {
  const entities = {};
  for (const [, , number, id] of rows) entities[number] = { id, name: id, type: 'city', summary: '' };
  return { triples: Uint32Array.from(rows.flatMap(([start, end, number]) => [start, end, number])), entities };
}

/** The merged answer as [start, end, id] rows. */
function rows({ triples, entities }) {
  const out = [];
  for (let i = 0; i < triples.length; i += 3) out.push([triples[i], triples[i + 1], entities[triples[i + 2]].id]);
  return out;
}

const CASES = [
  {
    what: 'a name inside a mention that lost to another dictionary\'s is found when its engine gave every occurrence',
    parts: [[[13, 27, 0, 'south-caucasus'], [19, 27, 1, 'caucasus']], [[0, 18, 0, 'talks-in-the-south']]],
    want: [[0, 18, 'talks-in-the-south'], [19, 27, 'caucasus']],
  },
  {
    what: 'mentions apart are all kept, in text order',
    parts: [[[0, 4, 0, 'a']], [[6, 9, 0, 'b'], [20, 25, 1, 'c']]],
    want: [[0, 4, 'a'], [6, 9, 'b'], [20, 25, 'c']],
  },
  {
    what: 'of two overlapping mentions the one starting first wins',
    parts: [[[3, 10, 0, 'later']], [[0, 5, 0, 'first']]],
    want: [[0, 5, 'first']],
  },
  {
    what: 'of two starting together the longer wins, whichever dictionary has it',
    parts: [[[0, 4, 0, 'short']], [[0, 12, 0, 'long']]],
    want: [[0, 12, 'long']],
  },
  {
    what: 'a mention inside a longer one of another dictionary goes',
    parts: [[[10, 24, 0, 'south-caucasus']], [[0, 24, 0, 'talks']]],
    want: [[0, 24, 'talks']],
  },
  {
    what: 'the same stretch in two dictionaries: candidates joined, the earlier dictionary first',
    parts: [[[0, 5, 0, 'x']], [[0, 5, 0, 'y']]],
    want: [[0, 5, 'x'], [0, 5, 'y']],
  },
  {
    what: 'an id already among a stretch\'s candidates is not given twice',
    parts: [[[0, 5, 0, 'same'], [0, 5, 1, 'other']], [[0, 5, 0, 'same']]],
    want: [[0, 5, 'same'], [0, 5, 'other']],
  },
  {
    what: 'joined candidates are ranked over the whole text: one named alone elsewhere comes first',
    parts: [[[0, 5, 0, 'x']], [[0, 5, 0, 'y'], [9, 14, 0, 'y']]],
    want: [[0, 5, 'y'], [0, 5, 'x'], [9, 14, 'y']],
  },
  {
    what: 'an entity two dictionaries hold is one to ranking: named alone through the later one\'s alias, it comes first where the earlier one is ambiguous',
    // "Georgia" in the first dictionary: the state (number 0), then the
    // country (1); the second holds the country too, with an alias the
    // text names alone twice.
    parts: [[[0, 7, 0, 'georgia-state'], [0, 7, 1, 'georgia-country']], [[10, 20, 0, 'georgia-country'], [25, 35, 0, 'georgia-country']]],
    want: [[0, 7, 'georgia-country'], [0, 7, 'georgia-state'], [10, 20, 'georgia-country'], [25, 35, 'georgia-country']],
    // All of its mentions carry the first dictionary's record, and the
    // second's goes nowhere.
    sharedRecord: { id: 'georgia-country', part: 0, number: 1 },
  },
  {
    what: 'no answer from any dictionary is no mention',
    parts: [[], []],
    want: [],
  },
];

for (const { what, parts, want, sharedRecord } of CASES) {
  test(`merging answers: ${what}`, () => {
    const answers = parts.map(answer);
    // Each dictionary's entity numbers start after the ones before it.
    const bases = parts.map((_, k) => 100 * k);
    const merged = mergeAnswers(answers, bases);
    assert.deepEqual(rows(merged), want);
    for (let i = 2; i < merged.triples.length; i += 3) assert.ok(merged.entities[merged.triples[i]], 'every number has its record');
    // The records are exactly those of the numbers the answer gives.
    assert.deepEqual(Object.keys(merged.entities).map(Number).sort((a, b) => a - b), [...new Set(merged.triples.filter((_, i) => i % 3 === 2))].sort((a, b) => a - b));
    if (sharedRecord) {
      const shared = answers[sharedRecord.part].entities[sharedRecord.number];
      for (let i = 2; i < merged.triples.length; i += 3) {
        const record = merged.entities[merged.triples[i]];
        if (record.id === sharedRecord.id) assert.equal(record, shared);
      }
    }
  });
}

test('merging answers: entity numbers of later dictionaries are moved past the earlier ones', () => {
  const merged = mergeAnswers([answer([[0, 3, 7, 'a']]), answer([[5, 8, 7, 'b']])], [0, 50]);
  assert.deepEqual([...merged.triples], [0, 3, 7, 5, 8, 57]);
  assert.deepEqual(Object.keys(merged.entities).map(Number).sort((a, b) => a - b), [7, 57]);
});

/** An answer as [start, end, candidate ids in the order given] per mention. */
function mentionsOf({ triples, entities }) {
  const out = [];
  for (let i = 0; i < triples.length; i += 3) {
    const id = entities[triples[i + 2]].id;
    const last = out.at(-1);
    if (last && last[0] === triples[i] && last[1] === triples[i + 1]) last[2].push(id);
    else out.push([triples[i], triples[i + 1], [id]]);
  }
  return out;
}

test('real engines joined find what one engine with all their names finds, names inside lost mentions too, candidates in the same order', () => {
  initSync({ module: readFileSync(path.join(ROOT, 'www', 'pkg', 'entity_highlighter_bg.wasm')) });
  // Names of one to three words from a pool of five, so that they overlap
  // and extend each other in texts made of them; some entities share a
  // name, so that mentions are ambiguous and their candidates ranked.
  const WORDS = ['Alma', 'Baku', 'Cora', 'Dilan', 'Elm'];
  const next = random(20261206);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const name = () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(WORDS)).join(' ');
  const entities = [];
  const names = [];
  while (entities.length < 40) {
    const text = names.length > 10 && next() < 0.2 ? pick(names) : name();
    if (!names.includes(text)) names.push(text);
    entities.push({ id: `e${entities.length}`, name: text, type: 'test', summary: 'A test entity.' });
  }
  const json = (list) => JSON.stringify({ entities: list });
  const engines = [];
  try {
    const whole = new LocalMatcher(new Engine(json(entities)));
    engines.push(whole);
    let ambiguous = 0;
    for (let round = 0; round < 5; round++) {
      // Two dictionaries, the first entities in one and the rest in the
      // other (cut elsewhere each round): entity numbers and dictionary
      // order stay those of the whole, so candidates rank alike.
      const cut = 5 + Math.floor(next() * 30);
      const sides = [entities.slice(0, cut), entities.slice(cut)];
      const parts = sides.map((list) => new LocalMatcher(new Engine(json(list))));
      engines.push(...parts);
      const combined = new CombinedMatcher(parts, sides.map((list) => ({ entityCount: list.length, types: {}, title: '' })));
      let lostAndFound = 0;
      for (let t = 0; t < 20; t++) {
        const text = Array.from({ length: 30 }, () => pick(WORDS)).join(pick([' ', ' ', ', ']));
        const want = mentionsOf(whole.matchNow(text));
        assert.deepEqual(mentionsOf(combined.matchNow(text)), want, `round ${round}, cut ${cut}, text ${text}`);
        ambiguous += want.filter((mention) => mention[2].length > 1).length;
        // How often joining each engine's own choice would have lost one.
        const joined = mentionsOf(mergeAnswers(parts.map((part) => part.matchNow(text)), [0, cut]));
        if (JSON.stringify(joined) !== JSON.stringify(want)) lostAndFound += 1;
      }
      assert.ok(lostAndFound > 0, `round ${round}: some text has a name inside a lost mention, so the test can fail`);
    }
    assert.ok(ambiguous > 0, 'some mentions have several candidates, whose order is compared');
  } finally {
    for (const engine of engines) engine.free();
  }
});
