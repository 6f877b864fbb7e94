// Shipping compressed (issue 20): the build leaves NAME.br and NAME.gz beside
// every text and wasm asset, each the asset's own bytes compressed, and the
// project's server sends them with their Content-Encoding as a static host
// configured for precompressed files does. Every other browser test loads
// the app through that server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serveDist } from './support/harness.js';

const dist = process.env.BERTH_DIST ?? 'dist';
let server;
before(async () => { server = await serveDist(); });
after(() => server?.stop());

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The raw response: status, headers and the bytes as sent. */
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('every wasm, script, style and page of the build has a .br and a .gz of its own bytes', () => {
  const assets = files(dist).filter((f) => /\.(wasm|js|html|css|json|svg)$/.test(f));
  assert.ok(assets.some((f) => f.endsWith('.wasm')) && assets.some((f) => f.endsWith('index.html')), assets.join(' '));
  for (const asset of assets) {
    const bytes = readFileSync(asset);
    assert.ok(existsSync(`${asset}.br`) && existsSync(`${asset}.gz`), asset);
    // index.html is compressed after the hooks that write into it.
    assert.ok(brotliDecompressSync(readFileSync(`${asset}.br`)).equals(bytes), `${asset}.br`);
    assert.ok(gunzipSync(readFileSync(`${asset}.gz`)).equals(bytes), `${asset}.gz`);
  }
});

test('the server sends brotli, gzip or the asset itself, as the browser accepts', async () => {
  const wasm = files(dist).find((f) => /berth-first-.*_bg\.wasm$/.test(f));
  const path = `/${wasm.slice(dist.length).replace(/^\/+/, '')}`;
  const bytes = readFileSync(wasm);
  const br = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-type'], 'application/wasm');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  assert.ok(brotliDecompressSync(br.body).equals(bytes));
  assert.ok(br.body.length < bytes.length / 2, `${br.body.length} of ${bytes.length}`);
  const gz = await get(path, { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.body).equals(bytes));
  const refused = await get(path, { 'accept-encoding': 'br;q=0, gzip' });
  assert.equal(refused.headers['content-encoding'], 'gzip');
  const plain = await get(path);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.equals(bytes));
  const page = await get('/', { 'accept-encoding': 'br' });
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.ok(brotliDecompressSync(page.body).equals(readFileSync(join(dist, 'index.html'))));
  const head = await get(path, { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(head.headers['content-length'], String(br.body.length));
  assert.equal(head.body.length, 0);
  assert.equal((await get('/no-such-file.js')).status, 404);
  assert.notEqual((await get('/%2e%2e/Cargo.toml')).status, 200);
});
