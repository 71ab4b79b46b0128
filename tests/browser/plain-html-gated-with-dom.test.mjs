// rolecall/dom on a page without a framework: marked buttons are hidden or disabled with the
// reason, gated again when the tenant (data-rolecall-scope) changes, and the server agrees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, screenshot, withDashboard } from './helpers.mjs';

const app = withDashboard();

async function plainAs(user) {
  const page = await app.open(user, '/plain.html', { width: 1100, height: 700 });
  await page.waitForSelector('#quick [data-rolecall-state]');
  return page;
}
const action = (page, name) => page.locator(`#quick [data-rolecall-action="${name}"]`);

test('sam (acme-mx only): refunds allowed there; the rest disabled with the reason or hidden', async () => {
  const page = await plainAs('sam');
  assert.equal((await control(action(page, 'refunds.create'))).enabled, true);
  const transfer = await control(action(page, 'transfers.create'));
  assert.deepEqual([transfer.enabled, transfer.reason, transfer.description], [false, 'missing_permission', 'Requires Manage on Transfers']);
  assert.equal(await action(page, 'users.invite').isVisible(), false);
  assert.equal(await action(page, 'users.invite').getAttribute('data-rolecall-reason'), 'missing_permission');
  // A link cannot be `disabled`: aria-disabled, out of the tab order, and clicks are stopped.
  const link = await control(action(page, 'cidr_blocks.toggle_restriction'));
  assert.deepEqual([link.enabled, link.reason], [false, 'missing_permission']);
  assert.equal(await action(page, 'cidr_blocks.toggle_restriction').getAttribute('tabindex'), '-1');
  await screenshot(page, 'plain-dom-sam');
  assert.deepEqual(page.errors, []);
});

test('carla: changing the tenant re-gates the buttons (context CL at acme-cl, none at the group)', async () => {
  const page = await plainAs('carla');
  await page.selectOption('#tenant', 'org');
  await page.waitForFunction(() => document.querySelector('[data-rolecall-action="refunds.create"]').getAttribute('data-rolecall-reason') === 'context_mismatch');
  await page.selectOption('#tenant', 'acme-cl');
  await page.waitForFunction(() => document.querySelector('[data-rolecall-action="refunds.create"]').getAttribute('data-rolecall-state') === 'allowed');
  const refund = await control(action(page, 'refunds.create'));
  assert.equal(refund.enabled, true);
  assert.equal(refund.title, undefined, 'an allowed button is restored as written');
  await action(page, 'refunds.create').click();
  await page.waitForFunction(() => document.getElementById('result').dataset.code === 'granted');
});

test('clicking a disabled link sends nothing; the server refuses it when sent anyway', async () => {
  const page = await plainAs('fiona');
  await action(page, 'cidr_blocks.toggle_restriction').click({ force: true });
  assert.equal(await page.locator('#result').innerText(), '');
  const code = await page.evaluate(async () => {
    const r = await fetch('/api/scopes/org/actions/cidr_blocks.toggle_restriction', { method: 'POST' });
    return (await r.json()).error.code;
  });
  assert.equal(code, await action(page, 'cidr_blocks.toggle_restriction').getAttribute('data-rolecall-reason'));
});

test('the page gates from the prepared decisions before the engine loads, and the engine agrees', async () => {
  // The .wasm is held back until the page has gated from the prepared decisions alone.
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 700 } });
  let release;
  const held = new Promise((r) => (release = r));
  await context.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await context.request.post(`${app.url}/api/session`, { data: { user: 'sam' } });
  await page.goto(`${app.url}/plain.html`);
  await page.waitForFunction(() => document.body.dataset.rolecall === 'decisions' && document.querySelector('#quick [data-rolecall-state]'));
  const states = () =>
    page.$$eval('#quick [data-rolecall-action]', (els) =>
      els.map((e) => [e.getAttribute('data-rolecall-action'), e.getAttribute('data-rolecall-state'), e.getAttribute('data-rolecall-reason')]),
    );
  const before = await states();
  assert.ok(before.some(([, s]) => s === 'allowed') && before.some(([, s]) => s !== 'allowed'), JSON.stringify(before));
  release();
  await page.waitForFunction(() => document.body.dataset.rolecall === 'engine');
  assert.deepEqual(await states(), before);
  assert.deepEqual(errors, []);
  await context.close();
});
