// What the benchmark commands share: their options, the data they read,
// and the median they report.
//
//   const command = benchCommand('bench/scroll.mjs');
//   command.option('--rounds', '2'); command.flag('--bundled');
//   command.dataDir; command.indexFile; command.requireFiles([...]);

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The command line of `script`: `option(name, fallback)` reads the value
 * after `name`; `flag(name)` says whether `name` was given. `dataDir` (the
 * benchmark pages, `--data`) and `indexFile` (the 1M index, `--index`)
 * default to where scripts/build-bench-data and bench/run.mjs put them.
 */
export function benchCommand(script, args = process.argv.slice(2)) {
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at < 0 ? fallback : args[at + 1];
  };
  return {
    option,
    flag: (name) => args.includes(name),
    dataDir: path.resolve(option('--data', path.join(ROOT, 'target', 'bench-data'))),
    indexFile: path.resolve(option('--index', path.join(ROOT, 'target', 'bench', '1m.ehx'))),
    /** Exits with a message naming what makes each missing file. */
    requireFiles(files) {
      for (const file of files) {
        if (existsSync(file)) continue;
        console.error(`${script}: ${file} is missing (scripts/build-bench-data makes the pages; bench/run.mjs or \`entity-highlighter index\` the index)`);
        process.exit(1);
      }
    },
  };
}

/** The median of the finite values, or null when there are none. */
export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
