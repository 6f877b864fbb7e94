// Training walkthroughs and compare.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { BoardPage } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('a walkthrough runs to its end with the keyboard, and Back returns a step', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const seen = watch(page, server.url);
  const board = new BoardPage(page, server.url);
  await board.open();
  await page.locator('[data-testid="walk-memory"]').click();
  const text = page.locator('[data-testid="walk-text"]');
  assert.match(await text.innerText(), /registers 995 MiB/);
  assert.equal(await board.reserved('app-1'), 500);
  await page.locator('body').press('n');
  await page.locator('[data-testid="unplaced"]').waitFor();
  assert.match(await page.locator('[data-testid="unplaced"]').innerText(), /RESOURCE:MEMORY[\s\S]*has insufficient memory available/);
  await page.locator('body').press('b');
  await page.locator('[data-testid="unplaced"]').waitFor({ state: 'detached' });
  await page.locator('body').press('n');
  await page.locator('body').press('n');
  assert.match(await text.innerText(), /780 of 995 MiB/);
  assert.equal(await board.reserved('app-1'), 780);
  await page.locator('[data-testid="walk-next"]').click(); // Finish
  await page.locator('[data-testid="walk-step"]').waitFor({ state: 'detached' });
  assert.deepEqual(seen.problems, []);
  await page.close();
});

test('the walkthrough list gives each one its number of steps', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await new BoardPage(page, server.url).open();
  const item = (id) => page.locator('li', { has: page.locator(`[data-testid="walk-${id}"]`) });
  assert.match(await item('memory').innerText(), /· 3 steps$/);
  assert.match(await item('deploy-0').innerText(), /· 1 step$/);
  await page.close();
});

test('the 200 % walkthrough shows the stall on the stepper', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await new BoardPage(page, server.url).open();
  await page.locator('[data-testid="walk-deploy-200"]').click();
  await page.locator('[data-testid="walk-next"]').click();
  await page.locator('[data-testid="simulation"]').waitFor();
  await page.locator('[data-testid="step-last"]').click();
  assert.match(await page.locator('[data-testid="outcome"]').innerText(), /stalled/);
  await page.close();
});

test('compare shows the difference from a pinned baseline', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const board = new BoardPage(page, server.url);
  await board.open();
  await page.locator('[data-testid="pin-baseline"]').click();
  await board.editService('quote', { desiredCount: 4 });
  await board.setGroupCount('app', 1);
  await page.locator('[data-testid="no-longer-fit"]').waitFor();
  // app-2's tasks (two of quote's four) have nowhere to go; app-1's keep
  // running there, as in ECS, which stops no task to make room.
  assert.equal(await page.locator('[data-testid="no-longer-fit"]').innerText(), 'No longer fit: 2 × quote (RESOURCE:MEMORY)');
  const diff = await page.locator('[data-testid="diff"]').innerText();
  assert.match(diff, /container instances\s+2\s+1\s+-1/);
  assert.match(diff, /on-demand cost per month\s+\$16\.94\s+\$8\.47\s+-\$8\.47/);
  await page.close();
});
