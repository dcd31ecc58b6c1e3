// Internal search on the demo company: a French question finds the right document, the result
// opens in the viewer with the words marked, and a member never sees another group's document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { followNav, NAV } from '../pages/shell.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

/** Types a query in the search page's box and submits it. */
async function searchFor(page, query) {
  await page.locator('#q').fill(query);
  await Promise.all([page.waitForEvent('load'), page.locator('form[role=search] button[type=submit]').click()]);
}

async function resultTitles(page) {
  return page.locator('.results .hit h2 a').allTextContents();
}

test('a French question finds the delivery page and opens it', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.member);
  await followNav(page, NAV.fr.search);
  await screenshot(t, page, 'search-empty');
  await searchFor(page, 'Quels sont les délais de livraison ?');
  await screenshot(t, page, 'results');
  const titles = await resultTitles(page);
  assert.ok(titles.length > 0, 'no result');
  assert.match(titles[0], /Livraison/i, `first result: ${titles[0]}`);
  assert.ok(await page.locator('.results .hit mark').count() > 0, 'no highlighted word in the snippets');
  assert.match(await page.locator('[data-testid=total]').textContent(), /\d+ résultat/);

  await Promise.all([page.waitForEvent('load'), page.locator('.results .hit h2 a').first().click()]);
  await screenshot(t, page, 'viewer');
  assert.match(new URL(page.url()).pathname, /^\/documents\/\d+$/);
  assert.match(await page.locator('h1').textContent(), /Livraison/i);
  assert.ok(await page.locator('.passage mark').count() > 0, 'the viewer does not mark the words');
  assert.ok(await page.locator('section.hit-passage').count() > 0, 'the matching passage is not marked');
});

test('a member never sees documents of groups they are not in', async (t) => {
  const page = await browser.newPage();
  // Élodie Garnier reads "personnel" and "commercial": the HR salary grid is not hers to read.
  await login(page, levier.baseUrl, ACCOUNTS.member);
  await visit(t, page, levier.url('/search?q=grille%20salariale'), { label: 'member-hr-query' });
  const titles = await resultTitles(page);
  assert.ok(!titles.some((title) => /Grille salariale/i.test(title)), `member sees: ${titles}`);

  const hr = await browser.newPage();
  await login(hr, levier.baseUrl, ACCOUNTS.viewer);
  await visit(t, hr, levier.url('/search?q=grille%20salariale'), { label: 'direction-hr-query' });
  const allowed = await resultTitles(hr);
  assert.ok(allowed.some((title) => /Grille salariale/i.test(title)), `the viewer (rh group) should see it: ${allowed}`);
});
