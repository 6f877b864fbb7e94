// Every export tab's text is the format it names, and a real CloudFormation
// template (the seed's microtrader stack, from ../shared/corpus) imports into
// the board, undoably.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardSession } from './support/session.js';

const STACK = new URL('../../shared/corpus/templates/jmenga__microtrader-deploy__templates__stack.yml.j2', import.meta.url).pathname;

let page;
let board;
boardSession((s) => ({ page, board } = s));

async function tab(i) {
  const before = await page.locator('[data-testid="export-text"]').innerText().catch(() => '');
  await page.locator(`[data-testid="format-${i}"]`).click();
  if (i > 0) await page.waitForFunction((b) => document.querySelector('[data-testid="export-text"]')?.textContent !== b, before);
  return (await page.locator('[data-testid="export-text"]').innerText()).trim();
}

test('each export tab writes its own format, with the plan\'s two instances as ApplicationDesiredCount', async () => {
  await page.locator('[data-testid="export-text"]').waitFor();
  const params = JSON.parse(await tab(0));
  assert.deepEqual(params.find((p) => p.ParameterKey === 'ApplicationDesiredCount'), { ParameterKey: 'ApplicationDesiredCount', ParameterValue: '2' });
  const overrides = JSON.parse(await tab(1));
  assert.ok(overrides.includes('ApplicationDesiredCount=2'), overrides.join(' '));
  const inline = await tab(2);
  assert.match(inline, /(^| )ApplicationDesiredCount=2( |$)/);
  assert.ok(!inline.includes('\n'), 'one command-line');
  const pipeline = JSON.parse(await tab(3));
  assert.equal(pipeline.Parameters.ApplicationDesiredCount, '2');
  assert.match(await tab(4), /^config_application_desired_count: "?2"?$/m);
  const yaml = await tab(5);
  assert.match(yaml, /^AWSTemplateFormatVersion: "2010-09-09"$/m);
  assert.match(yaml, /Type: AWS::ECS::Service/);
  const json = JSON.parse(await tab(6));
  assert.equal(json.AWSTemplateFormatVersion, '2010-09-09');
  assert.ok(Object.values(json.Resources).some((r) => r.Type === 'AWS::ECS::Service'));
  assert.ok(Object.values(json.Resources).some((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup'), 'the whole stack');
  const services = await tab(7);
  assert.match(services, /Cluster: !Ref ClusterName/);
  assert.doesNotMatch(services, /AWS::AutoScaling::AutoScalingGroup/, 'into an existing cluster');
  const servicesJson = JSON.parse(await tab(8));
  assert.equal(servicesJson.Parameters.ClusterName.Default, 'microtrader');
});

test('a NoEcho password the plan has no value for is written in no format, and each says how to give it', async () => {
  await page.locator('[data-testid="export-text"]').waitFor();
  const note = page.locator('[data-testid="at-deploy"]');
  const written = [/"ParameterKey": "DatabasePassword"/, /DatabasePassword=/, /DatabasePassword=/, /"DatabasePassword"/, /^config_database_password:/m];
  for (let i = 0; i < written.length; i++) {
    const text = await tab(i);
    assert.doesNotMatch(text, written[i], `format ${i}`);
    assert.match(await note.innerText(), /^Not written: DatabasePassword \(NoEcho, no value in the plan\)/, `format ${i}`);
  }
  // A template holds no values: its note names what it asks for at deploy
  // time and the plan's parameters it does not declare.
  await tab(5);
  assert.match(await note.innerText(), /^To give at deploy time \(no Default\): ApplicationImageId\./);
  assert.match(await note.innerText(), /Not declared: VpcName, DatabaseUser, DatabasePassword/);
  await tab(7);
  assert.match(await note.innerText(), /To give at deploy time \(no Default\): VpcId, ListenerArn\./);
  assert.equal(await page.locator('[data-testid="param-DatabasePassword"]').getAttribute('type'), 'password');
});

test('an AllowedValues error offers a fix that widens the template, applied in one click and undoable', async () => {
  await page.locator('[data-testid="export-text"]').waitFor();
  await board.changeGroupType('app', 'm5.large');
  const errors = page.locator('[data-testid="export-errors"]');
  await errors.waitFor();
  assert.match(await errors.innerText(), /Parameter 'ApplicationInstanceType' must be one of AllowedValues/);
  const fixes = await errors.locator('[data-testid="export-fix"]').allInnerTexts();
  assert.deepEqual(fixes, ['allow m5.large in ApplicationInstanceType\'s AllowedValues',
    'use t2.micro for group app', 'use t2.small for group app', 'use t2.medium for group app']);
  await errors.locator('[data-testid="export-fix"]').first().click();
  await page.locator('[data-testid="export-text"]').waitFor();
  const params = JSON.parse(await page.locator('[data-testid="export-text"]').innerText());
  assert.equal(params.find((p) => p.ParameterKey === 'ApplicationInstanceType').ParameterValue, 'm5.large');
  const template = await tab(5);
  const parameter = template.slice(template.indexOf('\n  ApplicationInstanceType:\n    Type'), template.indexOf('\n  ApplicationImageId:'));
  assert.match(parameter, /AllowedValues:\n(\s+- .+\n)*\s+- m5\.large$/);
  await page.locator('[data-testid="undo"]').click();
  await errors.waitFor();
});

// The playbook's development values (../shared/corpus/SOURCES.md), typed
// as a user would into the form the import opens.
const DEVELOPMENT = {
  DatabasePassword: 'AQICAHj7MfbzqIkL206z', DatabaseUsername: 'audit', DatabaseName: 'audit',
  ApplicationKeyName: 'docker-production-aws', ApplicationImageId: 'ami-17ad6d6f', ApplicationDnsName: 'dev-microtrader',
  MicrotraderDashboardHttpPort: '8002', MicrotraderAuditHttpPort: '8001', MicrotraderQuoteHttpPort: '8000',
};

// The seed's stack imported with the playbook's development values, typed into the form.
async function importStack() {
  await page.locator('[data-testid="import-file"]').setInputFiles(STACK);
  await page.locator('[data-testid="import-parameters"]').waitFor();
  for (const [name, value] of Object.entries(DEVELOPMENT)) {
    await page.locator(`[data-testid="import-param-${name}"]`).fill(value);
  }
  await page.locator('[data-testid="import-parameters-submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="service-card"]')?.dataset.service === 'DashboardService');
}

test('the seed\'s microtrader template asks for its nine parameters, then imports as its four services; undo brings the example back', async () => {
  await page.locator('[data-testid="import-file"]').setInputFiles(STACK);
  const form = page.locator('[data-testid="import-parameters"]');
  await form.waitFor();
  assert.match(await page.locator('[data-testid="import-error"]').innerText(),
    /^Not imported yet: Parameters: \[DatabasePassword, DatabaseUsername, DatabaseName, ApplicationKeyName, ApplicationImageId, ApplicationDnsName, MicrotraderDashboardHttpPort, MicrotraderAuditHttpPort, MicrotraderQuoteHttpPort\] must have values/);
  // Nothing changed yet: the example is still on the board.
  assert.equal(await board.serviceCards().first().getAttribute('data-service'), 'quote');
  assert.equal(await form.locator('input').count(), 9);
  assert.equal(await page.locator('[data-testid="import-param-DatabasePassword"]').getAttribute('type'), 'password', 'NoEcho');
  assert.match(await form.innerText(), /MicrotraderQuoteHttpPort Number · Container port for Microtrader Quote Service/);
  for (const [name, value] of Object.entries(DEVELOPMENT)) {
    await page.locator(`[data-testid="import-param-${name}"]`).fill(value);
  }
  await page.locator('[data-testid="import-parameters-submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="service-card"]')?.dataset.service === 'DashboardService');
  assert.equal(await form.count(), 0, 'the form closes once the stack is imported');
  const names = await board.serviceCards().evaluateAll((els) => els.map((e) => e.dataset.service));
  // The template's AWS::ECS::Service resources, in the template's order.
  assert.deepEqual(names, ['DashboardService', 'PortfolioService', 'AuditService', 'QuoteService']);
  assert.equal(await page.locator('[data-testid="tasks-placed"]').innerText().then((t) => t.trim().split(/\s/)[0]), '4');
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="service-card"]')?.dataset.service === 'quote');
  assert.equal(await board.serviceCards().count(), 4);
});

test('a value that breaks its parameter\'s Type is refused in CloudFormation\'s words and the form stays', async () => {
  await page.locator('[data-testid="import-file"]').setInputFiles(STACK);
  await page.locator('[data-testid="import-parameters"]').waitFor();
  for (const [name, value] of Object.entries(DEVELOPMENT)) {
    await page.locator(`[data-testid="import-param-${name}"]`).fill(name === 'MicrotraderQuoteHttpPort' ? 'eight thousand' : value);
  }
  await page.locator('[data-testid="import-parameters-submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="import-error"]')?.textContent.includes('must be a number'));
  assert.match(await page.locator('[data-testid="import-error"]').innerText(), /Parameter 'MicrotraderQuoteHttpPort' must be a number/);
  assert.equal(await page.locator('[data-testid="import-parameters"]').count(), 1);
  assert.equal(await board.serviceCards().first().getAttribute('data-service'), 'quote', 'the plan is untouched');
});

test('one parameter, many fields: ApplicationDesiredCount moves the group and both services it sets, and says so', async () => {
  await importStack();
  const group = await page.locator('[data-testid="group"]').first().getAttribute('data-group');
  await board.setGroupCount(group, 2);
  const notice = page.locator('[data-testid="notice"]');
  await notice.waitFor();
  assert.equal((await notice.innerText()).split('\n')[0].trim(),
    `ApplicationDesiredCount sets group ${group}'s count, service DashboardService's desiredCount and service AuditService's desiredCount: all are now 2`);
  await page.waitForFunction(() => document.querySelector('[data-testid="tasks-placed"]')?.textContent.trim().startsWith('6'));
  await page.locator('[data-testid="undo"]').click();
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="service-card"]')?.dataset.service === 'quote');
});

test('the imported template comes back with only the plan\'s change, shown before download', async () => {
  await importStack();
  await page.locator('[data-testid="export"]').scrollIntoViewIfNeeded();
  const unchanged = await tab(9);
  const note = page.locator('[data-testid="at-deploy"]');
  assert.match(await note.innerText(), /^Your template, unchanged/);
  const group = await page.locator('[data-testid="group"]').first().getAttribute('data-group');
  await board.setGroupCount(group, 2);
  await page.waitForFunction((b) => document.querySelector('[data-testid="export-text"]')?.textContent !== b, unchanged);
  assert.match(await note.innerText(), /^Changed: \$\.Parameters\.ApplicationDesiredCount\.Default: 1 → 2$/m);
  const changed = await page.locator('[data-testid="export-text"]').innerText();
  // The microtrader stack's own resources are all still there.
  for (const id of ['ApplicationLoadBalancer', 'ApplicationDatabase', 'LifecycleHookFunction', 'QuoteService']) {
    assert.match(changed, new RegExp(`^  ${id}:$`, 'm'), id);
  }
  assert.match(await page.locator('[data-testid="download"]').innerText(), /\.yaml$/);
  const json = JSON.parse(await tab(10));
  assert.equal(String(json.Parameters.ApplicationDesiredCount.Default), '2');
  await page.locator('[data-testid="undo"]').click();
  await page.locator('[data-testid="undo"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="service-card"]')?.dataset.service === 'quote');
  // The example was not imported: there is no template of the user's to write back.
  await page.locator('[data-testid="format-9"]').click();
  await page.locator('[data-testid="export-errors"]').waitFor();
  assert.match(await page.locator('[data-testid="export-errors"]').innerText(), /not imported from a CloudFormation template/);
});
