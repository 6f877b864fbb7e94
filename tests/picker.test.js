// The instance-type picker answers "cheapest that fits" (issue 22): its
// columns sort, its filters narrow, each row says whether the type fits the
// plan, and the price says where it comes from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

let page;
let board;
boardSession((s) => ({ page, board } = s));

const rows = () => page.locator('[data-testid="picker-row"]');
/** Each shown row's [type, $/month, fits]. */
const table = () => rows().evaluateAll((trs) => trs.map((tr) => [
  tr.dataset.type,
  Number(tr.querySelector('[data-testid="monthly-price"]').textContent),
  tr.querySelector('[data-testid="fits"]').textContent.trim(),
]));

async function openFor(group) {
  const row = page.locator('[data-testid="group-row"]').filter({ hasText: group });
  await row.locator('[data-testid="change-type"]').click();
  await page.locator('[data-testid="picker"]').waitFor();
}

test('sorted by price, the picker marks the cheapest type that fits the whole plan, and using it places every task', async () => {
  await openFor('app');
  assert.match(await page.locator('[data-testid="price-basis"]').innerText(), /On-demand Linux prices in us-east-1/);
  await page.locator('[data-testid="sort-month"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="picker-row"]')?.dataset.type === 't4g.nano');
  const sorted = await table();
  const prices = sorted.map(([, p]) => p);
  assert.deepEqual(prices, [...prices].sort((a, b) => a - b), 'cheapest first');
  // Two t4g.nano hold any one task but not the plan; the first ✓ plan is
  // the cheapest that does.
  assert.equal(sorted[0][2], '✓ task');
  const first = sorted.find(([, , fits]) => fits === '✓ plan');
  assert.ok(first, JSON.stringify(sorted));
  assert.ok(sorted.indexOf(first) > 0);
  assert.equal(await page.locator('th[aria-sort="ascending"]').innerText(), '$/month ▲');
  // Again: dearest first.
  await page.locator('[data-testid="sort-month"]').click();
  await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]'));
  const dear = (await table()).map(([, p]) => p).filter((p) => !Number.isNaN(p));
  assert.ok(dear[0] >= dear[dear.length - 1], JSON.stringify(dear));
  await page.locator('[data-testid="sort-month"]').click();
  await rows().filter({ hasText: first[0] }).first().locator('[data-testid="pick"]').click();
  await page.waitForFunction((t) => document.querySelector('[data-testid="group"]').textContent.includes(`2 × ${t}`), first[0]);
  assert.equal(await page.locator('[data-testid="unplaced"]').count(), 0, 'every task placed');
});

test('filters: minimum vCPU and memory, generation and architecture narrow the rows', async () => {
  await page.locator('[data-testid="add-group"]').click();
  const count = async () => Number((await page.locator('[data-testid="picker-count"]').innerText()).match(/of (\d+) matching/)[1]);
  const all = await count();
  await page.locator('[data-testid="picker-min-vcpu"]').fill('8');
  await page.locator('[data-testid="picker-min-memory"]').fill('64');
  await page.locator('[data-testid="picker-min-generation"]').fill('7');
  await page.locator('[data-testid="picker-arch"]').selectOption('arm64');
  await page.waitForFunction((n) => !document.querySelector('[data-testid="picker-count"]').textContent.includes(`of ${n} matching`), all);
  const narrowed = await count();
  assert.ok(narrowed > 0 && narrowed < all, `${narrowed} of ${all}`);
  await page.locator('[data-testid="sort-vCPU"]').click();
  const shown = await rows().evaluateAll((trs) => trs.map((tr) => [tr.dataset.type, Number(tr.children[2].textContent), tr.textContent]));
  for (const [type, vcpu, text] of shown) {
    assert.ok(vcpu >= 8, type);
    assert.match(text, /arm64/, type);
    assert.match(type, /^[a-z]+(\d+)/);
    assert.ok(Number(type.match(/^[a-z]+(\d+)/)[1]) >= 7, type);
  }
  const vcpus = shown.map(([, v]) => v);
  assert.deepEqual(vcpus, [...vcpus].sort((a, b) => a - b));
});

test('the board marks an arm64 burstable group', async () => {
  await board.changeGroupType('app', 't4g.small');
  const group = page.locator('[data-testid="group"]').first();
  await group.locator('[data-testid="arm64"]').waitFor();
  assert.equal(await group.locator('[data-testid="burstable"]').innerText(), 'burstable');
});
