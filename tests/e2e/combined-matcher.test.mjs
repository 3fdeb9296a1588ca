// The extension's merging of several engines' answers (one per compact
// index, one for the JSON dictionaries) into one: plain Node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeAnswers } from '../../www/extension/lib/combined-matcher.js';

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
    what: 'no answer from any dictionary is no mention',
    parts: [[], []],
    want: [],
  },
];

for (const { what, parts, want } of CASES) {
  test(`merging answers: ${what}`, () => {
    const answers = parts.map(answer);
    // Each dictionary's entity numbers start after the ones before it.
    const bases = parts.map((_, k) => 100 * k);
    const merged = mergeAnswers(answers, bases);
    assert.deepEqual(rows(merged), want);
    for (let i = 2; i < merged.triples.length; i += 3) assert.ok(merged.entities[merged.triples[i]], 'every number has its record');
  });
}

test('merging answers: entity numbers of later dictionaries are moved past the earlier ones', () => {
  const merged = mergeAnswers([answer([[0, 3, 7, 'a']]), answer([[5, 8, 7, 'b']])], [0, 50]);
  assert.deepEqual([...merged.triples], [0, 3, 7, 5, 8, 57]);
  assert.deepEqual(Object.keys(merged.entities).map(Number).sort((a, b) => a - b), [7, 57]);
});
