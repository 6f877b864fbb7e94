// Page object for Berth's planner board: what a test may look at and do.
export class BoardPage {
  constructor(page, url) {
    this.page = page;
    this.url = url;
  }

  async open() {
    await this.page.goto(this.url);
    await this.instance('app-1').waitFor();
  }

  serviceCard(name) { return this.page.locator(`[data-testid="service-card"][data-service="${name}"]`); }
  serviceCards() { return this.page.locator('[data-testid="service-card"]'); }
  group(name) { return this.page.locator(`[data-testid="group"][data-group="${name}"]`); }
  groups() { return this.page.locator('[data-testid="group"]'); }
  instance(id) { return this.page.locator(`[data-testid="instance"][data-instance="${id}"]`); }
  instances() { return this.page.locator('[data-testid="instance"]'); }
  chips(id) { return this.instance(id).locator('[data-testid="task-chip"]'); }
  allChips() { return this.page.locator('[data-testid="task-chip"]'); }
  instanceError(id) { return this.instance(id).locator('[data-testid="instance-error"]'); }
  announcer() { return this.page.locator('[data-testid="announcer"]'); }

  /** MiB reserved on an instance, read from its memory summary. */
  async reserved(id) {
    const text = await this.instance(id).locator('[data-testid="memory-summary"]').innerText();
    return Number(text.match(/^(\d+) MiB reserved/)[1]);
  }

  async totalReserved() {
    const ids = await this.instances().evaluateAll((els) => els.map((e) => e.dataset.instance));
    let sum = 0;
    for (const id of ids) sum += await this.reserved(id);
    return sum;
  }

  async registeredShown(id) {
    const text = await this.instance(id).locator('[data-testid="memory-summary"]').innerText();
    return Number(text.match(/of (\d+) MiB registered/)[1]);
  }

  async dragServiceTo(service, target) {
    await this.serviceCard(service).dragTo(target);
  }

  async setGroupCount(group, count) {
    const row = this.page.locator('[data-testid="group-row"]').filter({ hasText: group });
    await row.locator('[data-testid="group-count"]').fill(String(count));
    await row.locator('[data-testid="group-count"]').press('Tab');
  }

  async changeGroupType(group, type) {
    const row = this.page.locator('[data-testid="group-row"]').filter({ hasText: group });
    await row.locator('[data-testid="change-type"]').click();
    await this.page.locator('[data-testid="picker-search"]').fill(type);
    await this.page.locator('[data-testid="picker-row"]').filter({ hasText: type }).first().locator('[data-testid="pick"]').click();
  }

  async editService(name, fields) {
    await this.serviceCard(name).getByRole('button', { name: 'edit' }).click();
    const form = this.page.locator('[data-testid="service-form"]');
    for (const [field, value] of Object.entries(fields)) {
      await form.locator(`[name="${field}"]`).fill(String(value));
    }
    await form.locator('[data-testid="save-service"]').click();
  }
}

/** Page object for the deployment stepper. */
export class StepperPage {
  constructor(page) { this.page = page; }

  async setRange(testid, value) {
    await this.page.locator(`[data-testid="${testid}"]`).evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);
  }

  async simulate({ service, tag, min, max }) {
    await this.page.locator('[data-testid="deploy-service"]').selectOption(service);
    await this.page.locator('[data-testid="deploy-tag"]').fill(tag);
    await this.setRange('deploy-min', min);
    await this.setRange('deploy-max', max);
    await this.page.locator('[data-testid="simulate"]').click();
    await this.page.locator('[data-testid="simulation"]').waitFor();
  }

  limits() { return this.page.locator('[data-testid="deploy-limits"]').innerText(); }
  action() { return this.page.locator('[data-testid="step-action"]').innerText(); }
  events() { return this.page.locator('[data-testid="step-event"]').allInnerTexts(); }

  /** { stepIndex, total } from "step i of n". */
  async position() {
    const [, i, n] = (await this.page.locator('[data-testid="step-index"]').innerText()).match(/step (\d+) of (\d+)/);
    return { index: Number(i), total: Number(n) };
  }

  /** The counts shown for the current step: `{ old, new }`, each
   * `{ pending, running, healthy, draining }` (running includes healthy). */
  async counts() {
    const text = await this.page.locator('[data-testid="step-counts"]').innerText();
    const side = (name) => {
      const m = text.match(new RegExp(`${name} (\\d+) pending, (\\d+) running \\((\\d+) healthy\\), (\\d+) draining`));
      if (!m) throw new Error(`no ${name} counts in ${JSON.stringify(text)}`);
      const [pending, running, healthy, draining] = m.slice(1).map(Number);
      return { pending, running, healthy, draining };
    };
    return { old: side('old'), new: side('new') };
  }

  async forward() { await this.page.locator('[data-testid="step-forward"]').click(); }
  async last() { await this.page.locator('[data-testid="step-last"]').click(); }
}

/** Task chips on the whole board. */
export const chipCount = (page) => page.locator('[data-testid="task-chip"]').count();

/** Waits until the board shows exactly `n` task chips. */
export const waitChips = (page, n) => page.waitForFunction((k) => document.querySelectorAll('[data-testid="task-chip"]').length === k, n);

// Page object for the first board (crate berth-first), drawn before the app
// arrives: its own test ids, so a test of the app never waits for it.
export class FirstBoardPage {
  constructor(page, url) {
    this.page = page;
    this.url = url;
  }

  /** Opens the page (with `hash`, e.g. a share link) and waits for the first board's chips. */
  async open(hash = '') {
    await this.page.goto(`${this.url}${hash}`);
    await this.page.locator('[data-testid="first-chip"]').first().waitFor();
  }

  instance(id) { return this.page.locator(`[data-testid="first-instance"][data-instance="${id}"]`); }
  chip(id, service) { return this.instance(id).locator(`[data-testid="first-chip"][data-service="${service}"]`).first(); }
  status() { return this.page.locator('[data-testid="first-status"]'); }
  retry() { return this.page.locator('[data-testid="first-retry"]'); }
  async tasksPlaced() { return Number(await this.page.locator('[data-testid="first-tasks-placed"]').innerText()); }
}
