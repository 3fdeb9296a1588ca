// Builds the WebAssembly package as wasm-pack.toml says: wasm-pack with
// `--mode no-install` (it must find the wasm-bindgen CLI on PATH rather than
// download one), then wasm-opt from the npm package "binaryen", then copies
// the bundled dictionary next to it so every shell fetches the same file.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const settings = parse(readFileSync(path.join(root, 'wasm-pack.toml'), 'utf8'));
const build = settings.build ?? {};
const optimise = settings.wasm_opt ?? {};
for (const key of ['target', 'out_dir', 'out_name', 'profile']) {
  if (typeof build[key] !== 'string') {
    throw new Error(`wasm-pack.toml: [build] ${key} must be a string`);
  }
}

const run = (command, args) => {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd: root, stdio: 'inherit' });
};

const profileFlag = build.profile === 'release' ? ['--release'] : build.profile === 'dev' ? ['--dev'] : ['--profile', build.profile];
run('wasm-pack', [
  'build', '--mode', 'no-install', '--no-opt', '--no-pack',
  '--target', build.target, '--out-dir', build.out_dir, '--out-name', build.out_name,
  ...profileFlag,
]);

const wasmFile = path.join(root, build.out_dir, `${build.out_name}_bg.wasm`);
if (optimise.enabled) {
  const wasmOpt = path.join(root, 'node_modules', '.bin', 'wasm-opt');
  if (!existsSync(wasmOpt)) {
    throw new Error('wasm-opt from the npm package "binaryen" is missing: run `npm ci` (scripts/install does)');
  }
  run(wasmOpt, [...(optimise.flags ?? []), wasmFile, '-o', wasmFile]);
}

copyFileSync(path.join(root, 'data', 'world-news.json'), path.join(root, build.out_dir, 'world-news.json'));

const bytes = readFileSync(wasmFile);
const report = {
  wasmBytes: statSync(wasmFile).size,
  wasmGzipBytes: gzipSync(bytes, { level: 9 }).length,
  // What a server with brotli at its highest quality sends.
  wasmBrotliBytes: brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length,
};
writeFileSync(path.join(root, build.out_dir, 'build-report.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`${path.relative(root, wasmFile)}: ${(report.wasmBytes / 1024).toFixed(1)} KiB, ${(report.wasmGzipBytes / 1024).toFixed(1)} KiB gzipped, ${(report.wasmBrotliBytes / 1024).toFixed(1)} KiB brotli`);
