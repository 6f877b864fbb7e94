// A panic shows a banner with a way back to the last good plan, never a dead
// page (issue: reliability and security). The panic is the app's own
// `panic_drill`, reached through window.berthApp (the app module's exports,
// set by first/src/first.js once the app has started).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser } from './support/harness.js';
import { BoardPage, chipCount, waitChips } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });


test('a panic after a change shows the banner, and "restore last good plan" brings that plan back', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const board = new BoardPage(page, server.url);
  await board.open();
  const chips = await chipCount(page);
  await board.dragServiceTo('quote', board.group('app'));
  await waitChips(page, chips + 1);
  const saved = await page.evaluate(() => localStorage.getItem('berth.plan.v1'));

  const thrown = await page.evaluate(() => {
    try { window.berthApp.panic_drill(); return null; } catch (e) { return String(e); }
  });
  assert.match(thrown, /unreachable|RuntimeError/, 'the panic aborts the wasm call');
  const banner = page.locator('#crash[role="alertdialog"]');
  await banner.waitFor();
  assert.match(await banner.innerText(), /stopped after an internal error/i);
  assert.match(await banner.innerText(), /panic drill/);
  const restore = page.locator('#crash-restore');
  assert.equal(await restore.innerText(), 'Restore last good plan');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'crash-restore', 'the way out has focus');
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.plan.v1')), saved, 'the saved plan is untouched');

  await restore.click();
  await page.locator('[data-testid="notice"]').waitFor();
  assert.match(await page.locator('[data-testid="notice"]').innerText(), /last plan saved before it/);
  assert.equal(await chipCount(page), chips + 1, 'the dragged task is back');
  assert.equal(await page.locator('#crash').count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.crash')), null, 'the notice is shown once');
  await context.close();
});

test('a panic while starting keeps the saved plan aside and starts from the example', async () => {
  const context = await browser.newContext();
  const first = await context.newPage();
  const board = new BoardPage(first, server.url);
  await board.open();
  const example = await chipCount(first);
  await board.dragServiceTo('audit', board.group('app'));
  await waitChips(first, example + 1);
  const saved = await first.evaluate(() => localStorage.getItem('berth.plan.v1'));
  await first.close();

  // Panic as soon as the app has mounted, once per tab.
  await context.addInitScript(() => {
    if (sessionStorage.getItem('drilled')) return;
    sessionStorage.setItem('drilled', '1');
    addEventListener('BerthAppStarted', () => {
      try { window.berthApp.panic_drill(); } catch { /* the abort is the point */ }
    });
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('#crash').waitFor();
  assert.match(await page.locator('#crash').innerText(), /kept aside under "berth\.plan\.unreadable"/);
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.plan.unreadable')), saved, 'kept, byte for byte');
  assert.equal(await page.locator('#crash-restore').innerText(), 'Start again');

  await page.locator('#crash-restore').click();
  await page.locator('[data-testid="notice"]').waitFor();
  assert.match(await page.locator('[data-testid="notice"]').innerText(), /stopped while starting/);
  await page.locator('[data-testid="instance"]').first().waitFor();
  assert.equal(await chipCount(page), example, 'the example plan');
  await context.close();
});
