// The Team page assigns roles through canAssign: roles the user may not grant are disabled with
// the reason, and a change shows the access diff before it is saved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, screenshot, settle, withDashboard } from './helpers.mjs';

const app = withDashboard();

const role = (page, name) => page.locator(`.roles [data-role="${name}"]`);

async function roleOptions(page) {
  await page.waitForSelector('.roles [data-role]');
  return Object.fromEntries(
    await page.locator('.roles [data-role]').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-role'), l.getAttribute('data-reason')])),
  );
}

test('a team lead (olga) may grant only what she holds: the others are disabled with the reason', async () => {
  const page = await app.pageAs('olga', 'team', 'acme-cl');
  await settle(page);
  await page.selectOption('select[aria-label="Member"]', 'fiona');
  const reasons = await roleOptions(page);
  assert.equal(reasons.administrator, 'not_assignable');
  assert.equal(reasons.developer, 'escalation');
  assert.equal(reasons.account_owner, 'scope_kind_not_allowed');
  assert.equal(reasons.support, 'granted');
  const dev = await control(role(page, 'developer').locator('button'));
  assert.equal(dev.enabled, false);
  assert.match(dev.description, /^Cannot grant more than you hold: .*Manage on API Keys/);
  await screenshot(page, 'team-olga-role-options');
});

test('one owner only: the administrator cannot give the account owner role to a second person', async () => {
  const page = await app.pageAs('ada', 'team', 'org');
  await settle(page);
  await page.selectOption('select[aria-label="Member"]', 'oscar');
  const reasons = await roleOptions(page);
  assert.equal(reasons.account_owner, 'max_holders_reached');
  await page.selectOption('select[aria-label="Member"]', 'paula');
  await page.waitForFunction(() => document.querySelector('.roles [data-role="payment_approver"]')?.getAttribute('data-reason') === 'exclusive_roles');
});

test('assigning a role shows who gains what, and saving applies it at once', async () => {
  const page = await app.pageAs('olga', 'team', 'acme-cl');
  await settle(page);
  await page.selectOption('select[aria-label="Member"]', 'fiona');
  await roleOptions(page);
  await role(page, 'support').locator('button').click();
  const diff = page.locator('table[aria-label="Access diff"]');
  await diff.waitFor();
  const row = diff.locator('[data-diff="fiona@acme-cl"]');
  assert.deepEqual(
    await row.locator('.gain').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-permission'))),
    ['refunds:manage', 'refunds:view'],
  );
  assert.match(await row.innerText(), /\+ Manage on Refunds/);
  await screenshot(page, 'team-olga-diff-preview');
  await page.click('.preview button:has-text("Save")');
  await page.waitForSelector('.toast.ok');
  await page.waitForSelector('[data-subject="fiona"] .chip.role:has-text("Support")');

  // Fiona can refund in Chile now, without anyone restarting anything.
  const fiona = await app.pageAs('fiona', 'payments', 'acme-cl');
  await settle(fiona);
  assert.equal((await control(fiona.locator('[data-row="pay_cl_1"] button:has-text("Refund")'))).enabled, true);
});

test('changing an existing assignment previews both halves and the diff before saving', async () => {
  const page = await app.pageAs('olga', 'team', 'acme-mx');
  await settle(page);
  const sam = page.locator('[data-subject="sam"]');
  await sam.locator('select').selectOption('operations');
  await page.waitForSelector('.preview [data-check="add"]');
  assert.equal(await page.locator('.preview [data-check="remove"]').getAttribute('data-reason'), 'granted');
  assert.equal(await page.locator('.preview [data-check="add"]').getAttribute('data-reason'), 'granted');
  const gains = await page.locator('[data-diff="sam@acme-mx"] .gain').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-permission')));
  assert.deepEqual(gains, ['links:manage']);
  await screenshot(page, 'team-olga-change-role');
  await page.click('.preview button:has-text("Save")');
  await page.waitForSelector('[data-subject="sam"] .chip.role:has-text("Operations")');
});
