// A page with 600 gated controls (stress.html): replacing the permissions re-renders the gated
// controls and nothing else, and decides each distinct (action, scope) once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, withDashboard } from './helpers.mjs';

const app = withDashboard();

test('switching the user re-renders only the 600 gated controls, with one decision per distinct control', async () => {
  const page = await app.open('ada', '/stress.html', { width: 1100, height: 900 });
  await page.waitForSelector('.cell');
  assert.equal(await page.locator('.cell').count(), 600);
  const distinct = Number(await page.locator('body').getAttribute('data-distinct'));
  assert.ok(distinct > 0 && distinct < 600, `${distinct} distinct controls`);
  for (const user of ['fiona', 'oscar']) {
    await page.selectOption('select[aria-label="Signed in as"]', user);
    await page.waitForFunction((u) => document.getElementById('stats').dataset.subject === u, user);
    const stats = await page.locator('#stats').evaluate((el) => ({ ...el.dataset }));
    assert.equal(stats.gated, '600', JSON.stringify(stats));
    assert.equal(stats.rows, '0', 'the memoized rows around the controls did not re-render');
    assert.equal(stats.page, '0', 'the page did not re-render');
    // 600 controls over the policy's actions and ada's scopes: each distinct one decided once.
    assert.equal(Number(stats.checks), distinct, `${stats.checks} decisions for ${distinct} distinct controls`);
  }
  assert.ok((await page.locator('.cell:not([disabled])').count()) > 0);
  await screenshot(page, 'stress-600-controls');
});
