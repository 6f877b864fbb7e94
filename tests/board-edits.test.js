// Editing the plan from the panels and the board: add a group, a new
// service, duplicate, delete, start again from the example, and move a task
// chip to another instance. Starts from the example: two t2.micros (995 MiB
// registered each); quote × 2, audit, portfolio, dashboard, each reserving
// 195 MiB and 128 CPU units; app-1 holds four tasks (780 MiB), app-2 one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';
import { waitChips, chipCount } from './pages/board.js';

let page;
let board;
boardSession((s) => ({ page, board } = s));

const cardNames = () => board.serviceCards().evaluateAll((els) => els.map((e) => e.dataset.service));

test('adding a group of one t2.small adds an instance that registers 2001 MiB', async () => {
  const before = await board.instances().count();
  await page.locator('[data-testid="add-group"]').click();
  await page.locator('[data-testid="picker-search"]').fill('t2.small');
  await page.locator('[data-testid="picker-row"]').filter({ hasText: 't2.small' }).first().locator('[data-testid="pick"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="instance"]').length === n + 1, before);
  assert.equal(await board.groups().count(), 2);
  const ids = await board.instances().evaluateAll((els) => els.map((e) => e.dataset.instance));
  assert.equal(await board.registeredShown(ids[ids.length - 1]), 2001);
});

test('a new service of 128 MiB is placed and reserves its 128 MiB', async () => {
  const reserved = await board.totalReserved();
  const chips = await chipCount(page);
  await page.locator('[data-testid="new-service"]').click();
  const form = page.locator('[data-testid="service-form"]');
  await form.locator('[name="name"]').fill('web');
  await form.locator('[data-testid="save-service"]').click();
  await form.waitFor({ state: 'detached' });
  await waitChips(page, chips + 1);
  assert.deepEqual(await cardNames(), ['quote', 'audit', 'portfolio', 'dashboard', 'web']);
  assert.equal(await board.totalReserved(), reserved + 128);
});

test('duplicating quote adds a service of two more 195 MiB tasks', async () => {
  const reserved = await board.totalReserved();
  const chips = await chipCount(page);
  await board.serviceCard('quote').getByRole('button', { name: 'duplicate' }).click();
  await waitChips(page, chips + 2);
  assert.equal(await board.serviceCards().count(), 5);
  assert.equal(await board.totalReserved(), reserved + 2 * 195);
});

test('deleting dashboard removes its card, its task and its 195 MiB', async () => {
  const chips = await chipCount(page);
  await board.serviceCard('dashboard').getByRole('button', { name: 'delete' }).click();
  await waitChips(page, chips - 1);
  assert.deepEqual(await cardNames(), ['quote', 'audit', 'portfolio']);
  assert.equal(await board.reserved('app-1'), 780 - 195);
});

test('"Example" starts again from the example plan', async () => {
  await board.serviceCard('dashboard').getByRole('button', { name: 'delete' }).click();
  await board.setGroupCount('app', 1);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="instance"]').length === 1);
  await page.locator('[data-testid="reset"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="instance"]').length === 2);
  assert.deepEqual(await cardNames(), ['quote', 'audit', 'portfolio', 'dashboard']);
  assert.equal(await board.reserved('app-1'), 780);
  assert.equal(await board.reserved('app-2'), 195);
});

test('moving the audit chip from app-1 to app-2 moves its 195 MiB and pins it there', async () => {
  const audit = board.chips('app-1').filter({ hasText: 'audit' });
  await audit.dragTo(board.instance('app-2'));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-instance="app-2"] [data-testid="task-chip"]')].some((c) => c.textContent.includes('audit')));
  assert.equal(await board.reserved('app-1'), 780 - 195);
  assert.equal(await board.reserved('app-2'), 195 + 195);
  assert.equal(await board.chips('app-1').filter({ hasText: 'audit' }).count(), 0);
  const moved = board.chips('app-2').filter({ hasText: 'audit' });
  assert.match(await moved.getAttribute('title'), /pinned/);
});
