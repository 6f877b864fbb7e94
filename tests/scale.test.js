// The board at scale (issue 8): 500 instances and 2,000 tasks load, a drop
// adds one task, and only the card whose picture changed is redrawn. Timing
// is measured by `make bench` (tests/perf/ui.mjs), not asserted here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { largePlan, openWithPlan, timeDrags, median } from './support/perf.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('a drop on a 500-instance board redraws only the instance that changed', async (t) => {
  const { context, page } = await openWithPlan(browser, server.url, largePlan());
  const seen = watch(page, server.url);
  assert.equal(await page.locator('[data-testid="instance"]').count(), 500);
  assert.equal(await page.locator('[data-testid="task-chip"]').count(), 2000);
  await page.evaluate(() => document.querySelectorAll('[data-testid="instance"]').forEach((el) => { el.dataset.seen = '1'; }));

  // svc19 is placed last, so one more of its tasks moves no other task.
  await page.locator('[data-testid="service-card"][data-service="svc19"]').dragTo(page.locator('[data-testid="group"][data-group="g0"]'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="task-chip"]').length === 2001);
  const redrawn = await page.evaluate(() => [...document.querySelectorAll('[data-testid="instance"]')]
    .filter((el) => !el.dataset.seen).map((el) => el.dataset.instance));
  assert.equal(redrawn.length, 1, `redrawn: ${redrawn.join(', ')}`);
  const chips = await page.locator(`[data-instance="${redrawn[0]}"] [data-testid="task-chip"]`).allInnerTexts();
  assert.ok(chips.some((c) => c.startsWith('svc19')), 'the redrawn card holds the new svc19 task');

  const times = await timeDrags(page, 5);
  t.diagnostic(`drag → re-plan → re-render on 500 instances / 2,000 tasks: median ${median(times).toFixed(1)} ms of ${times.length}`);
  assert.deepEqual(seen.problems, []);
  await context.close();
});
