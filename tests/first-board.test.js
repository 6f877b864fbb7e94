// The first board (issue 20): the page's first module (crate berth-first)
// draws the board of the plan the user opens, takes a drag, and fetches the
// rest of the app after first paint; a failure to fetch it is shown and
// retried; the app takes over with what was done meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { FirstBoardPage } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const example = () => JSON.parse(readFileSync('public/examples/microtrader.json', 'utf8'));

/** A page whose app module cannot be fetched until `release()`. */
async function heldBack(setup) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (setup) await setup(context);
  let held = true;
  await context.route('**/app/**', (route) => (held ? route.abort() : route.continue()));
  const page = await context.newPage();
  const seen = watch(page, server.url);
  const first = new FirstBoardPage(page, server.url);
  return { context, page, seen, first, release: () => { held = false; } };
}

/** Every card of a board (the first one's, prefix "first-", or the app's): id → [memory summary, chips]. */
async function cards(page, prefix) {
  const chip = prefix ? `${prefix}chip` : 'task-chip';
  return page.locator(`[data-testid="${prefix}instance"]`).evaluateAll((els, [prefix, chip]) => Object.fromEntries(els.map((el) => [
    el.dataset.instance,
    [el.querySelector(`[data-testid="${prefix}memory-summary"]`).textContent,
      [...el.querySelectorAll(`[data-testid="${chip}"]`)].map((c) => c.textContent).sort()],
  ])), [prefix, chip]);
}

test('the first board is drawn and dragged before the app arrives; a failed fetch is shown and retried; the app takes the move over, undoably', async () => {
  const { context, page, seen, first, release } = await heldBack();
  await first.open();
  // The app could not be fetched: said, with a way to try again.
  await first.retry().waitFor();
  assert.match(await first.status().innerText(), /could not be loaded/);
  const before = await cards(page, 'first-');
  // The example: quote has two tasks, one on each instance.
  assert.deepEqual(Object.keys(before), ['app-1', 'app-2']);
  assert.match(before['app-2'][0], /^195 MiB reserved/);
  await first.chip('app-1', 'quote').dragTo(first.instance('app-2'));
  const moved = await cards(page, 'first-');
  assert.match(moved['app-2'][0], /^390 MiB reserved/);
  assert.match(moved['app-1'][0], /^585 MiB reserved/);
  assert.deepEqual(moved['app-2'][1], ['quote', 'quote 📌']);
  assert.equal(await first.tasksPlaced(), 5);

  release();
  await first.retry().click();
  await page.locator('[data-testid="instance"]').first().waitFor();
  // The first board is gone; the app's says the same as it did.
  assert.equal(await page.locator('[data-testid="first-board"]').count(), 0);
  assert.deepEqual(await cards(page, ''), moved);
  // The move made on the first board is one step of the app's history.
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction(() => /^195 MiB/.test(document.querySelector('[data-instance="app-2"] [data-testid="memory-summary"]').textContent));
  assert.deepEqual(await cards(page, ''), before);
  // Only the blocked fetch is a console error.
  assert.ok(seen.problems.every((p) => /Failed to load resource|net::ERR_FAILED/.test(p)), seen.problems.join('\n'));
  await context.close();
});

test('a share link opens on the first board, and in the app that takes over', async () => {
  const plan = example();
  plan.name = 'shared-for-review';
  plan.cluster.instanceGroups[0].count = 3;
  const fragment = `v1.${deflateRawSync(Buffer.from(JSON.stringify(plan))).toString('base64url')}`;
  const { context, page, first, release } = await heldBack();
  await first.open(`#plan=${fragment}`);
  assert.deepEqual(Object.keys(await cards(page, 'first-')), ['app-1', 'app-2', 'app-3']);
  assert.match(await page.locator('[data-testid="first-board"]').evaluate(() => document.querySelector('.plan-name strong').textContent), /shared-for-review/);
  release();
  await first.retry().click();
  await page.locator('[data-testid="instance"][data-instance="app-3"]').waitFor();
  assert.match(await page.locator('[data-testid="notice"]').innerText(), /Opened the plan from the shared link/);
  assert.equal(new URL(page.url()).hash, '');
  await context.close();
});

test('the plan saved in this browser opens on the first board', async () => {
  const plan = example();
  plan.cluster.instanceGroups[0].count = 4;
  const { context, page, first } = await heldBack((c) => c.addInitScript((text) => localStorage.setItem('berth.plan.v1', text), JSON.stringify(plan)));
  await first.open();
  assert.deepEqual(Object.keys(await cards(page, 'first-')), ['app-1', 'app-2', 'app-3', 'app-4']);
  await context.close();
});

test('the first board and the app draw the same cards for the example', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = watch(page, server.url);
  // Both boards, caught as each is drawn: the first one is gone once the app is in.
  await page.addInitScript(() => {
    window.__firstCards = null;
    new MutationObserver(() => {
      if (!window.__firstCards && document.querySelector('[data-testid="first-instance"]')) {
        window.__firstCards = [...document.querySelectorAll('[data-testid="first-instance"]')].map((el) => el.innerText.replace(/\s+/g, ' ').trim());
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(server.url);
  await page.locator('[data-testid="instance"][data-instance="app-2"]').waitFor();
  const firstCards = await page.evaluate(() => window.__firstCards);
  const appCards = await page.locator('[data-testid="instance"]').evaluateAll((els) => els.map((el) => el.innerText.replace(/\s+/g, ' ').trim()));
  assert.equal(firstCards.length, 2);
  assert.deepEqual(firstCards, appCards);
  assert.deepEqual(seen.problems, []);
  await context.close();
});
