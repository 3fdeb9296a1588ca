// Builds the browser extension (Manifest V3) from www/extension/ for
// Chromium and Firefox:
//
//   www/dist/extension/chromium/               unpacked, for "Load unpacked"
//   www/dist/extension/firefox/                unpacked, for about:debugging
//   www/dist/entity-highlighter-chromium.zip   the same, zipped for the stores
//   www/dist/entity-highlighter-firefox.zip
//
// Each folder holds:
//   manifest.json        www/extension/manifest.base.json + the browser's
//                        background and settings (BROWSERS below), version
//                        from Cargo.toml
//   background.js        ES module: the service worker (Chromium) or event
//                        page script (Firefox); bundles the core
//   content.js           classic script (IIFE): content scripts are not modules;
//                        not in the manifest: the background runs it in a tab
//                        (activeTab) or registers it for the sites the user
//                        granted (scripting.registerContentScripts)
//   popup.{html,js,css}, options.{html,js,css}   (options.js bundles the core)
//   common.css                                   (what both pages share)
//   icons/icon-{16,32,48,128}.png
//   pkg/entity_highlighter_bg.wasm, pkg/world-news.json   (from www/pkg/)
//
// Every script is bundled by esbuild, unminified (store reviewers read it),
// and loads nothing remote: the WASM and the bundled dictionary are files
// of the package, found with runtime.getURL().
//
//   node scripts/build-extension.mjs            build both (needs www/pkg/:
//                                               run scripts/build-wasm.mjs first)
//   node scripts/build-extension.mjs --lint     also run `web-ext lint` on the
//                                               Firefox build; fails on errors
//   node scripts/build-extension.mjs --icons    re-render icons/*.png from
//                                               icons/icon.svg with headless
//                                               Chromium (the PNGs are committed)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'www', 'extension');
const pkg = path.join(root, 'www', 'pkg');
const dist = path.join(root, 'www', 'dist');
const ICON_SIZES = [16, 32, 48, 128];
const PKG_FILES = ['entity_highlighter_bg.wasm', 'world-news.json'];

/** What differs between the browsers' manifests. */
const BROWSERS = {
  chromium: {
    background: { service_worker: 'background.js', type: 'module' },
    // Module service workers, 'wasm-unsafe-eval' and the CSS the card uses
    // (color-mix) are all older than this.
    minimum_chrome_version: '120',
  },
  firefox: {
    // Firefox MV3 has no background service worker: an event page runs the
    // same module.
    background: { scripts: ['background.js'], type: 'module' },
    browser_specific_settings: {
      gecko: {
        // Replace with the id registered on addons.mozilla.org before publishing.
        id: 'entity-highlighter@example.org',
        // 140 ESR: the first release that knows data_collection_permissions
        // (below); it also has everything else used (MV3 module event
        // pages, 'wasm-unsafe-eval', constructed style sheets, the CSS
        // Custom Highlight API).
        strict_min_version: '140.0',
        // Declared for addons.mozilla.org: nothing leaves the browser, the
        // matching runs in the extension.
        data_collection_permissions: { required: ['none'] },
      },
      // Firefox for Android learnt data_collection_permissions in 142.
      gecko_android: { strict_min_version: '142.0' },
    },
  },
};

const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!['--lint', '--icons'].includes(arg)) {
    console.error(`build-extension: unknown argument ${arg} (usage: node scripts/build-extension.mjs [--lint] [--icons])`);
    process.exit(2);
  }
}

if (args.has('--icons')) await renderIcons();

const missing = ['entity_highlighter.js', ...PKG_FILES].filter((name) => !existsSync(path.join(pkg, name)));
if (missing.length > 0) {
  console.error(`build-extension: www/pkg/ lacks ${missing.join(', ')}; run \`node scripts/build-wasm.mjs\` first (or \`node scripts/build.mjs\` for everything)`);
  process.exit(1);
}

const cargoVersion = readFileSync(path.join(root, 'Cargo.toml'), 'utf8').match(/^version\s*=\s*"(\d+(?:\.\d+){0,3})/m)?.[1];
if (!cargoVersion) throw new Error('build-extension: no numeric version in Cargo.toml');

const base = JSON.parse(readFileSync(path.join(source, 'manifest.base.json'), 'utf8'));
const staged = path.join(dist, 'extension', '.bundles');
rmSync(path.join(dist, 'extension'), { recursive: true, force: true });

// Bundle once; both browsers get the same scripts.
const common = {
  bundle: true,
  platform: 'browser',
  target: ['chrome120', 'firefox140'],
  legalComments: 'inline',
  logLevel: 'warning',
  charset: 'utf8',
};
await esbuild.build({
  ...common,
  entryPoints: ['background.js', 'popup.js', 'options.js'].map((name) => path.join(source, name)),
  outdir: staged,
  format: 'esm',
});
await esbuild.build({
  ...common,
  entryPoints: [path.join(source, 'content.js')],
  outfile: path.join(staged, 'content.js'),
  format: 'iife',
  // The core computes default asset URLs when its modules evaluate
  // (`new URL('../../pkg/…', import.meta.url)` in engine.js). A content
  // script is a classic script with no import.meta, so esbuild would make
  // it undefined and `new URL()` would throw while the script loads. The
  // content script never uses those URLs (its matcher is remote: no WASM
  // and no dictionary in the page); they only need to be valid. They are
  // made from the extension's own address (lib/content-base.js), so the
  // bundle names no web address at all.
  inject: [path.join(source, 'lib', 'content-base.js')],
  define: { 'import.meta.url': 'contentScriptModuleUrl' },
});

for (const [browser, extra] of Object.entries(BROWSERS)) {
  const out = path.join(dist, 'extension', browser);
  mkdirSync(path.join(out, 'icons'), { recursive: true });
  mkdirSync(path.join(out, 'pkg'), { recursive: true });
  const manifest = { manifest_version: base.manifest_version, name: base.name, version: cargoVersion, ...base, ...extra };
  writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const name of ['background.js', 'content.js', 'popup.js', 'options.js']) copyFileSync(path.join(staged, name), path.join(out, name));
  for (const name of ['popup.html', 'popup.css', 'options.html', 'options.css', 'common.css']) copyFileSync(path.join(source, name), path.join(out, name));
  for (const size of ICON_SIZES) copyFileSync(path.join(source, 'icons', `icon-${size}.png`), path.join(out, 'icons', `icon-${size}.png`));
  for (const name of PKG_FILES) copyFileSync(path.join(pkg, name), path.join(out, 'pkg', name));
  const zipFile = path.join(dist, `entity-highlighter-${browser}.zip`);
  const bytes = writeZip(out, zipFile);
  console.log(`${path.relative(root, out)}/ (${fileCount(out)} files), ${path.relative(root, zipFile)}: ${(bytes / 1024).toFixed(1)} KiB`);
}
rmSync(staged, { recursive: true, force: true });

if (args.has('--lint')) {
  const webExt = path.join(root, 'node_modules', '.bin', 'web-ext');
  console.log('$ web-ext lint --source-dir www/dist/extension/firefox');
  try {
    execFileSync(webExt, ['lint', '--source-dir', path.join(dist, 'extension', 'firefox')], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error('build-extension: web-ext lint found errors');
    process.exit(1);
  }
}

// --- helpers -----------------------------------------------------------------

function filesUnder(dir, prefix = '') {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...filesUnder(path.join(dir, entry.name), relative));
    else files.push(relative);
  }
  return files;
}

function fileCount(dir) {
  return filesUnder(dir).length;
}

/**
 * Writes a zip of every file under `dir` (paths relative to it, sorted, a
 * fixed timestamp, so the same input gives the same bytes). Deflate, or
 * stored when that is smaller. Returns the zip's size.
 */
function writeZip(dir, zipFile) {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const name of filesUnder(dir)) {
    const data = readFileSync(path.join(dir, name));
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, ...centrals, end]);
  writeFileSync(zipFile, zip);
  return zip.length;
}

/** Renders icons/icon.svg to the PNG sizes with headless Chromium. */
async function renderIcons() {
  const { chromium } = await import('playwright-core');
  const svg = readFileSync(path.join(source, 'icons', 'icon.svg'), 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    for (const size of ICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      const url = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}img{display:block}</style><img src="${url}" width="${size}" height="${size}">`);
      await page.locator('img').evaluate((img) => img.decode());
      const file = path.join(source, 'icons', `icon-${size}.png`);
      await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      await page.close();
      console.log(`${path.relative(root, file)}: ${statSync(file).size} bytes`);
    }
  } finally {
    await browser.close();
  }
}
