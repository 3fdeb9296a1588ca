// The benchmark's own static server (scripts/serve.mjs serves only the
// repository's public folders; the benchmark also needs the data directory,
// its generated files and three peer packages).
//
// Every response is sent with cross-origin isolation headers (COOP/COEP),
// which gives the page a 5 µs performance.now() and
// performance.measureUserAgentSpecificMemory(), and with
// `Cache-Control: no-store`, so every fetch of a dictionary really travels.
//
//   const server = await startBenchServer({ root, dataDir, outDir });
//   server.url  // http://127.0.0.1:PORT
//   await server.close();

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** URL prefix → folder. Only these are served; nothing else exists. */
function mounts({ root, dataDir, outDir }) {
  return [
    ['/www/', path.join(root, 'www')],
    ['/data/', path.join(root, 'data')],
    ['/bench/page/', path.join(root, 'bench', 'page')],
    ['/bench-data/', dataDir],
    ['/bench-out/', outDir],
    ['/node_modules/modern-ahocorasick/', path.join(root, 'node_modules', 'modern-ahocorasick')],
    ['/node_modules/@monyone/aho-corasick/', path.join(root, 'node_modules', '@monyone', 'aho-corasick')],
    ['/node_modules/mark.js/', path.join(root, 'node_modules', 'mark.js')],
  ];
}

const inside = (parent, child) => child === parent || child.startsWith(parent + path.sep);

export async function startBenchServer(options) {
  const table = mounts(options);
  const server = createServer(async (req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    };
    try {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const mount = table.find(([prefix]) => pathname.startsWith(prefix));
      if (!mount || pathname.includes('\0') || pathname.split('/').some((s) => s === '..')) throw Object.assign(new Error('not found'), { status: 404 });
      let file = path.resolve(mount[1], '.' + pathname.slice(mount[0].length - 1));
      if (!inside(path.resolve(mount[1]), file)) throw Object.assign(new Error('not found'), { status: 404 });
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = path.join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) throw Object.assign(new Error('not found'), { status: 404 });
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': info.size });
      if (req.method === 'HEAD') return res.end();
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (error) {
      const status = error.status ?? 500;
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(status === 404 ? 'Not found\n' : `Error: ${error.message}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}
