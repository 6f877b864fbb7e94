// The set-up every board spec shares, written once: one server and one
// browser per file, a fresh page on the example plan for each test (with its
// page objects), and no console error or warning by the end of a test.
import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, watch } from './harness.js';
import { BoardPage, StepperPage } from '../pages/board.js';

/**
 * Registers the hooks. `use` receives { server, browser, page, board,
 * stepper } before each test, after `setup` (if given) has run on the page.
 */
export function boardSession(use, setup) {
  let server;
  let browser;
  let page;
  let seen;
  before(async () => { server = await serveDist(); browser = await launchBrowser(); });
  after(async () => { await browser?.close(); server?.stop(); });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    seen = watch(page, server.url);
    const board = new BoardPage(page, server.url);
    const stepper = new StepperPage(page);
    await board.open();
    const session = { server, browser, page, board, stepper };
    if (setup) await setup(session);
    use(session);
  });
  afterEach(async (t) => {
    assert.deepEqual(seen.problems, [], 'console has no errors or warnings');
    if (process.env.BERTH_SHOTS) await screenshots(page, process.env.BERTH_SHOTS, t.name);
    await page.close();
  });
}

/**
 * With BERTH_SHOTS=DIR set, each test's last screen is kept as a desktop
 * and a phone screenshot (DIR/<test>-desktop.png, -phone.png): what a
 * reviewer looks at to see a behaviour, not what a test asserts.
 */
async function screenshots(page, dir, name) {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const file = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
  await page.screenshot({ path: `${dir}/${file}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: `${dir}/${file}-phone.png`, fullPage: true });
}
