// Builds everything the browser needs, in order: the WASM package (the core's
// own build step), then whatever ships the core: the widget bundle and the
// extension packages. Each step is a script of its own; this runs those that
// exist.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const steps = ['build-wasm.mjs', 'build-widget.mjs', 'build-extension.mjs'];
for (const step of steps) {
  const file = path.join(root, 'scripts', step);
  if (!existsSync(file)) continue;
  console.log(`== ${step}`);
  execFileSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
}
