// The Team page creates a role for the tenant: only the permissions the manager holds there are
// offered, the preview shows canDefineRole's answer and who it affects, and the created role is
// assignable at once in the tenant (and gives what it says).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, screenshot, settle, withDashboard } from './helpers.mjs';

const app = withDashboard();

test('a team lead creates a tenant role from what she holds, previews it and assigns it', async () => {
  const page = await app.pageAs('olga', 'team', 'acme-cl');
  await settle(page);
  const card = page.locator('[aria-label="Create a role"]');
  await card.locator('input[type="checkbox"]').first().waitFor();
  const offered = await card.locator('input[type="checkbox"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-permission')));
  assert.ok(offered.includes('refunds:manage'), offered.join());
  assert.ok(!offered.includes('api_keys:manage'), 'olga does not hold api_keys:manage: not offered');

  await card.locator('input[aria-label="Role name"]').fill('Refund desk');
  await card.locator('input[data-permission="refunds:manage"]').check();
  assert.equal((await control(card.locator('button:has-text("Create role")'))).enabled, false, 'Create waits for the preview');
  await card.locator('button:has-text("Preview")').click();
  await card.locator('[aria-label="Role preview"] [data-reason="granted"]').waitFor();
  assert.equal(await card.locator('[data-affected]').getAttribute('data-affected'), '0');
  await screenshot(page, 'team-olga-create-role-preview');
  await card.locator('button:has-text("Create role")').click();
  await page.waitForSelector('.toast.ok');

  // The new role is offered in the assign form, for fiona in Chile.
  await page.selectOption('select[aria-label="Member"]', 'fiona');
  await page.waitForSelector('.roles [data-role="refund_desk"][data-reason="granted"]');
  await page.locator('.roles [data-role="refund_desk"] button').click();
  const diff = page.locator('table[aria-label="Access diff"]');
  await diff.waitFor();
  const gains = await diff.locator('[data-diff="fiona@acme-cl"] .gain').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-permission')));
  assert.deepEqual(gains, ['refunds:manage', 'refunds:view']);
  await page.click('.preview button:has-text("Save")');
  await page.waitForSelector('[data-subject="fiona"] .chip.role:has-text("Refund desk")');
  await screenshot(page, 'team-olga-custom-role-assigned');

  // Fiona's page decides with her snapshot, which now carries the custom role.
  const fiona = await app.pageAs('fiona', 'payments', 'acme-cl');
  await settle(fiona);
  assert.equal((await control(fiona.locator('[data-row="pay_cl_1"] button:has-text("Refund")'))).enabled, true);
});
