// The demo company's workspace, seen in Chromium: sign in, then the home page's overview.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS, COMPANY, HOLDS } from '../pages/demo.mjs';
import { LABELS, readCounts, whoAmI } from '../pages/home.mjs';
import { isLoginPage, submitLogin } from '../pages/login.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

test('healthz answers ok', async () => {
  const res = await fetch(levier.url('/healthz'));
  assert.equal(res.status, 200);
  assert.equal((await res.text()).trim(), 'ok');
});

test('overview shows the demo company and its counts', async (t) => {
  const page = await browser.newPage();
  // Signed out, / leads to the login form.
  await visit(t, page, levier.url('/'), { label: 'signed-out' });
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
  assert.match(await page.title(), new RegExp(COMPANY));

  await submitLogin(page, ACCOUNTS.admin);
  assert.equal(new URL(page.url()).pathname, '/');
  await screenshot(t, page, 'home');

  assert.match(await page.title(), new RegExp(COMPANY));
  assert.match(await whoAmI(page), new RegExp(ACCOUNTS.admin.name));
  const counts = await readCounts(page);
  assert.equal(counts[LABELS.documents], HOLDS.documents, JSON.stringify(counts));
  assert.equal(counts[LABELS.faqEntries], HOLDS.faqEntries, JSON.stringify(counts));
});
