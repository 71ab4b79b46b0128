// The page's gating is a convenience: a user who sends the request of a hidden or disabled
// control anyway is refused by the server, with the same reason code the page showed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, send, settle, withDashboard } from './helpers.mjs';

const app = withDashboard();

/** The reason the page shows for an action in "Your access" (hidden controls included). */
async function shownReason(page, action) {
  if (!(await page.locator('.access-panel').isVisible())) await page.click('button:has-text("Your access")');
  return page.locator(`.access-panel [data-action="${action}"]`).getAttribute('data-reason');
}

test('a disabled Refund (fiona): the server refuses the refund with missing_permission', async () => {
  const page = await app.pageAs('fiona', 'payments', 'acme-cl');
  await settle(page);
  const shown = await control(page.locator('[data-row="pay_cl_1"] button:has-text("Refund")'));
  assert.equal(shown.enabled, false);
  // Clicking does nothing: no request leaves the page.
  let requests = 0;
  page.on('request', (r) => r.url().includes('/refund') && requests++);
  await page.locator('[data-row="pay_cl_1"] button:has-text("Refund")').click({ force: true });
  assert.equal(requests, 0);
  const res = await send(page, 'POST', '/api/scopes/acme-cl/payments/pay_cl_1/refund');
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, shown.reason);
  assert.equal(res.body.error.message, shown.title);
});

test('a hidden Delete link (fiona): the server refuses the delete with the reason "Your access" shows', async () => {
  const page = await app.pageAs('fiona', 'links', 'acme-cl');
  await settle(page);
  assert.equal(await page.locator('[data-row="ln_cl_1"] button:has-text("Delete")').count(), 0);
  const shown = await shownReason(page, 'links.delete');
  const res = await send(page, 'DELETE', '/api/scopes/acme-cl/links/ln_cl_1');
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, shown);
});

test('a self-approval (paula): refused as self_approval, from the creator the server stored', async () => {
  const page = await app.pageAs('paula', 'transfers', 'acme-cl');
  await settle(page);
  const shown = await control(page.locator('[data-row="tr_1"] button:has-text("Approve")'));
  const res = await send(page, 'POST', '/api/scopes/acme-cl/transfers/tr_1/approve', { created_by: 'someone_else' });
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, shown.reason);
  assert.equal(shown.reason, 'self_approval');
});

test('a page out of the user\'s context (carla at the group): the page says context_mismatch, the server lists only her Chilean payments', async () => {
  const page = await app.pageAs('carla', 'payments', 'org');
  assert.equal(await page.locator('[data-no-access]').getAttribute('data-reason'), 'context_mismatch');
  // A list is filtered by permission (issue 15), item by item: never more than her own checks allow.
  const res = await send(page, 'GET', '/api/scopes/org/payments');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.map((p) => p.country), ['CL', 'CL', 'CL']);
});

test('every action the page denies at a tenant is refused by the server with the same code', async () => {
  for (const [user, tenant, context] of [['fiona', 'acme-cl', { country: 'CL' }], ['bob', 'acme-cl', { country: 'CL' }], ['priya', 'org', undefined]]) {
    const page = await app.pageAs(user, 'payments', tenant);
    await page.click('button:has-text("Your access")');
    const rows = await page.locator('.access-panel [data-action]').evaluateAll((ls) =>
      ls.map((l) => ({ action: l.getAttribute('data-action'), reason: l.getAttribute('data-reason') })),
    );
    assert.ok(rows.length > 30);
    for (const { action, reason } of rows) {
      const res = await send(page, 'POST', `/api/scopes/${tenant}/actions/${action}`, { context, resource: action === 'transfers.approve' ? { created_by: '(someone else)' } : undefined });
      const served = res.status === 200 ? 'granted' : res.body.error.code;
      assert.equal(served, reason, `${user} ${action} at ${tenant}`);
    }
  }
});
