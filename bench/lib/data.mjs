// Derived inputs of the scale benchmark, made once and cached in
// target/bench/ (remade when their source is newer):
//
// - <key>.names.json: every name of a dictionary (names and aliases, as
//   written, distinct, in dictionary order): what the JS peers compile;
// - <key>-exact.json: the same dictionary with every name matched "only as
//   written" (entity-level `"match": { "case": "exact" }`, per-name options
//   dropped): with `foldDiacritics: false` this is our engine in the
//   configuration closest to the peers', for comparing mention sets;
// - <key>.ehx / <key>-exact.ehx: compact indexes, made with the
//   command-line tool (`entity-highlighter index`), exactly as a user would.
//
// Also gzip sizes (level 9), cached by file size and modification time.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { createGzip, gzipSync, constants as zlibConstants } from 'node:zlib';

export const DICTIONARIES = [
  { key: 'bundled', label: 'bundled (world news)', file: (root) => path.join(root, 'data', 'world-news.json'), url: '/data/world-news.json', index: false },
  { key: '100k', label: 'names-100k', file: (root, dataDir) => path.join(dataDir, 'names-100k.json'), url: '/bench-data/names-100k.json', index: true },
  { key: '1m', label: 'names-1m', file: (root, dataDir) => path.join(dataDir, 'names-1m.json'), url: '/bench-data/names-1m.json', index: true },
];

export const TEXTS = [
  { key: 'article', label: 'article', file: 'article.txt' },
  { key: 'news-100k', label: 'news-100k', file: 'news-100k.txt', html: 'news-100k.html' },
  { key: 'news-1mb', label: 'news-1mb', file: 'news-1mb.txt', html: 'news-1mb.html' },
];

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
const fresh = (output, ...inputs) => existsSync(output) && inputs.every((input) => mtime(output) >= mtime(input));

function run(command, args, { cwd, log }) {
  log?.(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function* namesOf(dictionary) {
  for (const entity of dictionary.entities ?? []) {
    if (typeof entity?.name === 'string') yield entity.name;
    for (const alias of entity?.aliases ?? []) {
      if (typeof alias === 'string') yield alias;
      else if (typeof alias?.name === 'string') yield alias.name;
    }
  }
}

function exactVariant(dictionary) {
  return {
    ...dictionary,
    name: `${dictionary.name ?? 'dictionary'} (every name matched as written)`,
    entities: dictionary.entities.map((entity) => ({
      ...entity,
      aliases: entity.aliases?.map((alias) => (typeof alias === 'string' ? alias : alias.name)),
      match: { case: 'exact' },
    })),
  };
}

/** One entity a line, as the benchmark data is written. */
function writeDictionary(file, dictionary) {
  const { entities, ...head } = dictionary;
  const lines = entities.map((entity) => JSON.stringify(entity));
  const headText = JSON.stringify(head).slice(0, -1);
  writeFileSync(file, `${headText}${Object.keys(head).length ? ',' : ''}\n"entities":[\n${lines.join(',\n')}\n]}\n`);
}

/**
 * Makes every derived file for the dictionaries present. Returns, per
 * dictionary key, the paths (absent dictionaries are left out, with a note).
 */
export function prepareData({ root, dataDir, outDir, quick, log, notes }) {
  mkdirSync(outDir, { recursive: true });
  const cli = path.join(root, 'target', 'release', 'entity-highlighter');
  run('cargo', ['build', '--release', '--quiet', '--bin', 'entity-highlighter'], { cwd: root, log });
  const self = new URL(import.meta.url).pathname;
  const prepared = {};
  for (const spec of DICTIONARIES) {
    const source = spec.file(root, dataDir);
    if (!existsSync(source)) {
      notes.push(`${spec.label}: ${source} is missing; skipped (run scripts/build-bench-data)`);
      continue;
    }
    const files = {
      source,
      names: path.join(outDir, `${spec.key}.names.json`),
      exact: path.join(outDir, `${spec.key}-exact.json`),
      index: spec.index ? path.join(outDir, `${spec.key}.ehx`) : null,
      exactIndex: spec.index ? path.join(outDir, `${spec.key}-exact.ehx`) : null,
    };
    if (!fresh(files.names, source, self) || !fresh(files.exact, source, self)) {
      log?.(`preparing names and the exact-case variant of ${spec.label}`);
      // In a child with a large heap: a 100 MB dictionary is a few GB of objects.
      run(process.execPath, ['--max-old-space-size=8192', self, 'convert', source, files.names, files.exact], { cwd: root });
    }
    if (files.index && !fresh(files.index, source, cli)) {
      run(cli, ['index', '--max-size', '1000000000', source, '-o', files.index], { cwd: root, log });
    }
    if (files.exactIndex && !fresh(files.exactIndex, files.exact, cli)) {
      run(cli, ['index', '--max-size', '1000000000', '--keep-diacritics', files.exact, '-o', files.exactIndex], { cwd: root, log });
    }
    prepared[spec.key] = files;
  }
  return prepared;
}

/** gzip -9 size of a file, cached by path, size and mtime. */
export async function gzipSize(file, cacheFile) {
  let cache = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {}
  const info = statSync(file);
  const key = `${file}:${info.size}:${info.mtimeMs}`;
  if (cache[key] !== undefined) return cache[key];
  const size = await new Promise((resolve, reject) => {
    let total = 0;
    const gzip = createGzip({ level: zlibConstants.Z_BEST_COMPRESSION });
    gzip.on('data', (chunk) => { total += chunk.length; });
    gzip.on('end', () => resolve(total));
    gzip.on('error', reject);
    createReadStream(file).on('error', reject).pipe(gzip);
  });
  cache[key] = size;
  writeFileSync(cacheFile, JSON.stringify(cache, null, 1));
  return size;
}

/** `node data.mjs convert SOURCE NAMES_OUT EXACT_OUT` (run by prepareData). */
function convert(source, namesOut, exactOut) {
  const dictionary = JSON.parse(readFileSync(source, 'utf8'));
  writeFileSync(namesOut, JSON.stringify([...new Set(namesOf(dictionary))]));
  writeDictionary(exactOut, exactVariant(dictionary));
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname && process.argv[2] === 'convert') {
  convert(process.argv[3], process.argv[4], process.argv[5]);
}

/**
 * The sections of a compact index (see src/index.rs for the layout) with
 * their raw and gzip -9 sizes, to show where the compressed bytes go.
 * Cached like gzipSize.
 */
export function indexSections(file, cacheFile) {
  let cache = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {}
  const info = statSync(file);
  const key = `sections:${file}:${info.size}:${info.mtimeMs}`;
  if (cache[key] !== undefined) return cache[key];
  const bytes = readFileSync(file);
  let at = 4;
  const u32 = () => {
    const v = bytes.readUInt32LE(at);
    at += 4;
    return v;
  };
  const sections = [];
  const header = { name: 'header', start: 0 };
  u32(); u32(); u32(); u32(); u32(); // version, flags, entities, names, keys
  for (let i = 0; i < 2; i++) {
    const len = u32(); // title, date
    at += len;
  }
  header.end = at;
  sections.push(header);
  const blob = (name) => {
    const len = u32();
    sections.push({ name, start: at, end: at + len });
    at += len;
  };
  const checkpoints = (name) => {
    const count = u32();
    sections.push({ name, start: at, end: at + 4 * count });
    at += 4 * count;
  };
  blob('names: keys, name counts and texts (blocks of 8 groups)');
  u32(); // entity number planes
  blob('names: entity numbers (byte planes)');
  blob('names: options');
  // Format 5: per block of groups, its offset and first name number, then
  // the first 8 bytes of its first key.
  const groupCheckpoints = u32();
  sections.push({ name: 'group checkpoints and key prefixes', start: at, end: at + 16 * groupCheckpoints });
  at += 16 * groupCheckpoints;
  for (const column of ['ids', 'canonical names', 'summaries', 'urls', 'summary phrases']) {
    blob(`entity ${column}`);
    checkpoints(`entity ${column} checkpoints`);
  }
  blob('entity type table');
  u32(); // bytes per type number
  blob('entity type numbers');
  if (at !== bytes.length) throw new Error(`${file}: sections end at ${at}, the file at ${bytes.length}; is it index format 5?`);
  const result = sections.map(({ name, start, end }) => ({ name, raw: end - start, gzip: gzipSync(bytes.subarray(start, end), { level: zlibConstants.Z_BEST_COMPRESSION }).length }));
  cache[key] = result;
  writeFileSync(cacheFile, JSON.stringify(cache, null, 1));
  return result;
}

/** Sizes of a WebAssembly module's sections (code, data, names, ...), raw
 * and gzip -9 each alone: where the .wasm's bytes are. */
export function wasmSections(file) {
  const bytes = readFileSync(file);
  const NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'];
  const sections = new Map();
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const start = at;
    let name = NAMES[id] ?? `section ${id}`;
    if (id === 0) {
      const len = leb();
      name = `custom "${bytes.subarray(at, at + len).toString('utf8')}"`;
    }
    const entry = sections.get(name) ?? { name, parts: [] };
    entry.parts.push(bytes.subarray(start, start + size));
    sections.set(name, entry);
    at = start + size;
  }
  return [...sections.values()].map(({ name, parts }) => {
    const all = Buffer.concat(parts);
    return { name, raw: all.length, gzip: gzipSync(all, { level: zlibConstants.Z_BEST_COMPRESSION }).length };
  }).sort((a, b) => b.raw - a.raw);
}
