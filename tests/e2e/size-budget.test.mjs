// The .wasm every page downloads stays within its budget (issue 5: at most
// 100 KB gzipped, read as 100,000 bytes). Gzipped here at level 9, as the
// benchmark's transfer table does, from the file scripts/build.mjs wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WASM_GZIP_BUDGET = 100_000;

test('the .wasm is at most 100,000 bytes gzipped', () => {
  const wasm = readFileSync(path.join(root, 'www/pkg/entity_highlighter_bg.wasm'));
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  assert.ok(gzipped <= WASM_GZIP_BUDGET, `the .wasm is ${gzipped} bytes gzipped; the budget is ${WASM_GZIP_BUDGET} (${gzipped - WASM_GZIP_BUDGET} over)`);
});
