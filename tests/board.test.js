// The planner board, one behaviour per test (issue: the planner board).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

let page;
let board;
boardSession((s) => ({ page, board } = s));

test('dragging quote onto the t2.micro group adds a task and grows the bar by its reservation', async () => {
  const before = await board.totalReserved();
  const chips = await board.allChips().count();
  await board.dragServiceTo('quote', board.group('app'));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="task-chip"]').length === n + 1, chips);
  assert.equal(await board.totalReserved(), before + 195);
});

test('one 195 MiB task too many on a t2.micro shows ECS\'s message and changes nothing', async () => {
  await board.setGroupCount('app', 1);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="instance"]').length === 1);
  assert.equal(await board.reserved('app-1'), 975, 'five 195 MiB tasks fill 975 of 995');
  const chips = await board.allChips().count();
  await board.dragServiceTo('audit', board.group('app'));
  await board.instanceError('app-1').waitFor();
  assert.match(await board.instanceError('app-1').innerText(),
    /service audit was unable to place a task because no container instance met all of its requirements\. The closest matching container-instance app-1 has insufficient memory available\./);
  assert.equal(await board.reserved('app-1'), 975);
  assert.equal(await board.allChips().count(), chips);
});

test('two static port 8000 tasks on one instance give the port message', async () => {
  await board.editService('quote', { hostPort: 8000 });
  await page.locator('[data-testid="service-form"]').waitFor({ state: 'detached' });
  const onApp1 = await board.chips('app-1').filter({ hasText: 'quote' }).count();
  assert.equal(onApp1, 1, 'one quote task already holds 8000 on app-1');
  await board.dragServiceTo('quote', board.instance('app-1'));
  await board.instanceError('app-1').waitFor();
  assert.match(await board.instanceError('app-1').innerText(), /is already using a port required by your task/);
  await board.instance('app-1').locator('.ports summary').click();
  const ports = await board.instance('app-1').locator('[data-testid="port-map"]').innerText();
  assert.match(ports, /8000\s+tcp\s+static\s+quote : 8000/);
});

test('placing a task with the keyboard alone', async () => {
  const before = await board.chips('app-2').filter({ hasText: 'audit' }).count();
  await board.serviceCard('audit').focus();
  await page.keyboard.press('Enter');
  assert.match(await board.announcer().innerText(), /Picked up audit/);
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('ArrowDown');
    if (/instance app-2\./.test(await board.announcer().innerText())) break;
  }
  assert.match(await board.announcer().innerText(), /Target: instance app-2\./);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) =>
    [...document.querySelectorAll('[data-instance="app-2"] [data-testid="task-chip"]')].filter((c) => c.textContent.includes('audit')).length === n + 1, before);
  assert.match(await board.announcer().innerText(), /audit placed on instance app-2/);
});

test('picking another instance type changes the registered memory shown', async () => {
  assert.equal(await board.registeredShown('app-1'), 995);
  await board.changeGroupType('app', 't2.small');
  await page.waitForFunction(() => /of 2001 MiB registered/.test(document.querySelector('[data-instance="app-1"] [data-testid="memory-summary"]').textContent));
  assert.equal(await board.registeredShown('app-1'), 2001);
  assert.equal(await board.registeredShown('app-2'), 2001);
});

test('a task dragged off the board is removed', async () => {
  const chips = await board.allChips().count();
  await board.chips('app-2').first().dragTo(page.locator('[data-testid="off-board"]'));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="task-chip"]').length === n - 1, chips);
});
