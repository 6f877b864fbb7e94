// On a phone (issue 22): the board comes first, the services to tap right
// after it, walkthroughs last; nothing is wider than the screen; and a task
// is placed by tap: tap a service (or a task), then a group or an instance.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { BoardPage } from './pages/board.js';

let server;
let browser;
let page;
let board;
let seen;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  seen = watch(page, server.url);
  board = new BoardPage(page, server.url);
  await board.open();
});
afterEach(async () => {
  assert.deepEqual(seen.problems, []);
  await page.close();
});

const chipsOn = (id) => board.instance(id).locator('[data-testid="task-chip"]').allInnerTexts();
const top = (selector) => page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().top + window.scrollY);

test('the board comes first, then the services and groups; walkthroughs last; nothing wider than the phone', async () => {
  const [boardTop, services, groups, walks] = await Promise.all([
    top('.board'), top('[aria-labelledby="services-h"]'), top('[aria-labelledby="cluster-h"]'), top('[data-testid="walkthroughs"]'),
  ]);
  assert.ok(boardTop < services && services < groups && groups < walks, JSON.stringify({ boardTop, services, groups, walks }));
  assert.ok(boardTop < 400, `the board starts ${boardTop} px down`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide`);
});

test('tap a service, then an instance: one more task there', async () => {
  const before = await chipsOn('app-2');
  await board.serviceCard('portfolio').locator('.card-title').tap();
  assert.match(await page.locator('[data-testid="placing"]').innerText(), /Placing a portfolio task: tap a group or an instance/);
  await board.instance('app-2').locator('.instance-head').tap();
  await page.locator('[data-testid="placing"]').waitFor({ state: 'detached' });
  const after = await chipsOn('app-2');
  assert.equal(after.length, before.length + 1);
  assert.ok(after.some((c) => c.startsWith('portfolio')), after.join(', '));
});

test('tap a task, then another instance: it moves; tap it twice: it stays', async () => {
  const quoteOn = async (id) => (await chipsOn(id)).filter((c) => c.startsWith('quote')).length;
  const [one, two] = [await quoteOn('app-1'), await quoteOn('app-2')];
  const chip = board.instance('app-2').locator('[data-testid="task-chip"]').filter({ hasText: 'quote' }).first();
  await chip.tap();
  assert.match(await page.locator('[data-testid="placing"]').innerText(), /Moving a quote task from app-2/);
  await chip.tap();
  await page.locator('[data-testid="placing"]').waitFor({ state: 'detached' });
  assert.equal(await quoteOn('app-2'), two, 'put back');
  await chip.tap();
  await board.instance('app-1').locator('.instance-head').tap();
  await page.waitForFunction(([n]) => [...document.querySelectorAll('[data-instance="app-1"] [data-testid="task-chip"]')].filter((c) => c.textContent.startsWith('quote')).length === n, [one + 1]);
  assert.equal(await quoteOn('app-2'), two - 1);
});

test('a review on a phone: the picker and the diff fit the screen', async () => {
  await page.locator('[data-testid="pin-baseline"]').click();
  await board.changeGroupType('app', 't2.small');
  await board.editService('audit', { memoryReservation: 1200, memory: 1400 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="plan-change"]').length === 3);
  await page.locator('[data-testid="compare"]').scrollIntoViewIfNeeded();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide`);
  // Every value of the diff is whole on screen: no cell cuts its text.
  const clipped = await page.locator('[data-testid="plan-change"] td').evaluateAll((tds) => tds
    .filter((td) => td.scrollWidth > td.clientWidth + 1 || td.getBoundingClientRect().right > 390)
    .map((td) => td.textContent));
  assert.deepEqual(clipped, []);
});
