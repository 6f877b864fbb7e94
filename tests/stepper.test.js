// The deployment stepper: the seed's 50 % and 200 % cases, stepped in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

let page;
let board;
let stepper;
boardSession((s) => ({ page, board, stepper } = s), async ({ page, board }) => {
  // Four t2.micros, four quote tasks with static host port 8000: one per instance.
  await board.setGroupCount('app', 4);
  await board.editService('quote', { desiredCount: 4, hostPort: 8000 });
  await page.locator('[data-testid="service-form"]').waitFor({ state: 'detached' });
});

test('stepping a 50 % deployment of four tasks shows each step\'s counts', async () => {
  await stepper.simulate({ service: 'quote', tag: '1.5', min: 50, max: 200 });
  assert.equal(await stepper.limits(), 'at least 2 of 4 healthy, at most 8 running or pending');
  const { total } = await stepper.position();
  const seenActions = [];
  for (let i = 1; i <= total; i++) {
    const c = await stepper.counts();
    assert.ok(c.old.healthy + c.new.healthy >= 2, `step ${i}: ${JSON.stringify(c)} keeps at least 2 healthy`);
    assert.ok(c.old.pending + c.old.running + c.new.pending + c.new.running <= 8, `step ${i}: at most 8 running or pending`);
    seenActions.push(await stepper.action());
    assert.equal((await stepper.position()).index, i);
    if (i < total) await stepper.forward();
  }
  assert.deepEqual(seenActions.filter((a) => a.startsWith('stop')), ['stop 2 old (begin draining)', 'stop 2 old (begin draining)']);
  const last = await stepper.counts();
  assert.deepEqual([last.old.running, last.new.running, last.new.healthy], [0, 4, 4]);
  assert.match(await page.locator('[data-testid="outcome"]').innerText(), /Outcome: completed/);
  // The board shows the step: every task on it is the new revision.
  const chips = await page.locator('[data-testid="task-chip"]').allInnerTexts();
  const quote = chips.filter((c) => c.includes('quote'));
  assert.equal(quote.length, 4, chips.join(', '));
  assert.equal(quote.every((c) => c.includes('new')), true, chips.join(', '));
});

test('the 200 % static-port case ends stalled with ECS\'s message and a hint', async () => {
  await stepper.simulate({ service: 'quote', tag: '1.5', min: 100, max: 200 });
  await stepper.last();
  assert.match(await page.locator('[data-testid="outcome"]').innerText(), /stalled/);
  const events = [await page.locator('[data-testid="outcome-event"]').innerText()];
  assert.ok(events.some((e) => /service quote was unable to place a task because no container instance met all of its requirements\. The closest matching container-instance app-\d is already using a port required by your task\./.test(e)), events.join('\n'));
  assert.match(await page.locator('[data-testid="hint"]').innerText(), /static host port 8000: set hostPort 0 behind a load balancer/);
  // While the simulation is shown the plan cannot be edited by a drag.
  await page.locator('[data-testid="close-simulation"]').click();
  await page.locator('[data-testid="simulation"]').waitFor({ state: 'detached' });
});
