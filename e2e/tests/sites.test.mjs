// The "Sites" settings pages: an administrator finds the demo's website, copies the snippet the
// demo page itself carries, and sets the pilot's answer threshold; the pages pass axe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { axeViolations, blocking, describeViolations } from '../pages/a11y.mjs';
import { ACCOUNTS, COMPANY } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

const SITE = `Site web ${COMPANY}`;

const submitAndLoad = (page, button) => Promise.all([page.waitForEvent('load'), button.click()]);

/** The demo's site row of the list (a locator; the name is the first cell). */
function siteRow(page, name) {
  return page
    .locator('[data-testid="sites"] tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: name }) });
}

/** Opens the list until the demo's loader has created its site (it runs in the background). */
async function openList(t, page) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    await visit(t, page, levier.url('/settings/sites'), { label: 'list' });
    if ((await siteRow(page, SITE).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`no "${SITE}" on /settings/sites`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function checkAxe(page) {
  const violations = blocking(await axeViolations(page));
  assert.deepEqual(violations.map((v) => v.id), [], `${page.url()}:\n${describeViolations(violations)}`);
}

test("an admin sees the demo site's snippet and sets its pilot threshold", async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.admin);
  await openList(t, page);
  await checkAxe(page);
  const row = siteRow(page, SITE);
  const key = (await row.locator('code').first().textContent()).trim();
  assert.match(key, /^\S{16,}$/);

  await submitAndLoad(page, row.getByRole('link', { name: SITE }));
  await screenshot(t, page, 'site');
  assert.equal((await page.locator('h1').textContent()).trim(), SITE);
  const snippet = await page.locator('[data-testid="snippet"]').inputValue();
  assert.equal(snippet, `<script src="${levier.baseUrl}/widget.js" data-site-key="${key}" defer></script>`);
  assert.ok(await page.locator('[data-testid="snippet"]').evaluate((e) => e.readOnly), 'the snippet is read-only');
  await checkAxe(page);

  // The demo's own page carries the same key.
  const demo = await fetch(levier.url('/demo/site'), { signal: AbortSignal.timeout(10_000) });
  assert.ok((await demo.text()).includes(key), '/demo/site does not carry the listed key');

  // The pilot's threshold, saved and shown again.
  const form = page.locator('[data-testid="site-scope"]');
  await form.locator('#answer-at').fill('0.85');
  await submitAndLoad(page, form.locator('button[type="submit"]'));
  await screenshot(t, page, 'scope-saved');
  assert.match(new URL(page.url()).search, /done=scope/);
  assert.equal(await page.locator('#answer-at').inputValue(), '0.85');
  await openList(t, page);
  assert.match(await siteRow(page, SITE).locator('td').last().textContent(), /0\.85/);
});
