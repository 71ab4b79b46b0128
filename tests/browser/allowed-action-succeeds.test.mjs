// Clicking an allowed control does the thing on the server: the page and the server agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, send, settle, withDashboard } from './helpers.mjs';

const app = withDashboard();

test('an operator refunds a payment: the server accepts it and the payment shows as refunded', async () => {
  const page = await app.pageAs('oscar', 'payments', 'acme-cl');
  await settle(page);
  await page.click('[data-row="pay_cl_2"] button:has-text("Refund")');
  await page.waitForSelector('.toast.ok');
  assert.match(await page.locator('.toast.ok').innerText(), /Refund of CLP\s?48,900 created/);
  await page.waitForSelector('[data-row="pay_cl_2"] .status-refunded');
  const payments = await send(page, 'GET', '/api/scopes/acme-cl/payments');
  assert.equal(payments.body.find((p) => p.id === 'pay_cl_2').status, 'refunded');
  await screenshot(page, 'payments-oscar-refunded');
  assert.deepEqual(page.errors, []);
});

test('an approver approves a transfer someone else created', async () => {
  const page = await app.pageAs('pedro', 'transfers', 'acme-cl');
  await settle(page);
  await page.click('[data-row="tr_2"] button:has-text("Approve")');
  await page.waitForSelector('[data-row="tr_2"] .status-approved');
  const transfers = await send(page, 'GET', '/api/scopes/acme-cl/transfers');
  assert.equal(transfers.body.find((t) => t.id === 'tr_2').approved_by, 'pedro');
});

test('product sends a test webhook', async () => {
  const page = await app.pageAs('priya', 'webhooks', 'acme-cl');
  await settle(page);
  await page.click('[data-row="we_cl_1"] button:has-text("Send test")');
  await page.waitForSelector('.toast.ok');
  const hooks = await send(page, 'GET', '/api/scopes/acme-cl/webhooks');
  assert.equal(hooks.body.find((w) => w.id === 'we_cl_1').tests, 1);
});

test('a developer rolls a secret key and sees the new secret once', async () => {
  const page = await app.pageAs('diego', 'api-keys', 'acme-cl');
  await settle(page);
  await page.click('[data-row="ak_cl_live"] button:has-text("Roll secret")');
  await page.waitForSelector('[data-secret-for="ak_cl_live"]');
  assert.match(await page.locator('[data-secret-for="ak_cl_live"] .secret').innerText(), /^sk_live_[0-9a-f]+$/);
  await screenshot(page, 'api-keys-diego-rolled');
});
