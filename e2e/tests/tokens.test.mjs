// API tokens: created on /settings/tokens, the secret is shown once, the token works on the API
// (Authorization: Bearer) with at most its owner's rights, and stops working once revoked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { REVOKED, createToken, readToken, revokeToken, shownSecret, tokenRows } from '../pages/settings.mjs';
import { ROLE_LABELS } from '../pages/shell.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

/** GET /api/v1/me with a bearer token, from the test (not the browser). */
async function me(secret) {
  const response = await fetch(levier.url('/api/v1/me'), {
    headers: { authorization: `Bearer ${secret}`, accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

test('create, use and revoke an API token', async (t) => {
  const account = ACCOUNTS.member;
  const name = 'Script de synchronisation';
  const page = await browser.newPage();
  await login(page, levier.baseUrl, account);
  await visit(t, page, levier.url('/settings/tokens'), { label: 'before' });
  assert.equal(await tokenRows(page, name).count(), 0);
  // A member may give a token at most their own role.
  const roles = await page.locator('#t-role option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(!roles.includes('admin'), `a member is offered admin tokens: ${roles}`);

  const secret = await createToken(page, { name, days: 30 });
  await screenshot(t, page, 'created');
  assert.match(secret, /^lvr_[0-9A-Za-z]{20,}$/);
  const row = await readToken(page, name);
  assert.equal(row.owner, account.email);
  assert.equal(row.role, ROLE_LABELS.member);
  assert.equal(row.prefix, `${secret.slice(0, 12)}…`);
  assert.ok(!row.prefix.includes(secret.slice(12)), 'the list shows more than the prefix');

  // Reloading does not show the secret again, nor create a second token.
  await page.reload({ waitUntil: 'load' });
  await screenshot(t, page, 'reloaded');
  assert.equal(await shownSecret(page), null, 'the secret is shown again after a reload');
  assert.equal(await tokenRows(page, name).count(), 1, 'reloading created another token');
  assert.ok(!(await page.content()).includes(secret), 'the secret is still in the page');
  // Nor does opening the page again.
  await visit(t, page, levier.url('/settings/tokens'), { label: 'opened-again' });
  assert.equal(await shownSecret(page), null);
  assert.equal((await readToken(page, name)).prefix, `${secret.slice(0, 12)}…`);

  // The token works on the API, as its owner, with the token's role.
  const before = await me(secret);
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.equal(before.body.user.email, account.email);
  assert.equal(before.body.user.display_name, account.name);
  assert.equal(before.body.acting_role, 'member');
  // Within its rights only.
  const users = await fetch(levier.url('/api/v1/users'), { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(users.status, 403);
  // The page now tells when it was last used.
  await visit(t, page, levier.url('/settings/tokens'), { label: 'used' });
  assert.notEqual((await readToken(page, name)).lastUsed, 'jamais');

  await revokeToken(page, name);
  await screenshot(t, page, 'revoked');
  assert.equal(new URL(page.url()).pathname, '/settings/tokens');
  assert.equal((await readToken(page, name)).state, REVOKED);
  const after = await me(secret);
  assert.equal(after.status, 401, JSON.stringify(after.body));
  // A made-up token is refused the same way.
  assert.equal((await me(`lvr_${'0'.repeat(64)}`)).status, 401);
});

test('a lower-role token acts with its own role', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.admin);
  await visit(t, page, levier.url('/settings/tokens'), { label: 'admin-tokens' });
  const secret = await createToken(page, { name: 'Lecture seule', role: 'viewer', days: '' });
  await screenshot(t, page, 'created');
  const row = await readToken(page, 'Lecture seule');
  assert.equal(row.role, ROLE_LABELS.viewer);
  assert.equal(row.expires, 'jamais');
  const { status, body } = await me(secret);
  assert.equal(status, 200);
  assert.equal(body.user.role, 'admin');
  assert.equal(body.acting_role, 'viewer');
  const users = await fetch(levier.url('/api/v1/users'), { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(users.status, 403, 'a viewer token of an admin may list users');
});
