// Hostile names are shown as text, never run; the page has a CSP and talks to no other origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { BoardPage } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const HOSTILE = '<img src=x onerror=alert(1)>';
const SVG_BREAK = '</svg><script>alert(2)</script>';

test('hostile names in an imported plan are shown literally and no script runs', async () => {
  const plan = JSON.parse(readFileSync('public/examples/microtrader.json', 'utf8'));
  plan.name = HOSTILE;
  plan.cluster.clusterName = SVG_BREAK;
  plan.taskDefinitions[0].family = HOSTILE;
  plan.taskDefinitions[0].containerDefinitions[0].name = SVG_BREAK;
  plan.services[0].serviceName = SVG_BREAK;
  plan.services[0].taskDefinition = HOSTILE;
  const dir = mkdtempSync(join(tmpdir(), 'berth-'));
  const file = join(dir, 'hostile.json');
  writeFileSync(file, JSON.stringify(plan));

  const page = await browser.newPage();
  const seen = watch(page, server.url);
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await new BoardPage(page, server.url).open();
  await page.locator('[data-testid="import-file"]').setInputFiles(file);
  await page.locator('[data-testid="service-card"]').first().waitFor();
  await page.waitForFunction((name) => document.body.innerText.includes(name), SVG_BREAK);
  const text = await page.locator('body').innerText();
  assert.ok(text.includes(HOSTILE), 'the plan name shows literally');
  assert.ok(text.includes(SVG_BREAK), 'the service name shows literally');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was injected');
  assert.equal(await page.locator('body script').count(), 0, 'no script element in the body');
  // The chart's SVG holds the name as text, not markup.
  const chart = await page.locator('[data-testid="usage-chart"]').innerHTML();
  assert.ok(!chart.includes('<script'), chart.slice(0, 200));
  assert.deepEqual(dialogs, [], 'no script ran');
  assert.deepEqual(seen.foreign, []);
  assert.deepEqual(seen.problems, []);
  await page.close();
});

test('the page carries a Content-Security-Policy without inline-script exceptions beyond the loader', async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
  await page.close();
});
