// The first page: the example plan's groups and services as cards, computed by
// berth-core, with a clean console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveDist, launchBrowser, watch, SCREENSHOTS } from './support/harness.js';
import { BoardPage } from './pages/board.js';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const example = JSON.parse(readFileSync('public/examples/microtrader.json', 'utf8'));

test('the example plan shows its instance groups and services as cards', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const seen = watch(page, server.url);
  const board = new BoardPage(page, server.url);
  await board.open();

  assert.equal(await board.groupCards().count(), example.cluster.instanceGroups.length);
  assert.equal(await board.serviceCards().count(), example.services.length);
  for (const s of example.services) {
    await board.serviceCards().filter({ hasText: s.serviceName }).first().waitFor();
  }
  // Registered memory comes from the core's catalogue: a t2.micro registers 995 MiB.
  assert.match(await board.registeredMemory().first().innerText(), /995 MiB/);
  // Every desired task was placed on some instance.
  const desired = example.services.reduce((n, s) => n + s.desiredCount, 0);
  assert.equal(await page.locator('[data-testid="instance-card"] .tasks li').count(), desired);

  await page.screenshot({ path: `${SCREENSHOTS}/first-page-desktop.png`, fullPage: true });
  assert.deepEqual(seen.problems, [], 'console has no errors or warnings');
  assert.deepEqual(seen.foreign, [], 'no request leaves the page origin');
  await page.close();
});

test('the page works on a 390 px phone', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const seen = watch(page, server.url);
  const board = new BoardPage(page, server.url);
  await board.open();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scroll (scrollWidth ${width})`);
  await page.screenshot({ path: `${SCREENSHOTS}/first-page-phone.png`, fullPage: true });
  assert.deepEqual(seen.problems, []);
  await page.close();
});
