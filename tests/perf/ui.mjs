// Prints the browser figures of issues 8 and 21 as JSON (used by `make bench`):
// drag → re-plan → re-render on 500 instances / 2,000 tasks, first load, and
// the board at 5,000 instances / 20,000 tasks: first draw, drag and scroll;
// right-sizing 2,000 tasks in the page (issue 18): how long, and the longest frame.
import { serveDist, launchBrowser } from '../support/harness.js';
import { largePlan, openWithPlan, timeDrags, median, timeFirstLoad, timeScroll, percentile, rightSizePlan, timeRightSize } from '../support/perf.js';

const server = await serveDist();
const browser = await launchBrowser();
try {
  const loads = [];
  for (let i = 0; i < 5; i++) loads.push(await timeFirstLoad(browser, server.url));
  const { context, page } = await openWithPlan(browser, server.url, largePlan());
  const drags = await timeDrags(page, 20);
  await context.close();
  const draws = [];
  const firstBoards = [];
  let hugeDrags = [];
  let frames = [];
  for (let i = 0; i < 3; i++) {
    const huge = await openWithPlan(browser, server.url, largePlan(1000, 1000));
    draws.push(huge.firstDrawMs);
    firstBoards.push(huge.firstBoardMs);
    if (i === 2) {
      hugeDrags = await timeDrags(huge.page, 10);
      frames = await timeScroll(huge.page);
    }
    await huge.context.close();
  }
  const sized = await openWithPlan(browser, server.url, rightSizePlan());
  const rightSize = await timeRightSize(sized.page);
  await sized.context.close();
  console.log(JSON.stringify({
    rightSize,
    dragMedianMs: median(drags), drags,
    firstLoadMedianMs: median(loads.map((l) => l.firstBoardMs)), loads,
    appLoadMedianMs: median(loads.map((l) => l.appMs)),
    hugeFirstDrawMedianMs: median(draws), draws,
    hugeFirstBoardMedianMs: median(firstBoards), firstBoards,
    hugeDragMedianMs: median(hugeDrags), hugeDrags,
    scrollFrameP95Ms: percentile(frames, 0.95), scrollFrameMedianMs: median(frames),
  }));
} finally {
  await browser.close();
  server.stop();
}
