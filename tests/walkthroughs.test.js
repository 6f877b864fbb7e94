// Every training walkthrough, run in the browser: each step's text states
// numbers and ECS messages, and the board, tray, panels and stepper must show
// them. One test per walkthrough.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

let page;
let board;
let stepper;
boardSession((s) => ({ page, board, stepper } = s));

const text = () => page.locator('[data-testid="walk-text"]').innerText();

/** Opens walkthrough `id` and waits for its first step's text. */
async function start(id, first) {
  await page.locator(`[data-testid="walk-${id}"]`).click();
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="walk-text"]')?.textContent ?? ''), first.source);
}

/** The next step, once its text (matching `re`) is shown. */
async function next(re) {
  await page.locator('[data-testid="walk-next"]').click();
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid="walk-text"]')?.textContent ?? ''), re.source);
}

const only = (id) => board.instance(id);
/** The id of the board's first instance (walkthrough plans name their own groups). */
const firstInstance = async () => (await board.instances().evaluateAll((els) => els.map((e) => e.dataset.instance)))[0];
const cpu = (id) => only(id).locator('[data-testid="cpu-summary"]').innerText();
const memory = (id) => only(id).locator('[data-testid="memory-summary"]').innerText();
const tray = () => page.locator('[data-testid="tray"]').innerText();
async function ports(id) {
  await only(id).locator('.ports summary').click();
  return only(id).locator('[data-testid="port-map"]').innerText();
}
const outcome = async () => { await stepper.last(); return page.locator('[data-testid="outcome"]').innerText(); };

test('cpu: 1,024 units on a t2.micro, 512 left, RESOURCE:CPU, then 2,048 on a t2.medium', async () => {
  await start('cpu', /registers 1,024 CPU units/);
  const id = await firstInstance();
  assert.equal(await cpu(id), '512 of 1024 free');
  await next(/asks for 1,024 units/);
  assert.match(await tray(), /RESOURCE:CPU[\s\S]*has insufficient CPU units available/);
  await next(/t2\.medium registers 2,048/);
  await page.waitForFunction(() => /of 2048 free/.test(document.querySelector('[data-testid="cpu-summary"]')?.textContent ?? ''));
  assert.equal(await cpu(await firstInstance()), `${2048 - 512 - 1024} of 2048 free`);
  assert.equal(await page.locator('[data-testid="unplaced"]').count(), 0);
});

test('memory: 995 MiB registered, 500 reserved, 495 left, then 780 of 995', async () => {
  await start('memory', /registers 995 MiB/);
  assert.match(await memory('app-1'), /^500 MiB reserved · 495 MiB free of 995 MiB registered/);
  await next(/495 are left/);
  assert.match(await tray(), /RESOURCE:MEMORY[\s\S]*has insufficient memory available/);
  await next(/780 of 995 MiB/);
  assert.match(await memory('app-1'), /^780 MiB reserved · 215 MiB free of 995 MiB registered/);
  await only('app-1').locator('[data-testid="overcommit"]').waitFor();
});

test('static-port: host port 8000 held once, the second task meets ECS\'s port message', async () => {
  await start('static-port', /to host port 8000 \(static\)/);
  const [id] = await board.instances().evaluateAll((els) => els.map((e) => e.dataset.instance));
  assert.match(await ports(id), /8000\s+tcp\s+static/);
  await next(/needs host port 8000 too/);
  assert.match(await tray(), /RESOURCE:PORTS[\s\S]*is already using a port required by your task/);
});

test('dynamic-port: 32768 and 32769 from the ephemeral range, and the targets list them', async () => {
  await start('dynamic-port', /get 32768 and 32769/);
  const [id] = await board.instances().evaluateAll((els) => els.map((e) => e.dataset.instance));
  const map = await ports(id);
  assert.match(map, /32768\s+tcp\s+dynamic/);
  assert.match(map, /32769\s+tcp\s+dynamic/);
  await next(/192\.168\.1\.1:32768, :32769/);
  const targets = await page.locator('[data-testid="targets"]').first().innerText();
  assert.match(targets, /192\.168\.1\.1:32768/);
  assert.match(targets, /192\.168\.1\.1:32769/);
});

test('host-port: dashboard on 8000 and audit on 8001, a second dashboard cannot be placed', async () => {
  await start('host-port', /dashboard takes 8000, audit 8001/);
  const [id] = await board.instances().evaluateAll((els) => els.map((e) => e.dataset.instance));
  const map = await ports(id);
  assert.match(map, /8000\s+tcp\s+static\s+dashboard/);
  assert.match(map, /8001\s+tcp\s+static\s+audit/);
  await next(/A second dashboard needs 8000/);
  assert.match(await tray(), /dashboard[\s\S]*RESOURCE:PORTS/);
});

test('jvm: 672 + 128 fill the 800 MiB limit (amber, a known risk); the smaller settings fit (§7.5 sums)', async () => {
  await start('jvm', /-Xmx672m/);
  const jvm = page.locator('[data-testid="jvm"]').first();
  // heap 672 + metaspace 128 + 200 threads × 1 MiB + code cache 240 + direct 10 + max(10 % of heap, 64).
  const first = 672 + 128 + 200 + 240 + 10 + Math.max(67.2, 64);
  assert.match(await jvm.innerText(), new RegExp(`amber[\\s\\S]*needs ≈ ${Math.round(first)} MiB of 800 MiB`, 'i'));
  await next(/A 400 MiB heap/);
  // heap 400 + 128 + 200 × 0.5 MiB + 64 + 32 + max(40, 64).
  const second = 400 + 128 + 100 + 64 + 32 + 64;
  await page.waitForFunction((n) => document.querySelector('[data-testid="jvm"]').textContent.includes(`needs ≈ ${n} MiB of 800 MiB`), second);
  assert.match(await jvm.innerText(), /\bok\b/i);
});

/** The stepper's 1-based position, once the simulation is on screen. */
async function opened() {
  await page.locator('[data-testid="simulation"]').waitFor();
  return stepper.position();
}
const events = () => page.locator('[data-testid="step-event"]').allInnerTexts();
const healthy = (c) => c.old.healthy + c.new.healthy;
const chart = () => page.locator('.timeline svg').innerHTML();

test('deploy-200: static ports stall at 200 %, opened at the event; dynamic ports opened while the old drain', async () => {
  await start('deploy-200', /minimum 100 %, maximum 200 %/);
  await next(/the deployment stalls/);
  // The stepper opens where the text begins: the "unable to place" event.
  assert.deepEqual(await opened(), { index: 2, total: 3 });
  assert.match((await events()).join('\n'), /was unable to place a task[\s\S]*already using a port required by your task/);
  const c = await stepper.counts();
  assert.deepEqual([c.old.healthy, c.new.pending + c.new.running], [2, 0]);
  assert.match(await chart(), /stalled/);
  assert.match(await outcome(), /stalled/);
  await next(/old ones: the board shows them draining/);
  assert.equal((await opened()).index, 5);
  const d = await stepper.counts();
  assert.deepEqual([d.old.draining, d.new.healthy], [2, 2]);
  const chips = (await page.locator('[data-testid="task-chip"]').allInnerTexts()).join('\n');
  assert.equal(chips.match(/old draining/g).length, 2, chips);
  assert.match(await outcome(), /completed/);
});

test('deploy-0: opened at the moment nothing is healthy, shaded on the chart', async () => {
  await start('deploy-0', /minimum healthy 0 %/);
  assert.equal((await opened()).index, 2);
  const c = await stepper.counts();
  assert.deepEqual([healthy(c), c.old.draining], [0, 1]);
  assert.match(await chart(), /none healthy/);
  assert.match(await outcome(), /completed/);
});

test('deploy-50: the "unable to place" event explained, two stopped at a time, never below 2 healthy', async () => {
  await start('deploy-50', /ECS first tries to start new tasks/);
  assert.equal((await opened()).index, 2);
  assert.match((await events()).join('\n'), /was unable to place a task/);
  await next(/So ECS stops two old tasks/);
  assert.equal((await opened()).index, 3);
  const c = await stepper.counts();
  assert.deepEqual([c.old.draining, c.old.healthy], [2, 2]);
  await next(/steady state at t = 220 s/);
  const { index, total } = await opened();
  assert.equal(index, total, 'opened at the outcome');
  await page.locator('[aria-label="first step"]').click();
  const stops = [];
  for (let i = 1; i <= total; i++) {
    const c = await stepper.counts();
    // §5.1: 50 % of 4 is at least 2 healthy, 200 % at most 8 running or pending.
    assert.ok(healthy(c) >= 2, JSON.stringify(c));
    assert.ok(c.old.pending + c.old.running + c.new.pending + c.new.running <= 8, JSON.stringify(c));
    const a = await stepper.action();
    if (a.startsWith('stop')) stops.push(a);
    if (i < total) await stepper.forward();
  }
  assert.deepEqual(stops, ['stop 2 old (begin draining)', 'stop 2 old (begin draining)']);
  assert.match(await page.locator('[data-testid="outcome"]').innerText(), /completed/);
});

test('rollback: failed tasks drain as "new", the breaker trips at 4 of threshold 3, the old tasks stay "old"', async () => {
  await start('rollback', /the new revision fails its health checks/);
  assert.equal((await opened()).index, 4);
  let c = await stepper.counts();
  assert.deepEqual([c.old.healthy, c.new.draining], [2, 2]);
  await next(/the circuit breaker trips/);
  await opened();
  assert.match(await stepper.action(), /circuit breaker tripped: 4 failed \(threshold 3\)/);
  assert.match(await chart(), /circuit breaker[\s\S]*rollback|rollback[\s\S]*circuit breaker/);
  await next(/rolling back to service-x:1/);
  const { index, total } = await opened();
  assert.equal(index, total);
  assert.match(await page.locator('[data-testid="outcome"]').innerText(), /rolled back/);
  c = await stepper.counts();
  assert.deepEqual([c.old.healthy, c.new.pending + c.new.running + c.new.draining], [2, 0]);
  const chips = (await page.locator('[data-testid="task-chip"]').allInnerTexts()).filter((t) => t.includes('service-x'));
  assert.ok(chips.length === 2 && chips.every((t) => t.includes('old healthy')), chips.join(', '));
});

/** Instance id → the labels of its chips, board-wide. */
async function chipsByInstance() {
  return board.instances().evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.instance,
    [...e.querySelectorAll('[data-testid="task-chip"]')].map((c) => c.textContent.trim())])));
}

test('daemon: one log-agent on every instance, marked and fixed, a new instance gets one, replaced one at a time', async () => {
  await start('daemon', /DAEMON service/);
  let on = await chipsByInstance();
  assert.deepEqual(Object.keys(on), ['app-1', 'app-2']);
  for (const chips of Object.values(on)) assert.equal(chips.filter((c) => c.startsWith('◆ log-agent')).length, 1, JSON.stringify(on));
  const agent = board.allChips().filter({ hasText: 'log-agent' }).first();
  assert.equal(await agent.getAttribute('draggable'), 'false');
  assert.match(await board.serviceCard('log-agent').innerText(), /◆ daemon[\s\S]*2 \/ 2 \(one per instance\)/);
  await next(/A third instance joins/);
  on = await chipsByInstance();
  assert.deepEqual(Object.keys(on), ['app-1', 'app-2', 'app-3']);
  for (const chips of Object.values(on)) assert.equal(chips.filter((c) => c.startsWith('◆ log-agent')).length, 1, JSON.stringify(on));
  await next(/Deploying log-agent/);
  // Opened where one old agent drains and two keep running.
  const { index, total } = await opened();
  assert.equal(index, 2);
  const c = await stepper.counts();
  assert.deepEqual([c.old.draining, c.old.healthy], [1, 2]);
  await page.locator('[aria-label="first step"]').click();
  const stops = [];
  for (let i = 1; i <= total; i++) {
    const a = await stepper.action();
    if (a.startsWith('stop')) stops.push(a);
    // Never two log-agent tasks, old and new, on one instance.
    for (const chips of Object.values(await chipsByInstance())) {
      assert.ok(chips.filter((c) => c.includes('log-agent')).length <= 1, JSON.stringify(chips));
    }
    if (i < total) await stepper.forward();
  }
  // 50 % of 3 keeps 2 healthy: one agent replaced at a time.
  assert.deepEqual(stops, ['stop 1 old (begin draining)', 'stop 1 old (begin draining)', 'stop 1 old (begin draining)']);
  assert.match(await page.locator('[data-testid="outcome"]').innerText(), /completed/);
});

test('affinity: web beside cache, then away from it', async () => {
  await start('affinity', /task:group == service:cache/);
  const where = (on, svc) => Object.entries(on).filter(([, chips]) => chips.some((c) => c.startsWith(svc))).map(([id]) => id);
  const count = (on, svc) => Object.values(on).flat().filter((c) => c.startsWith(svc)).length;
  let on = await chipsByInstance();
  assert.equal(count(on, 'web'), 2, JSON.stringify(on));
  assert.equal(where(on, 'cache').length, 2, JSON.stringify(on));
  assert.ok(where(on, 'web').every((id) => where(on, 'cache').includes(id)), JSON.stringify(on));
  await next(/does the opposite/);
  on = await chipsByInstance();
  assert.equal(count(on, 'web'), 2, JSON.stringify(on));
  assert.ok(where(on, 'web').every((id) => !where(on, 'cache').includes(id)), JSON.stringify(on));
});

test('gpu: RESOURCE:GPU on an m5.large, one of two on a g4dn.xlarge, both on a g4dn.12xlarge', async () => {
  await start('gpu', /An m5\.large has none/);
  assert.match(await tray(), /2 × train[\s\S]*RESOURCE:GPU[\s\S]*insufficient GPU units available/);
  await next(/g4dn\.xlarge registers one GPU/);
  const id = await firstInstance();
  assert.equal(await only(id).locator('[data-testid="gpu-summary"]').innerText(), '0 of 1 free');
  assert.match(await tray(), /1 × train[\s\S]*RESOURCE:GPU[\s\S]*Needs 1 GPU; the most free on any instance is 0/);
  await next(/g4dn\.12xlarge registers four/);
  await page.waitForFunction(() => document.querySelector('[data-testid="gpu-summary"]')?.textContent === '2 of 4 free');
  assert.equal(await page.locator('[data-testid="unplaced"]').count(), 0);
});

test('migrate: the one-off task is placed, runs and stops', async () => {
  await start('migrate', /RunTask places it at random/);
  await page.locator('[data-testid="simulation"]').waitFor();
  const { total } = await stepper.position();
  let shown = false;
  for (let i = 1; i <= total; i++) {
    const chips = await page.locator('[data-testid="task-chip"]').allInnerTexts();
    if (chips.some((c) => c.includes('migrate'))) shown = true;
    if (i < total) await stepper.forward();
  }
  assert.ok(shown, 'a migrate chip at some step');
  const chips = await page.locator('[data-testid="task-chip"]').allInnerTexts();
  assert.ok(!chips.some((c) => c.includes('migrate')), 'stopped at the end');
});

test('export: DatabaseUser missing is CloudFormation\'s error; set, VpcName takes its Default', async () => {
  await start('export', /DatabaseUser has no Default/);
  await page.locator('[data-testid="export-errors"]').waitFor();
  assert.match(await page.locator('[data-testid="export-errors"]').innerText(), /Parameters: \[DatabaseUser\] must have values/);
  await next(/falls back to its Default/);
  await page.locator('[data-testid="export-text"]').waitFor();
  const out = JSON.parse(await page.locator('[data-testid="export-text"]').innerText());
  const vpc = out.find((p) => p.ParameterKey === 'VpcName');
  assert.equal(vpc.ParameterValue, 'Development');
});
