// A small read-only static file server for the demo and the end-to-end tests.
//
// It serves only a few folders of the repository (see ALLOWED_FOLDERS and
// ALLOWED_FILES); every other path is a 404. No directory listings: a folder
// URL ending in "/" serves that folder's index.html or nothing.
//
//   node scripts/serve.mjs [--port N]      (default 8080; 0 picks a free port)
//
// prints exactly one line, `Demo: http://127.0.0.1:PORT/www/demo/`, once it
// listens. As a module:
//
//   import { startServer } from './scripts/serve.mjs';
//   const server = await startServer({ port: 0, headers: (pathname) => ({}) });
//   // server.url is 'http://127.0.0.1:PORT' (no trailing slash)
//   await server.close();
//
// `headers`, when given, is called with the request's decoded pathname and
// its query (a URLSearchParams) and returns extra response headers (a
// Content-Security-Policy for some pages, say); they are sent with every
// response to that path, 404s included. Choosing headers by query lets one
// page be served under several policies without copies of it.
//
// `testRoutes: true` adds routes that misbehave on purpose, for tests of
// what the highlighter does when a dictionary download goes wrong:
//   /__test/stall       never answers (the request stays open until close())
//   /__test/stall-body  sends headers and the start of a JSON body, then
//                       nothing more
//   /__test/slow-dictionary?ms=N
//                       the bundled dictionary, after N ms (default 500):
//                       a long download, as a large dictionary's would be

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** URL folders served (each maps to the same path under the repository root). */
const ALLOWED_FOLDERS = ['/www/', '/data/', '/tests/data/', '/tests/e2e/pages/', '/tests/e2e/hostile/'];
/** Single files served outside those folders. */
const ALLOWED_FILES = ['/node_modules/axe-core/axe.min.js'];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const isAllowed = (urlPath) =>
  ALLOWED_FILES.includes(urlPath) || ALLOWED_FOLDERS.some((folder) => urlPath.startsWith(folder));

/** True when `child` is `parent` or inside it (both absolute, resolved). */
const isInside = (parent, child) => child === parent || child.startsWith(parent + path.sep);

/**
 * Maps a request path to a file, or returns null (404). Refuses encoded
 * slashes and backslashes, NUL, "." and ".." segments, and anything that
 * resolves (symbolic links included) outside the allowed folder it names.
 */
async function resolveFile(urlPath) {
  if (!isAllowed(urlPath)) return null;
  const segments = urlPath.split('/');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return null;
  // Empty segments ("//") only ever at the very end (the trailing slash).
  if (segments.slice(1, -1).some((s) => s === '')) return null;

  const folder = ALLOWED_FILES.includes(urlPath)
    ? null
    : ALLOWED_FOLDERS.find((f) => urlPath.startsWith(f));
  let file = path.resolve(ROOT, '.' + urlPath);
  if (!isInside(ROOT, file)) return null;

  let info;
  try {
    info = await stat(file);
  } catch {
    return null;
  }
  if (info.isDirectory()) {
    if (!urlPath.endsWith('/')) return { redirect: urlPath + '/' };
    file = path.join(file, 'index.html');
    try {
      info = await stat(file);
    } catch {
      return null;
    }
  } else if (urlPath.endsWith('/')) {
    return null;
  }
  if (!info.isFile()) return null;

  // Follow symbolic links, then check the real file is still where the URL says.
  let real;
  let realBase;
  try {
    real = await realpath(file);
    realBase = await realpath(folder ? path.resolve(ROOT, '.' + folder) : file);
  } catch {
    return null;
  }
  if (!isInside(realBase, real)) return null;
  return { file: real, size: info.size };
}

function send(res, status, body, extraHeaders, method) {
  const text = body ?? '';
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(method === 'HEAD' ? undefined : text);
}

/** Answers a misbehaving test route; true when `pathname` was one. */
function stallRoute(pathname, query, res) {
  if (pathname === '/__test/stall') {
    // Keep the socket open and say nothing; close() ends it.
    return true;
  }
  if (pathname === '/__test/stall-body') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '100000', 'Cache-Control': 'no-cache' });
    res.write('{"entities": [');
    return true;
  }
  if (pathname === '/__test/slow-dictionary') {
    const delay = Math.min(Number(query.get('ms') ?? 500) || 0, 10_000);
    setTimeout(() => {
      // The page may have gone meanwhile.
      if (res.destroyed) return;
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      createReadStream(path.join(ROOT, 'data/world-news.json')).pipe(res);
    }, delay);
    return true;
  }
  return false;
}

async function handle(req, res, headersFor, testRoutes) {
  const method = req.method ?? 'GET';
  const common = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };

  let pathname;
  let query;
  try {
    const [beforeHash] = (req.url ?? '/').split('#');
    const [raw, search = ''] = beforeHash.split('?');
    query = new URLSearchParams(search);
    if (!raw.startsWith('/')) throw new Error('not an origin-form path');
    pathname = decodeURIComponent(raw);
  } catch {
    return send(res, 400, 'Bad request\n', common, method);
  }

  let extra = {};
  if (headersFor) {
    try {
      extra = headersFor(pathname, query) ?? {};
    } catch (error) {
      return send(res, 500, `headers() failed: ${error?.message ?? error}\n`, common, method);
    }
  }
  const headers = { ...common, ...extra };

  if (method !== 'GET' && method !== 'HEAD') {
    return send(res, 405, 'Method not allowed\n', { ...headers, Allow: 'GET, HEAD' }, method);
  }
  if (testRoutes && stallRoute(pathname, query, res)) return undefined;
  if (pathname === '/') {
    return send(res, 302, 'Found\n', { ...headers, Location: '/www/demo/' }, method);
  }

  const found = await resolveFile(pathname);
  if (!found) return send(res, 404, 'Not found\n', headers, method);
  if (found.redirect) {
    return send(res, 301, 'Moved\n', { ...headers, Location: encodeURI(found.redirect) }, method);
  }

  const type = CONTENT_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': found.size, ...headers });
  if (method === 'HEAD') return res.end();
  const stream = createReadStream(found.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * Starts the server on 127.0.0.1.
 * @param {{ port?: number, headers?: (pathname: string, query: URLSearchParams) => Record<string, string>, testRoutes?: boolean }} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startServer({ port = 0, headers, testRoutes = false } = {}) {
  if (headers !== undefined && typeof headers !== 'function') {
    throw new TypeError('startServer: headers must be a function (pathname) => ({ ...headers })');
  }
  const server = createServer((req, res) => {
    handle(req, res, headers, testRoutes).catch((error) => {
      if (!res.headersSent) send(res, 500, `Internal error: ${error?.message ?? error}\n`, {}, req.method);
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections?.();
      }),
  };
}

function parsePort(argv) {
  let port = 8080;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    let value;
    if (arg === '--port') value = argv[++i];
    else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log('Usage: node scripts/serve.mjs [--port N]   (default 8080; 0 for a free port)');
      process.exit(0);
    } else {
      console.error(`serve.mjs: unknown argument ${JSON.stringify(arg)} (usage: node scripts/serve.mjs [--port N])`);
      process.exit(2);
    }
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
      console.error(`serve.mjs: --port needs a number from 0 to 65535, not ${JSON.stringify(value ?? '')}`);
      process.exit(2);
    }
    port = Number(value);
  }
  return port;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const port = parsePort(process.argv.slice(2));
  try {
    const server = await startServer({ port });
    console.log(`Demo: ${server.url}/www/demo/`);
    const stop = () => server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    console.error(
      error?.code === 'EADDRINUSE'
        ? `serve.mjs: port ${port} is in use; try --port 0 for a free one`
        : `serve.mjs: ${error?.message ?? error}`,
    );
    process.exit(1);
  }
}
