// `make serve` and the browser tests: a static server for a Trunk build that
// sends NAME.br or NAME.gz (scripts/compress.mjs) with its Content-Encoding
// when the browser accepts it, as a static host configured for precompressed
// files does (README, "Host it").
//   node scripts/serve.mjs [DIR] [PORT] [ADDRESS]   (dist, 8080, 127.0.0.1)
// BERTH_SERVE_ENCODINGS=gzip (or br) sends only that encoding, as a host
// without the other would: `make bench` times the first board with each.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Which stored encodings the request's Accept-Encoding allows, best first. */
export function accepted(header = '') {
  const allowed = new Set(header.split(',').map((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q && Number(q.slice(2)) === 0 ? '' : name;
  }));
  return [['br', '.br'], ['gzip', '.gz']].filter(([name]) => allowed.has(name));
}

export function serve(dir = 'dist', port = 8080, address = '127.0.0.1') {
  const root = resolve(dir);
  const only = process.env.BERTH_SERVE_ENCODINGS?.split(',');
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(existsSync(file) ? 405 : 404).end();
      return;
    }
    const headers = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      // The page names every other asset by its content hash.
      'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    };
    let body = file;
    if (existsSync(`${file}.br`) || existsSync(`${file}.gz`)) {
      headers.Vary = 'Accept-Encoding';
      const stored = accepted(req.headers['accept-encoding'])
        .filter(([name]) => !only || only.includes(name))
        .find(([, ext]) => existsSync(file + ext));
      if (stored) {
        headers['Content-Encoding'] = stored[0];
        body = file + stored[1];
      }
    }
    headers['Content-Length'] = statSync(body).size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(body).pipe(res);
  });
  return new Promise((ready) => server.listen(port, address, () => ready(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'dist', port = '8080', address = '127.0.0.1'] = process.argv.slice(2);
  const server = await serve(dir, Number(port), address);
  const { port: at } = server.address();
  console.log(`serving ${dir} on http://${address}:${at}/ (brotli or gzip where the browser accepts it)`);
}
