// The extension's plan of engines for its active dictionaries
// (www/extension/lib/store.js): plain Node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPart, planParts } from '../../www/extension/lib/store.js';

const json = (id) => ({ id, title: `JSON ${id}`, compact: false });
const compact = (id) => ({ id, title: `Index ${id}`, compact: true });

const PLANS = [
  { what: 'nothing active: one empty JSON engine', active: [], want: [['json:', []]] },
  { what: 'the bundled dictionary alone', active: [json('bundled')], want: [['json:bundled', ['bundled']]] },
  {
    what: 'JSON dictionaries merged at the first one\'s place, each index alone',
    active: [json('bundled'), compact('c1'), json('j2')],
    want: [['json:bundled\nj2', ['bundled', 'j2']], ['compact:c1', ['c1']]],
  },
  {
    what: 'an index first keeps its place',
    active: [compact('c1'), json('j2'), compact('c3')],
    want: [['compact:c1', ['c1']], ['json:j2', ['j2']], ['compact:c3', ['c3']]],
  },
  { what: 'indexes only: no JSON engine', active: [compact('c1'), compact('c2')], want: [['compact:c1', ['c1']], ['compact:c2', ['c2']]] },
];

for (const { what, active, want } of PLANS) {
  test(`engine plan: ${what}`, () => {
    assert.deepEqual(planParts(active).map((part) => [part.key, part.ids]), want);
  });
}

test('engine plan: the same JSON dictionaries give the same key whatever indexes come and go, and a different set another', () => {
  const key = (active) => planParts(active).find((part) => !part.compact).key;
  assert.equal(key([json('bundled'), compact('c1'), json('j2')]), key([json('bundled'), json('j2')]));
  assert.notEqual(key([json('bundled'), json('j2')]), key([json('bundled')]));
  assert.notEqual(key([json('bundled'), json('j2')]), key([json('j2'), json('bundled')]));
});

test('loading a part reads only what it holds, and skips what is gone', async () => {
  const reads = [];
  const storage = {
    async get(keys) {
      reads.push(...keys);
      return { 'dictionary:j2': JSON.stringify({ name: 'Two', entities: [{ id: 'x', name: 'X', type: 'city', summary: 's' }] }) };
    },
  };
  const bundled = JSON.stringify({ name: 'Bundled', entities: [{ id: 'x', name: 'X', type: 'city', summary: 's' }, { id: 'y', name: 'Y', type: 'city', summary: 's' }] });
  const readCompact = async (ids) => new Map(ids.filter((id) => id === 'c1').map((id) => [id, new Uint8Array([1, 2, 3])]));
  const active = [json('bundled'), compact('c1'), json('j2'), json('gone'), compact('lost')];
  const [jsonPart, index, lost] = planParts(active);
  const merged = await loadPart(jsonPart, active, { fetchBundled: async () => bundled, readCompact, storage });
  assert.deepEqual(reads, ['dictionary:j2', 'dictionary:gone']);
  assert.equal(JSON.parse(merged.json).entities.length, 2, 'x from the bundled one, y; the second x skipped');
  assert.deepEqual(merged.entries.map(({ id, entities, skipped }) => [id, entities, skipped]), [['bundled', 2, 0], ['j2', 0, 1]]);
  assert.equal(merged.skipped, 1);
  const opened = await loadPart(index, active, { fetchBundled: async () => assert.fail('an index part fetches nothing else'), readCompact, storage });
  assert.deepEqual([...opened.bytes], [1, 2, 3]);
  assert.deepEqual(opened.entries, [{ id: 'c1', title: 'Index c1', entities: null, skipped: 0 }]);
  assert.equal(await loadPart(lost, active, { fetchBundled: async () => bundled, readCompact, storage }), null);
});
