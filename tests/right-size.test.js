// Right-sizing (issue 18): the cheapest clusters that fit, found without
// blocking the page; one applied with a click and undone with another, or
// pinned as the review's baseline; a bad limit named, the plan untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';
import { openWithPlan, rightSizePlan } from './support/perf.js';

let page;
let browser;
let server;
boardSession((s) => ({ page, browser, server } = s));

const candidates = () => page.locator('[data-testid="rs-candidate"]').evaluateAll((trs) => trs.map((tr) => ({
  type: tr.dataset.type,
  count: Number(tr.dataset.count),
  monthly: Number(tr.children[2].textContent),
})));
const groupRow = () => page.locator('[data-testid="group-row"]').first();
const monthlyTotal = async () => Number((await page.locator('[data-testid="monthly-cost"]').innerText()).replace(/[^0-9.]/g, ''));

async function search() {
  await page.locator('[data-testid="right-size-open"]').click();
  await page.locator('[data-testid="rs-search"]').click();
  await page.locator('[data-testid="rs-summary"]').waitFor();
}

test('the candidates come cheapest first; applying one places every task on it, and undo puts the cluster back', async () => {
  const before = await groupRow().innerText();
  const costBefore = await monthlyTotal();
  await search();
  const found = await candidates();
  assert.equal(found.length, 5, JSON.stringify(found));
  const costs = found.map((c) => c.monthly);
  assert.deepEqual(costs, [...costs].sort((a, b) => a - b), 'cheapest first');
  assert.ok(costs[0] < costBefore, `${costs[0]} is cheaper than today's ${costBefore}`);
  const best = found[0];
  assert.match(await page.locator('[data-testid="rs-summary"]').innerText(),
    new RegExp(`^${best.count} × ${best.type.replace('.', '\\.')}, \\$${best.monthly.toFixed(2)}/month`));
  // Each service's own deployment, as the search ran it on this cluster.
  const services = await page.locator('[data-testid="service-card"]').evaluateAll((cs) => cs.map((c) => c.dataset.service));
  const perService = await page.locator('[data-testid="rs-deployments"]').first().locator('li').allTextContents();
  assert.deepEqual(perService, services.map((s) => `${s}: completed`));
  await page.locator('[data-testid="rs-apply"]').first().click();
  await page.locator('[data-testid="rs-close"]').click();
  await page.waitForFunction((t) => document.querySelector('[data-testid="group-row"]').textContent.includes(t), best.type);
  assert.equal(await groupRow().locator('[data-testid="group-count"]').inputValue(), String(best.count));
  assert.equal(await page.locator('[data-testid="instance"]').count(), best.count);
  assert.equal(await page.locator('[data-testid="unplaced"]').count(), 0, 'every task placed');
  // The board prices the cluster itself: the same as the candidate said.
  assert.equal(await monthlyTotal(), best.monthly);
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction((t) => !document.querySelector('[data-testid="group-row"]').textContent.includes(t), best.type);
  assert.equal(await groupRow().innerText(), before);
  assert.equal(await monthlyTotal(), costBefore);
});

test('pinned as the baseline, a candidate shows in the review as the cluster the plan is compared with', async () => {
  await search();
  const [best] = await candidates();
  await page.locator('[data-testid="rs-pin"]').first().click();
  await page.locator('[data-testid="rs-close"]').click();
  const diff = page.locator('[data-testid="compare"]');
  await diff.getByText('instanceType').first().waitFor();
  const text = await diff.innerText();
  assert.match(text, new RegExp(`instanceType\\s+${best.type.replace('.', '\\.')}\\s+t2\\.micro`), text);
  assert.match(await groupRow().innerText(), /t2\.micro/, 'the plan keeps its own cluster');
});

test('a limit that is not a number is named, and the plan is as it was', async () => {
  const before = await groupRow().innerText();
  await page.locator('[data-testid="right-size-open"]').click();
  await page.locator('[data-testid="rs-max"]').fill('lots');
  await page.locator('[data-testid="rs-search"]').click();
  assert.equal(await page.locator('[data-testid="rs-error"]').innerText(),
    'max instances: "lots" is not a whole number from 1 to 500');
  await page.locator('[data-testid="rs-overcommit"]').fill('0.5');
  await page.locator('[data-testid="rs-max"]').fill('10');
  await page.locator('[data-testid="rs-search"]').click();
  assert.match(await page.locator('[data-testid="rs-error"]').innerText(), /^overcommit: "0\.5" is not a ratio of 1 or more/);
  assert.equal(await groupRow().innerText(), before);
});

test('on 2,000 tasks the search shows its progress between frames, and cancel stops it with the plan as it was', async () => {
  const { context, page: big } = await openWithPlan(browser, server.url, rightSizePlan());
  try {
    const row = big.locator('[data-testid="group-row"]').first();
    const before = await row.innerText();
    await big.locator('[data-testid="right-size-open"]').click();
    await big.locator('[data-testid="rs-search"]').click();
    // Progress moves on while the page keeps drawing: two different
    // readings, each painted in a frame of its own.
    const progress = big.locator('[data-testid="rs-progress"]');
    await big.waitForFunction(() => /^ *[1-9]\d* of \d+ types/.test(document.querySelector('[data-testid="rs-progress"]')?.textContent ?? ''));
    const first = await progress.innerText();
    await big.waitForFunction((t) => document.querySelector('[data-testid="rs-progress"]')?.textContent.trim() !== t.trim(), first);
    await big.locator('[data-testid="rs-cancel"]').click();
    await big.locator('[data-testid="rs-cancelled"]').waitFor();
    assert.equal(await big.locator('[data-testid="rs-summary"]').count(), 0);
    assert.equal(await row.innerText(), before);
  } finally {
    await context.close();
  }
});
