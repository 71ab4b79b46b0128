// A role change reaches a page that is already open: the next answer from the server carries a
// newer directory version, the page fetches a fresh snapshot, and the gated controls update in
// place (no reload).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, settle, withDashboard } from './helpers.mjs';

const app = withDashboard();

test('fiona\'s open page enables Refund after olga gives her Support, without a reload', async () => {
  const fiona = await app.pageAs('fiona', 'payments', 'acme-cl');
  await settle(fiona);
  const refund = fiona.locator('[data-row="pay_cl_1"] button:has-text("Refund")');
  assert.equal((await control(refund)).enabled, false);
  await fiona.evaluate(() => (window.__sameDocument = true));

  const olga = await app.pageAs('olga', 'team', 'acme-cl');
  const res = await olga.evaluate(async () => {
    const r = await fetch('/api/assignments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'fiona', role: 'support', scope: 'acme-cl' }) });
    return r.status;
  });
  assert.equal(res, 201);

  // Any request from fiona's page sees the new version: here, opening another section and back.
  await fiona.click('nav a:has-text("Links")');
  await fiona.click('nav a:has-text("Payments")');
  await fiona.waitForFunction(() => {
    const b = [...document.querySelectorAll('[data-row="pay_cl_1"] button')].find((x) => x.textContent === 'Refund');
    return b !== undefined && !b.disabled;
  });
  assert.equal(await fiona.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
});
