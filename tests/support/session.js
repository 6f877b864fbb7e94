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
  afterEach(async () => {
    assert.deepEqual(seen.problems, [], 'console has no errors or warnings');
    await page.close();
  });
}
