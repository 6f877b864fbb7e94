// Prints the browser figures of issue 8 as JSON (used by `make bench`):
// drag → re-plan → re-render on 500 instances / 2,000 tasks, and first load.
import { serveDist, launchBrowser } from '../support/harness.js';
import { largePlan, openWithPlan, timeDrags, median, timeFirstLoad } from '../support/perf.js';

const server = await serveDist();
const browser = await launchBrowser();
try {
  const loads = [];
  for (let i = 0; i < 5; i++) loads.push(await timeFirstLoad(browser, server.url));
  const { context, page } = await openWithPlan(browser, server.url, largePlan());
  const drags = await timeDrags(page, 20);
  await context.close();
  console.log(JSON.stringify({ dragMedianMs: median(drags), drags, firstLoadMedianMs: median(loads), loads }));
} finally {
  await browser.close();
  server.stop();
}
