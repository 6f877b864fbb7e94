// Shared set-up for the browser tests: serve dist/ on a free loopback port and
// launch Debian's Chromium through playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const SCREENSHOTS = 'target/screenshots';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

/**
 * Starts the project's static server (scripts/serve.mjs, which sends the
 * build's .br and .gz files as a host would) for `dir` ($BERTH_DIST, else
 * dist/) and returns { url, stop }. `encodings` ("br" or "gzip") limits
 * what it sends to that one.
 */
export async function serveDist(dir = process.env.BERTH_DIST ?? 'dist', { encodings } = {}) {
  const port = await freePort();
  const script = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));
  const env = encodings ? { ...process.env, BERTH_SERVE_ENCODINGS: encodings } : process.env;
  const child = spawn(process.execPath, [script, dir, String(port), '127.0.0.1'], {
    stdio: 'ignore',
    env,
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(url);
  return { url, stop: () => child.kill() };
}

export async function launchBrowser() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Records console errors and warnings, page errors and off-origin requests. */
export function watch(page, origin) {
  const problems = [];
  const foreign = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:')) foreign.push(u);
  });
  return { problems, foreign };
}
