// Builds the blog widget: www/widget/widget.js and the core package it
// imports, bundled by esbuild into one minified classic script,
//
//   www/dist/widget/entity-highlighter.js
//   www/dist/widget/entity_highlighter_bg.wasm   (copied from www/pkg/)
//   www/dist/widget/world-news.json              (copied from www/pkg/)
//
// and prints the three files' sizes, raw and gzipped. Needs the WASM package:
// run scripts/build-wasm.mjs first (scripts/build.mjs runs both, in order).
//
//   node scripts/build-widget.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'www', 'pkg');
const outDir = path.join(root, 'www', 'dist', 'widget');
const bundle = path.join(outDir, 'entity-highlighter.js');
const assets = ['entity_highlighter_bg.wasm', 'world-news.json'];

const missing = ['entity_highlighter.js', ...assets].filter((name) => !existsSync(path.join(pkg, name)));
if (missing.length > 0) {
  console.error(`build-widget: www/pkg/ lacks ${missing.join(', ')}; run \`node scripts/build-wasm.mjs\` first (or \`node scripts/build.mjs\` for everything)`);
  process.exit(1);
}

const version = readFileSync(path.join(root, 'Cargo.toml'), 'utf8').match(/^version\s*=\s*"([^"]+)"/m)?.[1] ?? 'dev';

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

await esbuild.build({
  entryPoints: [path.join(root, 'www', 'widget', 'widget.js')],
  outfile: bundle,
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    js: `/*! Entity highlighter blog widget ${version}: highlights people, places and organisations in a post, with hover cards. ` +
      'Loads entity_highlighter_bg.wasm and world-news.json from its own folder. ' +
      // No "</script>" in here: the bundle must stay safe to inline in a page.
      'Usage: a <script src=".../entity-highlighter.js" data-root="article" defer> tag; ' +
      'a Content-Security-Policy needs script-src \'wasm-unsafe-eval\'. */',
  },
  define: {
    // The core computes default asset URLs at module evaluation time with
    // `new URL('../../pkg/...', import.meta.url)` (engine.js, and the
    // wasm-bindgen glue inside init()). An IIFE has no import.meta, so
    // esbuild would make import.meta.url undefined and `new URL()` would
    // throw while the bundle loads. The widget always passes `wasmUrl` and
    // `dictionary` explicitly, so those defaults are never used; they only
    // need to be valid URLs. A placeholder in the reserved `.invalid` domain
    // (RFC 2606) keeps them valid and guarantees that, should one ever be
    // used by mistake, the request fails loudly instead of reaching a real
    // server. (`document.currentScript.src` would not do: it is null by the
    // time the glue's init() runs.)
    'import.meta.url': '"https://invalid.invalid/"',
  },
});

for (const name of assets) copyFileSync(path.join(pkg, name), path.join(outDir, name));

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const name of ['entity-highlighter.js', ...assets]) {
  const file = path.join(outDir, name);
  const raw = statSync(file).size;
  const gzipped = gzipSync(readFileSync(file), { level: 9 }).length;
  console.log(`${path.relative(root, file)}: ${kib(raw)} (${raw} bytes), ${kib(gzipped)} gzipped (${gzipped} bytes)`);
}
