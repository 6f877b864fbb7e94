// Export and import in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launchBrowser, watch } from './support/harness.js';
import { BoardPage } from './pages/board.js';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const berth = (...args) => execFileSync('cargo', ['run', '--quiet', '-p', 'berth-cli', '--', ...args], { encoding: 'utf8' });

test('an export downloads a file whose content matches berth export for the same plan', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const seen = watch(page, server.url);
  await new BoardPage(page, server.url).open();
  for (const [tab, args] of [[0, ['--format', 'cfn-parameters']], [5, ['--format', 'template']], [4, ['--format', 'ansible']]]) {
    await page.locator(`[data-testid="format-${tab}"]`).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download"]').click()]);
    const content = readFileSync(await download.path(), 'utf8');
    assert.equal(content, berth('export', 'public/examples/microtrader.json', ...args), `format ${args[1]}`);
  }
  assert.deepEqual(seen.problems, []);
  await context.close();
});

test('a missing DatabaseUser shows CloudFormation\'s message and links to the field', async () => {
  const page = await browser.newPage();
  await new BoardPage(page, server.url).open();
  await page.locator('[data-testid="param-DatabaseUser"]').fill('');
  await page.locator('[data-testid="param-DatabaseUser"]').press('Tab');
  const errors = page.locator('[data-testid="export-errors"]');
  await errors.waitFor();
  assert.match(await errors.innerText(), /Parameters: \[DatabaseUser\] must have values/);
  await errors.getByRole('button').first().click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'param-DatabaseUser');
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await page.locator('[data-testid="export-text"]').waitFor();
  assert.match(await page.locator('[data-testid="export-text"]').innerText(), /"ParameterValue": "admin"/);
  await page.close();
});

test('an import error leaves the plan as it was; a task definition joins the plan and undo removes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"taskDefinition": {"family": "x", "containerDefinitions": [{"name": "a", "memory": "lots"}]}}');
  const td = join(dir, 'td.json');
  writeFileSync(td, JSON.stringify({ family: 'worker', containerDefinitions: [{ name: 'worker', image: 'example/worker:3', memoryReservation: 128 }] }));
  const page = await browser.newPage();
  const board = new BoardPage(page, server.url);
  await board.open();
  const cards = await board.serviceCards().count();
  const before = await page.evaluate(() => localStorage.getItem('berth.plan.v1'));
  await page.locator('[data-testid="import-file"]').setInputFiles(bad);
  await page.locator('[data-testid="import-error"]').waitFor();
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /\$\.taskDefinition\.containerDefinitions\[0\]\.memory/);
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.plan.v1')), before, 'the plan is byte for byte as it was');
  await page.locator('[data-testid="import-file"]').setInputFiles(td);
  await board.serviceCard('worker').waitFor();
  assert.equal(await board.serviceCards().count(), cards + 1);
  await page.locator('[data-testid="undo"]').click();
  await board.serviceCard('worker').waitFor({ state: 'detached' });
  await page.close();
});

test('export and import load after the board; if they cannot, the board still works and "try again" brings them', async () => {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (req) => requests.push(new URL(req.url()).pathname));
  await page.route('**/exchange/**', (route) => route.abort());
  const board = new BoardPage(page, server.url);
  await board.open();
  const failed = page.locator('[data-testid="exchange-failed"]');
  await failed.waitFor();
  assert.match(await failed.innerText(), /Export and import are unavailable/);
  // The first board's module, then the app's, then this one.
  const firstWasm = requests.findIndex((p) => /berth-first-.*_bg\.wasm$/.test(p));
  const appWasm = requests.findIndex((p) => /\/app\/[0-9a-f]{16}\/berth-web_bg\.wasm$/.test(p));
  const exchange = requests.findIndex((p) => /\/exchange\/[0-9a-f]{16}\/berth_exchange\.js$/.test(p));
  assert.ok(firstWasm >= 0 && appWasm > firstWasm && exchange > appWasm, `the board's modules first: ${requests.join(' ')}`);

  // The board is unaffected: a drop still places a task.
  const chips = await board.allChips().count();
  await board.dragServiceTo('quote', board.group('app'));
  await board.allChips().nth(chips).waitFor();

  // An import says why it cannot run and leaves the plan alone.
  const dir = mkdtempSync(join(tmpdir(), 'berth-'));
  const td = join(dir, 'td.json');
  writeFileSync(td, JSON.stringify({ family: 'worker', containerDefinitions: [{ name: 'worker', image: 'w', memory: 128 }] }));
  const before = await page.evaluate(() => localStorage.getItem('berth.plan.v1'));
  await page.locator('[data-testid="import-file"]').setInputFiles(td);
  await page.locator('[data-testid="import-error"]').waitFor();
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /import module could not load/);
  assert.equal(await page.evaluate(() => localStorage.getItem('berth.plan.v1')), before);

  await page.unroute('**/exchange/**');
  await page.locator('[data-testid="exchange-retry"]').click();
  await page.locator('[data-testid="export-text"]').waitFor();
  assert.match(await page.locator('[data-testid="export-text"]').innerText(), /ParameterKey/);
  await page.locator('[data-testid="import-file"]').setInputFiles(td);
  await board.serviceCard('worker').waitFor();
  await page.close();
});

test('the board loads without the exchange module; scrolling to export fetches it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const fetched = [];
  page.on('request', (req) => { if (req.url().includes('/exchange/')) fetched.push(req.url()); });
  await new BoardPage(page, server.url).open();
  assert.deepEqual(fetched, [], 'nothing of export and import is fetched with the board');
  assert.match(await page.locator('[data-testid="export"]').innerText(), /Loading export and import/);
  await page.locator('[data-testid="export"]').scrollIntoViewIfNeeded();
  await page.locator('[data-testid="export-text"]').waitFor();
  assert.ok(fetched.some((u) => /\/exchange\/[0-9a-f]{16}\/berth_exchange_bg\.wasm$/.test(u)), fetched.join(' '));
  await page.close();
});
