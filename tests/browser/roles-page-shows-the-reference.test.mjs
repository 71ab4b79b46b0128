// The Roles page: the policy's permission table in the browser, every row's access level and
// roles as the product document writes them (seed 001), the matrix of roles by resource, and
// the access-review download only for those allowed to change permissions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { screenshot, settle, withDashboard } from './helpers.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The product table (tests/docs/payments-001.md): [action, resource, level, roles] rows. */
const productRows = readFileSync(join(repo, 'tests', 'docs', 'payments-001.md'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('|') && !l.startsWith('| ---'))
  .slice(1)
  .map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()));

const app = withDashboard();

test('the Roles page shows every row of the product table with its level and roles', async () => {
  const page = await app.pageAs('fiona', 'roles', 'org');
  await settle(page);
  const table = page.locator('[data-reference="actions"] tbody tr');
  await table.first().waitFor();
  const rows = await table.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
  assert.equal(productRows.length, 32);
  // The example server's policy adds one role to the product's, Account owner (organization
  // settings, and what every dashboard role sees): it is left out of the comparison, and a row
  // the product calls Admin Only may name it alone.
  const withoutOwner = (text) => text.split(', ').filter((r) => r !== 'Account owner').join(', ');
  for (const [i, [action, resource, level, roles]] of productRows.entries()) {
    const [gotAction, gotResource, gotLevel, gotRoles] = rows[i];
    assert.deepEqual([gotAction, gotResource, gotLevel], [action, resource, level], `row ${i + 1}`);
    if (roles.toLowerCase() === 'admin only') {
      assert.ok(['Admin only', 'Account owner'].includes(gotRoles), `row ${i + 1}: ${gotRoles}`);
    } else {
      assert.equal(withoutOwner(gotRoles), roles, `row ${i + 1}`);
    }
  }
  const note = await page.locator('[data-reference-note]').innerText();
  assert.match(note, /Administrator/);
  await screenshot(page, 'roles-fiona');
  assert.deepEqual(page.errors, []);
});

test('the matrix gives the level each role holds on each resource', async () => {
  const page = await app.pageAs('fiona', 'roles', 'org');
  const th = page.locator('[data-reference="matrix"] thead th');
  await th.first().waitFor();
  // textContent, not innerText: table headers are styled in capitals.
  const header = (await th.allTextContents()).map((t) => t.trim());
  const cell = async (resource, role) => {
    const col = header.indexOf(role);
    assert.ok(col > 0, `no column ${role} in ${header}`);
    return (await page.locator(`[data-reference="matrix"] tr[data-resource="${resource}"] td`).nth(col).textContent()).trim();
  };
  assert.equal(await cell('refunds', 'Support'), 'Manage');
  assert.equal(await cell('webhooks', 'Product'), '2 actions');
  assert.equal(await cell('api_keys', 'Operations'), '—');
});

test('only someone who may change permissions is offered the access review', async () => {
  const viewer = await app.pageAs('fiona', 'roles', 'org');
  await settle(viewer);
  assert.equal(await viewer.locator('[data-access-review]').count(), 0);
  const lead = await app.pageAs('olga', 'roles', 'org');
  await settle(lead);
  const link = lead.locator('[data-access-review]');
  assert.equal(await link.getAttribute('href'), '/api/scopes/org/access-review?format=csv');
  const csv = await lead.evaluate(async (href) => (await fetch(href)).text(), await link.getAttribute('href'));
  assert.match(csv, /^subject,kind,scope,permission,source,context\r\n/);
  await screenshot(lead, 'roles-olga-review');
});
