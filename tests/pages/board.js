// Page object for Berth's main page: what a test may look at and do.
export class BoardPage {
  constructor(page, url) {
    this.page = page;
    this.url = url;
  }

  async open() {
    await this.page.goto(this.url);
    await this.page.locator('[data-testid="group-card"]').first().waitFor();
  }

  groupCards() { return this.page.locator('[data-testid="group-card"]'); }
  serviceCards() { return this.page.locator('[data-testid="service-card"]'); }
  instanceCards() { return this.page.locator('[data-testid="instance-card"]'); }
  registeredMemory() { return this.page.locator('[data-testid="registered-memory"]'); }
}
