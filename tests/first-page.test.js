// Smoke: the example plan loads as a board computed by berth-core, with a
// clean console and no request leaving the page's origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveDist, launchBrowser, watch, SCREENSHOTS } from './support/harness.js';
import { BoardPage } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const example = JSON.parse(readFileSync('public/examples/microtrader.json', 'utf8'));

test('the example plan shows its groups, services and every task', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const seen = watch(page, server.url);
  const board = new BoardPage(page, server.url);
  await board.open();
  assert.equal(await board.groups().count(), example.cluster.instanceGroups.length);
  assert.equal(await board.serviceCards().count(), example.services.length);
  // A t2.micro registers 995 MiB: from the core's catalogue, not the page.
  assert.equal(await board.registeredShown('app-1'), 995);
  const desired = example.services.reduce((n, s) => n + s.desiredCount, 0);
  assert.equal(await board.allChips().count(), desired);
  await page.screenshot({ path: `${SCREENSHOTS}/board-desktop.png`, fullPage: true });
  assert.deepEqual(seen.problems, [], 'console has no errors or warnings');
  assert.deepEqual(seen.foreign, [], 'no request leaves the page origin');
  await page.close();
});

test('the board works on a 390 px phone', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const seen = watch(page, server.url);
  const board = new BoardPage(page, server.url);
  await board.open();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scroll (scrollWidth ${width})`);
  await page.screenshot({ path: `${SCREENSHOTS}/board-phone.png`, fullPage: true });
  assert.deepEqual(seen.problems, []);
  await page.close();
});

test('charts keep their labels readable on a phone and follow the window', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const seen = watch(page, server.url);
  await new BoardPage(page, server.url).open();
  const chart = page.locator('[data-testid="usage-chart"] svg');
  const measure = () => chart.evaluate((svg) => {
    const heights = [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height);
    return { drawn: svg.viewBox.baseVal.width, labels: heights.length, label: Math.min(...heights) };
  });
  const phone = await measure();
  assert.ok(phone.labels > 0, 'the chart has labels');
  // Drawn at the desktop's 720 px and scaled into a phone's card, a 14 px
  // label shrank to under 6 px.
  assert.ok(phone.drawn < 400, `drawn ${phone.drawn} px wide on a phone`);
  assert.ok(phone.label >= 10, `smallest label ${phone.label} px high on a phone`);
  await page.setViewportSize({ width: 1280, height: 844 });
  await page.waitForFunction(() => document.querySelector('[data-testid="usage-chart"] svg').viewBox.baseVal.width === 720);
  assert.deepEqual(seen.problems, []);
  await page.close();
});
