// The stepper's transport and options: back, play, a new host port, and a
// failing revision rolled back. Four t2.micros, four quote tasks on static
// host port 8000, one per instance (as in stepper.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

let page;
let board;
let stepper;
boardSession((s) => ({ page, board, stepper } = s), async ({ page, board }) => {
  await board.setGroupCount('app', 4);
  await board.editService('quote', { desiredCount: 4, hostPort: 8000 });
  await page.locator('[data-testid="service-form"]').waitFor({ state: 'detached' });
});

const outcome = () => page.locator('[data-testid="outcome"]').innerText();
const quoteChips = async () => (await page.locator('[data-testid="task-chip"]').allInnerTexts()).filter((c) => c.includes('quote'));

test('back returns to the step before, with its action and counts', async () => {
  await stepper.simulate({ service: 'quote', tag: '1.5', min: 50, max: 200 });
  await stepper.forward();
  const second = { action: await stepper.action(), counts: await stepper.counts() };
  await stepper.forward();
  assert.equal((await stepper.position()).index, 3);
  await page.locator('[data-testid="step-back"]').click();
  assert.equal((await stepper.position()).index, 2);
  assert.equal(await stepper.action(), second.action);
  assert.deepEqual(await stepper.counts(), second.counts);
});

test('play steps through to the end by itself and stops there', async () => {
  await stepper.simulate({ service: 'quote', tag: '1.5', min: 50, max: 200 });
  const { total } = await stepper.position();
  await page.locator('[data-testid="play"]').click();
  assert.equal(await page.locator('[data-testid="play"]').innerText(), 'pause');
  await page.waitForFunction((n) => document.querySelector('[data-testid="step-index"]').textContent.includes(`step ${n} of ${n}`), total, { timeout: 700 * total + 5000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]').textContent === 'play');
  assert.match(await outcome(), /completed/);
});

test('the hint\'s fix: a new host port of 0 (dynamic) lets 200 % complete where 8000 stalls', async () => {
  await page.locator('[data-testid="deploy-host-port"]').fill('0');
  await stepper.simulate({ service: 'quote', tag: '1.5', min: 100, max: 200 });
  // §5.1: 100 % of 4 keeps 4 healthy; 200 % allows 8 running or pending,
  // so ECS starts four new tasks beside the old ones on dynamic ports.
  assert.equal(await stepper.limits(), 'at least 4 of 4 healthy, at most 8 running or pending');
  await stepper.forward();
  assert.equal(await stepper.action(), 'start 4 new');
  await stepper.last();
  assert.match(await outcome(), /completed/);
  const chips = await quoteChips();
  assert.equal(chips.length, 4, chips.join(', '));
  assert.ok(chips.every((c) => c.includes('new')), chips.join(', '));
});

test('a revision that fails its health checks is rolled back to the old tasks', async () => {
  await page.locator('[data-testid="deploy-host-port"]').fill('0');
  await page.locator('[data-testid="deploy-failing"]').check();
  await stepper.simulate({ service: 'quote', tag: '1.5', min: 100, max: 200 });
  const { total } = await stepper.position();
  const actions = [];
  for (let i = 1; i <= total; i++) {
    actions.push(await stepper.action());
    if (i < total) await stepper.forward();
  }
  assert.match(await outcome(), /rolled back/);
  // §5.6: for 4 tasks the threshold is clamp(ceil(2), 3, 200) = 3.
  assert.match(await outcome(), /threshold is 3/);
  // The rollback is a deployment of the last good revision: its tasks keep
  // their label "old", all four healthy, and none of the failed new ones is left.
  const rollback = actions.find((a) => a.startsWith('roll back to quote:'));
  assert.ok(rollback, actions.join('\n'));
  assert.ok(actions.indexOf(rollback) > actions.findIndex((a) => /circuit breaker tripped/.test(a)));
  const last = await stepper.counts();
  assert.deepEqual([last.old.healthy, last.old.draining, last.new.pending + last.new.running + last.new.draining], [4, 0, 0]);
  assert.equal((await quoteChips()).length, 4);
});
