// Quick WASM-vs-native check of one engine call, without a browser.
//
//   node bench/wasm-index.mjs [--pkg DIR] [--index FILE] [--json FILE] [--runs N] [--blocks] [TEXT...]
//
// With --blocks, line breaks become block separators (U+2029) first, as in
// the text the shell extracts from a page, and pieces end after one (as
// `BLOCKS=1 target/release/examples/index_page ...` does natively).
// Loads the web-target glue from a wasm-pack output dir (default www/pkg),
// opens the index (default target/bench/1m.ehx, which bench/run.mjs writes;
// or `cargo run --release -- index target/bench-data/names-1m.json -o FILE`)
// or compiles a JSON dictionary (--json), and times `engine.find(text)` for
// each text (default article, news-100k and news-1mb from
// target/bench-data): best and median wall time of N runs after a warm-up,
// and CPU time per run from process.cpuUsage; then, for an index, the same
// text given in pieces of about 64 K (`addText` each, then `find('')`, as
// the worker does), and find plus one `engine.entityFields(indices)` for
// all the distinct entities found, as
// the shell's matchNow does now (www/core/internal/local-matcher.js). Native numbers for the same
// index come from `target/release/examples/index_page INDEX TEXT 20`.
//
// To see where WASM time goes, build a variant that keeps function names
// into another dir (never www/pkg), e.g.
//   wasm-pack build --mode no-install --no-opt --no-pack --target web \
//     --out-dir /tmp/pkg-prof --profile wasm-release
// and run this script under `node --cpu-prof --pkg /tmp/pkg-prof ...`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [, value] = args.splice(at, 2);
  return value;
};
const pkg = path.resolve(option('--pkg', path.join(root, 'www/pkg')));
const indexFile = option('--index', path.join(root, 'target/bench/1m.ehx'));
const jsonFile = option('--json', null);
const runs = Number(option('--runs', '10'));
const blocksAt = args.indexOf('--blocks');
const blocks = blocksAt >= 0;
if (blocks) args.splice(blocksAt, 1);
const BREAK = blocks ? '\u2029' : '\n';
const data = path.join(root, 'target/bench-data');
const texts = args.length ? args : ['article.txt', 'news-100k.txt', 'news-1mb.txt'].map((name) => path.join(data, name));

const glue = await import(pathToFileURL(path.join(pkg, 'entity_highlighter.js')).href);
glue.initSync({ module: readFileSync(path.join(pkg, 'entity_highlighter_bg.wasm')) });
const engine = jsonFile ? new glue.Engine(readFileSync(jsonFile, 'utf8')) : glue.Engine.fromIndex(readFileSync(indexFile));
console.log(`${pkg}: ${jsonFile ?? indexFile}`);

const median = (list) => list[Math.floor(list.length / 2)];
const time = (call) => {
  call();
  const wall = [];
  const cpu = [];
  for (let run = 0; run < runs; run++) {
    const cpuBefore = process.cpuUsage();
    const before = performance.now();
    call();
    wall.push(performance.now() - before);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const ms = (value) => value.toFixed(2).padStart(8);
  return `best ${ms(wall[0])} ms  median ${ms(median(wall))} ms  cpu median ${ms(median(cpu))} ms`;
};

for (const file of texts) {
  const text = blocks ? readFileSync(file, 'utf8').replaceAll('\n', BREAK) : readFileSync(file, 'utf8');
  const triples = engine.find(text);
  const find = time(() => engine.find(text));
  // As a worker gets it (match-worker.js): pieces of about 64 K cut after
  // a line break (or block separator), their names selected one by one (addText), then one
  // find for the rest, which compiles and searches the whole text.
  const pieces = [];
  for (let at = 0; at < text.length;) {
    const cut = text.indexOf(BREAK, at + 64 * 1024);
    const end = cut < 0 ? text.length : cut + 1;
    pieces.push(text.slice(at, end));
    at = end;
  }
  const inPieces = jsonFile ? null : time(() => {
    for (const piece of pieces) engine.addText(piece);
    engine.find('');
  });
  // What the shell does now (local-matcher.js): the distinct entities'
  // records in one entityFields call, split into objects in JavaScript.
  const withFields = time(() => {
    const found = engine.find(text);
    const distinct = [...new Set(found.filter((_, i) => i % 3 === 2))];
    const fields = engine.entityFields(Uint32Array.from(distinct)).split('\0');
    const records = new Map();
    for (let k = 0; k < distinct.length; k++) {
      const [id, name, type, summary, url] = fields.slice(5 * k, 5 * k + 5);
      records.set(distinct[k], url ? { id, name, type, summary, url } : { id, name, type, summary });
    }
  });
  const name = path.basename(file);
  console.log(`${name.padEnd(16)} find            ${find}  triples ${triples.length / 3}`);
  if (inPieces) console.log(`${''.padEnd(16)} ${`${pieces.length} pieces`.padEnd(15)} ${inPieces}`);
  console.log(`${''.padEnd(16)} find + fields   ${withFields}`);
}
