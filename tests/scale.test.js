// The board at scale (issues 8 and 21, defect 7): only the cards near the
// screen are drawn, every card can still be reached by scrolling or by the
// keyboard, and a drop redraws only the card whose picture changed. Timing
// is measured by `make bench` (tests/perf/ui.mjs), not asserted here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { largePlan, openWithPlan, timeDrags, median } from './support/perf.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const drawnCards = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="instance"]')].map((el) => el.dataset.instance));
const totals = async (page) => ({
  instances: Number(await page.locator('[data-testid="totals"] dd').first().innerText()),
  tasks: Number(await page.locator('[data-testid="tasks-placed"]').innerText()),
});

test('a drop on a 500-instance board redraws only the instance that changed', async (t) => {
  const { context, page } = await openWithPlan(browser, server.url, largePlan());
  const seen = watch(page, server.url);
  assert.deepEqual(await totals(page), { instances: 500, tasks: 2000 });
  await page.evaluate(() => document.querySelectorAll('[data-testid="instance"]').forEach((el) => { el.dataset.seen = '1'; }));
  const drawn = await drawnCards(page);
  assert.ok(drawn.includes('g0-2') && drawn.length < 500, `g0-2 is on screen: ${drawn.length} cards drawn`);
  const svc19 = () => page.locator('[data-instance="g0-2"] [data-testid="task-chip"]').filter({ hasText: /^svc19\b/ }).count();
  const before = await svc19();

  await page.locator('[data-testid="service-card"][data-service="svc19"]').dragTo(page.locator('[data-instance="g0-2"]'));
  await page.waitForFunction(() => document.querySelector('[data-testid="tasks-placed"]').textContent === '2001');
  const redrawn = await page.evaluate(() => [...document.querySelectorAll('[data-testid="instance"]')]
    .filter((el) => !el.dataset.seen).map((el) => el.dataset.instance));
  assert.deepEqual(redrawn, ['g0-2']);
  assert.equal(await svc19(), before + 1);

  const times = await timeDrags(page, 5);
  t.diagnostic(`drag → re-plan → re-render on 500 instances / 2,000 tasks: median ${median(times).toFixed(1)} ms of ${times.length}`);
  assert.deepEqual(seen.problems, []);
  await context.close();
});

test('5,000 instances: only the cards near the screen are drawn, and scrolling reaches the last', async () => {
  const { context, page } = await openWithPlan(browser, server.url, largePlan(1000, 1000));
  const seen = watch(page, server.url);
  assert.deepEqual(await totals(page), { instances: 5000, tasks: 20000 });
  const first = await drawnCards(page);
  assert.ok(first.length > 0 && first.length < 100, `${first.length} of 5,000 cards drawn`);
  assert.ok(first.includes('g0-1'));
  // The undrawn cards keep their room, so the page scrolls as if all were
  // there: at least 100 px for each of the 5,000 / 3 rows.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height > 5000 / 3 * 100, `page ${height} px tall`);

  await page.locator('[data-testid="chunk"]').last().scrollIntoViewIfNeeded();
  await page.locator('[data-instance="g4-1000"]').waitFor();
  const end = await drawnCards(page);
  assert.ok(end.length < 100, `${end.length} cards drawn at the end`);
  assert.ok(!end.includes('g0-1'), 'the first cards, far above, are no longer drawn');
  assert.deepEqual(seen.problems, []);
  await context.close();
});

test('5,000 instances: the keyboard drag reaches an instance that is not drawn and shows it', async () => {
  const { context, page } = await openWithPlan(browser, server.url, largePlan(1000, 1000));
  const seen = watch(page, server.url);
  assert.equal(await page.locator('[data-instance="g4-1000"]').count(), 0);
  await page.locator('[data-testid="service-card"][data-service="svc0"]').focus();
  await page.keyboard.press('Enter');
  // Up from the first target (group g0) wraps round to the last instance.
  await page.keyboard.press('ArrowUp');
  assert.match(await page.locator('[data-testid="announcer"]').innerText(), /Target: instance g4-1000\./);
  const card = page.locator('[data-instance="g4-1000"]');
  await card.waitFor();
  await page.waitForFunction(() => {
    const r = document.querySelector('[data-instance="g4-1000"]').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.match(await card.getAttribute('class'), /kbd-target/);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="tasks-placed"]').textContent === '20001');
  assert.equal(await card.locator('[data-testid="task-chip"]').filter({ hasText: 'svc0' }).count(), 1);
  assert.deepEqual(seen.problems, []);
  await context.close();
});
