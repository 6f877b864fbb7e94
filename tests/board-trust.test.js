// Issue 21, defects 1 and 4: a walkthrough never touches the user's plan,
// its undo history or its autosave; the deployment panel follows the plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

let page;
let board;
boardSession((s) => ({ page, board } = s));

const instanceCount = (n) => page.waitForFunction((k) => document.querySelectorAll('[data-testid="instance"]').length === k, n);
const limits = () => page.locator('[data-testid="deploy-limits"]').innerText();
const chosen = () => page.locator('[data-testid="deploy-service"]').inputValue();

test('a walkthrough leaves the user\'s plan and its undo history as they were', async () => {
  await board.setGroupCount('app', 3);
  await instanceCount(3);
  await page.locator('[data-testid="walk-jvm"]').click();
  await page.locator('[data-testid="walk-next"]').click();
  await instanceCount(1);
  await page.locator('[data-testid="walk-close"]').click();
  await instanceCount(3);
  await page.locator('[data-testid="undo"]').click();
  await instanceCount(2);
  await page.locator('[data-testid="redo"]').click();
  await instanceCount(3);
});

test('a reload during a walkthrough, or after it, finds the user\'s plan saved', async () => {
  await board.setGroupCount('app', 3);
  await instanceCount(3);
  await page.locator('[data-testid="walk-jvm"]').click();
  await instanceCount(1);
  await page.reload();
  await board.instance('app-3').waitFor();
  await page.locator('[data-testid="walk-jvm"]').click();
  await page.locator('[data-testid="walk-next"]').click();
  await page.locator('[data-testid="walk-next"]').click(); // Finish
  await instanceCount(3);
  await page.reload();
  await board.instance('app-3').waitFor();
  assert.equal(await board.instances().count(), 3);
});

test('"copy into my plan" makes the walkthrough\'s plan the user\'s, undoably', async () => {
  await page.locator('[data-testid="walk-memory"]').click();
  await page.waitForFunction(() => /^500 MiB reserved/.test(document.querySelector('[data-testid="memory-summary"]')?.textContent ?? ''));
  await page.locator('[data-testid="walk-copy"]').click();
  await page.locator('[data-testid="walk-step"]').waitFor({ state: 'detached' });
  assert.match(await board.instance('app-1').locator('[data-testid="memory-summary"]').innerText(), /^500 MiB reserved/);
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction(() => /^780 MiB reserved/.test(document.querySelector('[data-instance="app-1"] [data-testid="memory-summary"]')?.textContent ?? ''));
});

test('deleting the chosen service moves the deployment panel to one that exists, and Simulate works', async () => {
  assert.equal(await chosen(), 'quote');
  await board.serviceCard('quote').getByRole('button', { name: 'delete' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="deploy-service"]').value === 'audit');
  // audit: desiredCount 1 at 100 % / 200 % → at least ceil(1) healthy, at most floor(2).
  assert.equal(await limits(), 'at least 1 of 1 healthy, at most 2 running or pending');
  await page.locator('[data-testid="simulate"]').click();
  await page.locator('[data-testid="simulation"]').waitFor();
  assert.match(await page.locator('[data-testid="step-action"]').innerText(), /deploy audit:\d+/);
});

test('with no service left the panel says so and offers nothing to simulate', async () => {
  for (const s of ['quote', 'audit', 'portfolio', 'dashboard']) {
    await board.serviceCard(s).getByRole('button', { name: 'delete' }).click();
    await board.serviceCard(s).waitFor({ state: 'detached' });
  }
  assert.match(await limits(), /no service to deploy/);
  assert.equal(await page.locator('[data-testid="simulate"]').isDisabled(), true);
});

test('a walkthrough\'s deployment sets the panel to its service and percentages', async () => {
  await page.locator('[data-testid="walk-deploy-50"]').click();
  await page.locator('[data-testid="simulation"]').waitFor();
  assert.equal(await chosen(), 'service-x');
  // Four tasks at 50 % / 200 %: at least 2 healthy, at most 8.
  assert.equal(await limits(), 'at least 2 of 4 healthy, at most 8 running or pending');
  await page.locator('[data-testid="walk-close"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="deploy-service"]').value === 'quote');
  assert.equal(await limits(), 'at least 2 of 2 healthy, at most 4 running or pending');
});

test('a task no t2.micro can hold says so, with the numbers', async () => {
  await board.editService('quote', { memoryReservation: 1000, memory: 1200 });
  await page.locator('[data-testid="service-form"]').waitFor({ state: 'detached' });
  const detail = page.locator('[data-testid="unplaced"]').filter({ hasText: 'quote' }).locator('[data-testid="unplaced-detail"]');
  // A t2.micro registers 995 MiB (the catalogue's observed figure), less than 1000.
  assert.equal(await detail.innerText(), 'Needs 1000 MiB of memory; the most any t2.micro registers is 995: no t2.micro can ever run it. Choose a larger instance type, or reserve less.');
});

test('deleting a service recolours no other', async () => {
  const colour = (s) => board.serviceCard(s).evaluate((el) => [...el.classList].find((c) => /^svc-\d$/.test(c)));
  const before = { portfolio: await colour('portfolio'), dashboard: await colour('dashboard') };
  await board.serviceCard('audit').getByRole('button', { name: 'delete' }).click();
  await board.serviceCard('audit').waitFor({ state: 'detached' });
  assert.deepEqual({ portfolio: await colour('portfolio'), dashboard: await colour('dashboard') }, before);
  const chip = board.chips('app-1').filter({ hasText: 'portfolio' });
  assert.ok((await chip.getAttribute('class')).includes(before.portfolio));
});

/** Every chip's (instance, text), sorted: where each task runs. */
const whereTasksRun = () => page.locator('[data-testid="task-chip"]').evaluateAll((els) => els
  .map((e) => `${e.closest('[data-testid="instance"]').dataset.instance} ${e.textContent.replace(' 📌', '').trim()}`).sort());

test('dropping quote on app-2 starts a task there and moves no other', async () => {
  const before = await whereTasksRun();
  await board.dragServiceTo('quote', board.instance('app-2'));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="task-chip"]').length === n + 1, before.length);
  assert.deepEqual(await whereTasksRun(), [...before, 'app-2 quote'].sort());
});

test('"Re-balance" lists the moves first, applies them only when asked, and undo brings the board back', async () => {
  await board.dragServiceTo('quote', board.instance('app-2'));
  await page.waitForFunction(() => document.querySelectorAll('[data-instance="app-2"] [data-testid="task-chip"]').length === 2);
  const held = await whereTasksRun();
  assert.deepEqual(held.filter((t) => t.endsWith('quote')), ['app-1 quote', 'app-2 quote', 'app-2 quote']);

  await page.locator('[data-testid="rebalance-show"]').click();
  assert.deepEqual(await page.locator('[data-testid="rebalance-moves"] li').allInnerTexts(), ['quote: app-2 → app-1']);
  assert.deepEqual(await whereTasksRun(), held, 'the preview changes nothing');
  await page.locator('[data-testid="rebalance-apply"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-instance="app-2"] [data-testid="task-chip"]').length === 1);
  const rebalanced = await whereTasksRun();
  assert.deepEqual(rebalanced.filter((t) => t.endsWith('quote')), ['app-1 quote', 'app-1 quote', 'app-2 quote']);
  assert.equal(await page.locator('[data-testid="rebalance-preview"]').count(), 0);
  assert.match(await board.chips('app-2').filter({ hasText: 'quote' }).innerText(), /📌/, 'the user\'s own pin stays');

  await page.locator('[data-testid="rebalance-show"]').click();
  await page.locator('[data-testid="rebalance-none"]').waitFor();
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-instance="app-2"] [data-testid="task-chip"]').length === 2);
  assert.deepEqual(await whereTasksRun(), held);
  assert.equal(await page.locator('[data-testid="rebalance-preview"]').count(), 0, 'a change of plan closes the preview');
});

test('dropping dashboard on a new m5.large group starts it there, not on a t2.micro', async () => {
  await page.locator('[data-testid="add-group"]').click();
  await page.locator('[data-testid="picker-search"]').fill('m5.large');
  await page.locator('[data-testid="picker-row"]').filter({ hasText: 'm5.large' }).first().locator('[data-testid="pick"]').click();
  await board.groups().nth(1).waitFor();
  const group = await board.groups().nth(1).getAttribute('data-group');
  const before = await whereTasksRun();
  await board.dragServiceTo('dashboard', board.group(group));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="task-chip"]').length === n + 1, before.length);
  assert.deepEqual(await whereTasksRun(), [...before, `${group}-1 dashboard`].sort());
});

test('a group count that is not a whole number, or past the cap, is refused beside the field and the field shows the plan', async () => {
  const field = page.locator('[data-testid="group-count"]').first();
  const error = page.locator('[data-testid="group-count-error"]');
  for (const typed of ['-3', '2.5', '1e3']) {
    await field.fill(typed);
    await field.press('Tab');
    await error.waitFor();
    assert.match(await error.innerText(), /whole number/, typed);
    assert.equal(await field.inputValue(), '2', typed);
    assert.equal(await board.instances().count(), 2, typed);
  }
  // ECS's quota: 5,000 container instances per cluster.
  await field.fill('10000');
  await field.press('Tab');
  await page.waitForFunction(() => /5,?000/.test(document.querySelector('[data-testid="group-count-error"]')?.textContent ?? ''));
  assert.equal(await field.inputValue(), '2');
  assert.equal(await page.locator('[data-testid="notice"]').count(), 0, 'said beside the field, not in a banner');
  await field.fill('3');
  await field.press('Tab');
  await instanceCount(3);
  assert.equal(await error.count(), 0);
});

test('service form: a port past 65535 and a reservation of 0 are refused at their fields; nothing is dropped', async () => {
  await board.serviceCard('quote').getByRole('button', { name: 'edit' }).click();
  const form = page.locator('[data-testid="service-form"]');
  await form.locator('[name="containerPort"]').fill('70000');
  await form.locator('[data-testid="error-containerPort"]').waitFor();
  assert.match(await form.locator('[data-testid="error-containerPort"]').innerText(), /not a port number/);
  await form.locator('[data-testid="save-service"]').click();
  assert.equal(await form.count(), 1, 'the form stays open');
  // The card still maps its port: nothing was saved.
  assert.match(await board.serviceCard('quote').innerText(), /8000\/tcp/);
  await form.locator('[name="containerPort"]').fill('8000');
  await form.locator('[name="memoryReservation"]').fill('0');
  await form.locator('[data-testid="save-service"]').click();
  await form.locator('[data-testid="error-memoryReservation"]').waitFor();
  assert.match(await form.locator('[data-testid="error-memoryReservation"]').innerText(), /non-zero/);
  assert.equal(await board.reserved('app-1'), 780, 'the plan is unchanged');
});
