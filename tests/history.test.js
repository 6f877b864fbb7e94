// Autosave, undo and redo (issue: deployment stepper, export, import, share, autosave and undo …).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { BoardPage, chipCount, waitChips } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });


test('a reload keeps the plan', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = watch(page, server.url);
  const board = new BoardPage(page, server.url);
  await board.open();
  const chips = await chipCount(page);
  await board.dragServiceTo('quote', board.group('app'));
  await waitChips(page, chips + 1);
  await page.reload();
  await board.instance('app-1').waitFor();
  assert.equal(await chipCount(page), chips + 1);
  assert.deepEqual(seen.problems, []);
  await context.close();
});

test('undo after a drag restores the plan, and redo brings the drag back', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const board = new BoardPage(page, server.url);
  await board.open();
  const chips = await chipCount(page);
  const reserved = await board.totalReserved();
  await board.dragServiceTo('audit', board.group('app'));
  await waitChips(page, chips + 1);
  await page.locator('[data-testid="undo"]').click();
  await waitChips(page, chips);
  assert.equal(await board.totalReserved(), reserved);
  await page.locator('body').press('Control+Shift+Z');
  await waitChips(page, chips + 1);
  await page.locator('body').press('Control+Z');
  await waitChips(page, chips);
  await context.close();
});

test('an unreadable saved plan is reported and kept aside, not dropped', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('berth.plan.v1', '{"berthVersion": 1, "cluster": ');
      sessionStorage.setItem('seeded', '1');
    }
  });
  const page = await context.newPage();
  const board = new BoardPage(page, server.url);
  await board.open();
  assert.match(await page.locator('[data-testid="notice"]').innerText(), /could not be read/);
  const aside = await page.evaluate(() => localStorage.getItem('berth.plan.unreadable'));
  assert.equal(aside, '{"berthVersion": 1, "cluster": ');
  await context.close();
});

test('a second unreadable saved plan is kept beside the first, not over it', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('berth.plan.unreadable', 'kept from before');
      localStorage.setItem('berth.plan.v1', '{"berthVersion": 7}');
      sessionStorage.setItem('seeded', '1');
    }
  });
  const page = await context.newPage();
  const board = new BoardPage(page, server.url);
  await board.open();
  assert.match(await page.locator('[data-testid="notice"]').innerText(), /kept aside in localStorage under "berth\.plan\.unreadable\.2"/);
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.plan.unreadable')), 'kept from before');
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.plan.unreadable.2')), '{"berthVersion": 7}');
  await context.close();
});

test('a share link opened in a new browser context restores the plan exactly', async () => {
  const first = await browser.newContext();
  const page = await first.newPage();
  const board = new BoardPage(page, server.url);
  await board.open();
  const chips = await chipCount(page);
  await board.dragServiceTo('portfolio', board.group('app'));
  await waitChips(page, chips + 1);
  await page.locator('[data-testid="share"]').click();
  const link = await page.locator('[data-testid="share-link"]').inputValue();
  assert.match(link, /#plan=v1\./);
  const saved = await page.evaluate(() => localStorage.getItem('berth.plan.v1'));
  await first.close();

  const second = await browser.newContext();
  const other = await second.newPage();
  const seen = watch(other, server.url);
  await other.goto(link);
  // The link is read by the exchange module, fetched at once for it.
  await other.locator('[data-testid="notice"]', { hasText: 'Opened the plan from the shared link' }).waitFor();
  await waitChips(other, chips + 1);
  assert.equal(await other.evaluate(() => localStorage.getItem('berth.plan.v1')), saved, 'the same plan, byte for byte');
  // The plan the board had before the link (here the example) is one undo away.
  await other.locator('[data-testid="undo"]').click();
  await waitChips(other, chips);
  await other.locator('body').press('Control+Shift+Z');
  await waitChips(other, chips + 1);
  // Edits after opening the link survive a reload: the link is not reopened.
  assert.equal(await other.evaluate(() => location.hash), '');
  const opened = new BoardPage(other, server.url);
  await opened.dragServiceTo('audit', opened.group('app'));
  await waitChips(other, chips + 2);
  await other.reload();
  await other.locator('[data-testid="instance"]').first().waitFor();
  assert.equal(await chipCount(other), chips + 2);
  assert.deepEqual(seen.problems, []);
  await second.close();
});

test('a damaged share link says so and falls back', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}#plan=v1.AAAA`);
  const notice = page.locator('[data-testid="notice"]', { hasText: 'could not be opened' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /shared link could not be opened: .*damaged/);
  await page.locator('[data-testid="instance"]').first().waitFor();
  await context.close();
});
