// Browser measurements for issue 8, shared by the e2e budget test and
// `make bench`: a large plan, drag → re-plan → re-render timing, first load.
import { readFileSync } from 'node:fs';

/**
 * 5 groups of `perGroup` m5.xlarge instances and 20 services of `perService`
 * tasks: 500 instances and 2,000 tasks by default (issue 8), 5,000 and
 * 20,000 for the board at scale (issue 21).
 */
export function largePlan(perGroup = 100, perService = 100) {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const groups = Array.from({ length: 5 }, (_, g) => ({
    name: `g${g}`, instanceType: 'm5.xlarge', count: perGroup, availabilityZones: zones,
  }));
  const taskDefinitions = [];
  const services = [];
  for (let s = 0; s < 20; s++) {
    const ports = s % 4 === 0 ? [{ containerPort: 8080, hostPort: 0 }] : [];
    taskDefinitions.push({ family: `svc${s}`, containerDefinitions: [
      { name: 'app', image: `example/svc${s}:1`, cpu: 64, memoryReservation: 256, memory: 512, portMappings: ports }] });
    services.push({ serviceName: `svc${s}`, taskDefinition: `svc${s}`, desiredCount: perService });
  }
  return { berthVersion: 1, name: 'large', cluster: { clusterName: 'large', instanceGroups: groups },
    taskDefinitions, services };
}

/**
 * Opens the page with `plan` as the saved plan and waits for the app's first
 * card; `firstDrawMs` is navigation start → that card, `firstBoardMs` → the
 * first board's first card (what the user sees first), in the page's clock.
 */
export async function openWithPlan(browser, url, plan) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((text) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('berth.plan.v1', text);
      sessionStorage.setItem('seeded', '1');
    }
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid="first-instance"], [data-testid="instance"]')) {
        window.__berthFirstCard = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  }, JSON.stringify(plan));
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('[data-testid="instance"]').first().waitFor({ timeout: 60000 });
  const firstDrawMs = await page.evaluate(() => performance.now());
  const firstBoardMs = await page.evaluate(() => window.__berthFirstCard);
  return { context, page, firstDrawMs, firstBoardMs };
}

/**
 * Drops a service on a group `runs` times, timing each from the drop event to
 * the moment the page's work is done (a macrotask after Leptos's effects),
 * with performance.now() inside the page. Returns the times in ms.
 */
export async function timeDrags(page, runs, groupName = 'g0') {
  return page.evaluate(async ({ runs, groupName }) => {
    const settle = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    // The totals count every task: the board draws only the cards in view.
    const chips = () => Number(document.querySelector('[data-testid="tasks-placed"]').textContent);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const group = document.querySelector(`[data-testid="group"][data-group="${groupName}"]`);
      const before = chips();
      const dt = new DataTransfer();
      dt.setData('text/plain', JSON.stringify({ kind: 'service', service: `svc${i % 20}` }));
      const t0 = performance.now();
      group.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      await settle();
      const t1 = performance.now();
      if (chips() !== before + 1) throw new Error(`drop ${i} did not add a task (${before} → ${chips()})`);
      times.push(t1 - t0);
      await new Promise((r) => setTimeout(r, 30));
    }
    return times;
  }, { runs, groupName });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Navigation start → the example's first board with task chips (drawn by the
 * first module), and → the app's board (everything works), in ms, from the
 * page's own clock: { firstBoardMs, appMs }. `throttle` is DevTools' network
 * conditions and CPU slowdown ({ network, cpu }), for tests/perf/slow.mjs.
 */
export async function timeFirstLoad(browser, url, throttle) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Noted by the page itself the moment each board's first chip is in the
  // DOM: polling from outside would add its own interval.
  await context.addInitScript(() => {
    const seen = {};
    window.__berthTimes = seen;
    new MutationObserver(() => {
      if (!seen.first && document.querySelector('[data-testid="first-chip"], [data-testid="task-chip"]')) seen.first = performance.now();
      if (!seen.app && document.querySelector('[data-testid="task-chip"]')) seen.app = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', throttle.network);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle.cpu });
  }
  await page.goto(url);
  await page.locator('[data-testid="task-chip"]').first().waitFor({ timeout: 60000 });
  const { first, app } = await page.evaluate(() => window.__berthTimes);
  await context.close();
  return { firstBoardMs: first, appMs: app };
}

/**
 * Scrolls the page by `step` px a frame, `frames` times, and returns each
 * frame's duration in ms (requestAnimationFrame to requestAnimationFrame):
 * what the user feels as smooth or not while chunks draw (issue 21).
 */
export async function timeScroll(page, frames = 200, step = 300) {
  return page.evaluate(async ({ frames, step }) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    const times = [];
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
      window.scrollBy(0, step);
      await frame();
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  }, { frames, step });
}

/** The `p`th percentile (0–1) of `xs`. */
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/**
 * The plan issue 18 measures right-sizing on: 50 services of 40 tasks
 * (2,000 tasks of 32 CPU units and 256 MiB, spread over zones then
 * instances) on 100 m5.xlarge, as berth-core's `synthetic::cluster`.
 */
export function rightSizePlan() {
  const zones = ['a', 'b', 'c'];
  const taskDefinitions = [];
  const services = [];
  for (let s = 0; s < 50; s++) {
    taskDefinitions.push({ family: `svc${s}`, containerDefinitions: [
      { name: 'app', image: `example/svc${s}:1`, cpu: 32, memoryReservation: 256, portMappings: [] }] });
    services.push({ serviceName: `svc${s}`, taskDefinition: `svc${s}`, desiredCount: 40,
      placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }] });
  }
  return { berthVersion: 1, name: 'bench', cluster: { clusterName: 'bench', instanceGroups: [
    { name: 'g', instanceType: 'm5.xlarge', count: 100, availabilityZones: zones }] }, taskDefinitions, services };
}

/**
 * Opens right-sizing, starts the search and records the gap between
 * animation frames until its answer is on the page. Returns { totalMs,
 * longestFrameMs, frames } measured with performance.now() in the page.
 */
export async function timeRightSize(page) {
  await page.locator('[data-testid="right-size-open"]').click();
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stopFrames) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    window.__started = performance.now();
  });
  await page.locator('[data-testid="rs-search"]').click();
  await page.locator('[data-testid="rs-summary"]').waitFor({ timeout: 120000 });
  return page.evaluate(() => {
    window.__stopFrames = true;
    const frames = window.__frames.slice(1);
    return { totalMs: performance.now() - window.__started, longestFrameMs: Math.max(...frames), frames: frames.length };
  });
}

/** budgets.txt as { name: number }, its comments left out. */
export function readBudgets() {
  return Object.fromEntries(readFileSync('budgets.txt', 'utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/)).map(([k, v]) => [k, Number(v)]));
}
