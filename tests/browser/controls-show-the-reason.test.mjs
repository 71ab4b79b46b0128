// Which controls each user sees, enabled or disabled, and the reason a disabled one gives (as
// tooltip and as accessible description), for several users and tenants.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseTenant, control, screenshot, settle, withDashboard } from './helpers.mjs';

const app = withDashboard();

const button = (page, row, name) => page.locator(`[data-row="${row}"] button`, { hasText: name });

test('a viewer (fiona) sees payments but every Refund is disabled: Requires Manage on Refunds', async () => {
  const page = await app.pageAs('fiona', 'payments', 'acme-cl');
  await settle(page);
  const refund = await control(button(page, 'pay_cl_1', 'Refund'));
  assert.deepEqual(refund, {
    visible: true,
    enabled: false,
    reason: 'missing_permission',
    title: 'Requires Manage on Refunds',
    description: 'Requires Manage on Refunds',
  });
  // Sections she may not open are disabled in the navigation, with the reason.
  const nav = await control(page.locator('nav a', { hasText: 'API keys' }));
  assert.equal(nav.enabled, false);
  assert.equal(nav.description, 'Requires View on API Keys');
  await screenshot(page, 'payments-fiona-viewer-acme-cl');
  assert.deepEqual(page.errors, []);
});

test('a context-qualified operator (carla, Chile only) is refused at the group and may refund in Chile', async () => {
  const page = await app.pageAs('carla', 'payments', 'org');
  const blocked = page.locator('[data-no-access="payment_intents.view_export"]');
  assert.equal(await blocked.getAttribute('data-reason'), 'context_mismatch');
  assert.match(await blocked.innerText(), /for this country/);
  await screenshot(page, 'payments-carla-context-org');
  await chooseTenant(page, 'acme-cl');
  assert.equal((await control(button(page, 'pay_cl_1', 'Refund'))).enabled, true);
  await screenshot(page, 'payments-carla-context-acme-cl');
});

test('a one-subtenant user (sam) is offered only the tenant he can reach', async () => {
  const page = await app.pageAs('sam', 'payments');
  const tenants = await page.locator('select[aria-label="Tenant"] option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(tenants, ['acme-mx']);
  await settle(page);
  assert.equal((await control(button(page, 'pay_mx_1', 'Refund'))).enabled, true);
  assert.equal(await page.locator('[data-row^="pay_cl"]').count(), 0);
  await screenshot(page, 'payments-sam-one-subtenant');
});

test('maker-checker: the initiator cannot approve, and says why for each transfer', async () => {
  const page = await app.pageAs('paula', 'transfers', 'acme-cl');
  await settle(page);
  const own = await control(button(page, 'tr_1', 'Approve'));
  assert.equal(own.reason, 'self_approval');
  assert.equal(own.description, 'A transfer is approved by someone other than the person who created it');
  const other = await control(button(page, 'tr_2', 'Approve'));
  assert.equal(other.reason, 'missing_permission');
  assert.equal(other.title, 'Requires Authorize on Transfers');
  assert.equal((await control(page.locator('button', { hasText: 'Create transfer' }))).enabled, true);
  await page.hover('[data-row="tr_1"] button');
  await screenshot(page, 'transfers-paula-initiator');

  const approver = await app.pageAs('pedro', 'transfers', 'acme-cl');
  await settle(approver);
  assert.equal((await control(button(approver, 'tr_1', 'Approve'))).enabled, true);
  const create = await control(approver.locator('button', { hasText: 'Create transfer' }));
  assert.equal(create.reason, 'missing_permission');
  assert.match(await approver.locator('[data-reason-for="transfers.create"]').innerText(), /Requires Manage on Transfers/);
});

test('API keys: a developer may roll secrets; one whose assignment excepts api_keys:manage may not', async () => {
  const diego = await app.pageAs('diego', 'api-keys', 'acme-cl');
  await settle(diego);
  assert.equal((await control(button(diego, 'ak_cl_live', 'Roll secret'))).enabled, true);
  await screenshot(diego, 'api-keys-diego-developer');
  const bob = await app.pageAs('bob', 'api-keys', 'acme-cl');
  await settle(bob);
  const roll = await control(button(bob, 'ak_cl_live', 'Roll secret'));
  assert.deepEqual([roll.enabled, roll.reason, roll.title], [false, 'missing_permission', 'Requires Manage on API Keys']);
  await screenshot(bob, 'api-keys-bob-except');
});

test('webhooks: product may send a test but not add an endpoint (a single-action grant)', async () => {
  const page = await app.pageAs('priya', 'webhooks', 'acme-cl');
  await settle(page);
  assert.equal((await control(button(page, 'we_cl_1', 'Send test'))).enabled, true);
  const add = await control(page.locator('button', { hasText: 'Add endpoint' }));
  assert.deepEqual([add.enabled, add.reason], [false, 'missing_permission']);
  await screenshot(page, 'webhooks-priya-product');
});

test('links: Delete is hidden (not disabled) for a viewer; "Your access" gives the reason', async () => {
  const page = await app.pageAs('fiona', 'links', 'acme-cl');
  await settle(page);
  assert.equal((await control(button(page, 'ln_cl_1', 'Delete'))).visible, false);
  assert.equal((await control(button(page, 'ln_cl_1', 'Deactivate'))).enabled, false);
  await page.click('button:has-text("Your access")');
  const row = page.locator('.access-panel [data-action="links.delete"]');
  assert.equal(await row.getAttribute('data-reason'), 'missing_permission');
  assert.match(await row.innerText(), /Requires Manage on Links/);
  await screenshot(page, 'links-fiona-your-access');
  const oscar = await app.pageAs('oscar', 'links', 'acme-cl');
  await settle(oscar);
  assert.equal((await control(button(oscar, 'ln_cl_1', 'Delete'))).enabled, true);
});

test('the administrator sees every section enabled, in every tenant', async () => {
  const page = await app.pageAs('ada', 'team', 'org');
  const disabled = await page.locator('nav a[aria-disabled="true"]').count();
  assert.equal(disabled, 0);
  const tenants = await page.locator('select[aria-label="Tenant"] option').count();
  assert.equal(tenants, 3);
  await settle(page);
  await screenshot(page, 'team-ada-admin');
});
