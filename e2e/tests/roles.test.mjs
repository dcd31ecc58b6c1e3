// What each role sees: the administrator has every settings page; the other roles have only the
// home page and their API tokens, and are refused the administrators' pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import {
  FORBIDDEN,
  NAV,
  ROLE_LABELS,
  followNav,
  followSettingsNav,
  heading,
  headerUser,
  mainNav,
  settingsNav,
  mainNavFor,
} from '../pages/shell.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

const ADMIN_PAGES = ['/settings/users', '/settings/groups', '/settings/audit'];
const labels = (links) => links.map((l) => l.label);

test('admin sees every settings page', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.admin);
  await screenshot(t, page, 'home');
  assert.equal(await headerUser(page), `${ACCOUNTS.admin.name} · ${ROLE_LABELS.admin}`);
  assert.deepEqual(labels(await mainNav(page)), mainNavFor('admin'));

  await followNav(page, NAV.fr.settings);
  await screenshot(t, page, 'settings');
  assert.equal(new URL(page.url()).pathname, '/settings/users');
  const sub = await settingsNav(page);
  assert.deepEqual(labels(sub), [NAV.fr.users, NAV.fr.groups, NAV.fr.sites, NAV.fr.tokens, NAV.fr.audit]);
  assert.deepEqual(
    sub.map((l) => l.href),
    ['/settings/users', '/settings/groups', '/settings/sites', '/settings/tokens', '/settings/audit'],
  );
  assert.ok((await mainNav(page)).find((l) => l.label === NAV.fr.settings).current, 'Réglages is not marked current');

  // Each sub-page opens and marks itself current.
  for (const label of [NAV.fr.groups, NAV.fr.sites, NAV.fr.tokens, NAV.fr.audit, NAV.fr.users]) {
    await followSettingsNav(page, label);
    await screenshot(t, page, label);
    const current = (await settingsNav(page)).filter((l) => l.current).map((l) => l.label);
    assert.deepEqual(current, [label], `on ${page.url()}`);
  }
});

for (const role of ['member', 'viewer', 'agent', 'champion']) {
  test(`${role} sees only home and API tokens`, async (t) => {
    const page = await browser.newPage();
    const account = ACCOUNTS[role];
    await login(page, levier.baseUrl, account);
    await screenshot(t, page, 'home');
    assert.equal(await headerUser(page), `${account.name} · ${ROLE_LABELS[role]}`);
    assert.deepEqual(labels(await mainNav(page)), mainNavFor(role));

    await followNav(page, NAV.fr.settings);
    await screenshot(t, page, 'settings');
    assert.equal(new URL(page.url()).pathname, '/settings/tokens');
    assert.deepEqual(labels(await settingsNav(page)), [NAV.fr.tokens]);
    // No link anywhere to an administrators' page.
    for (const href of ADMIN_PAGES) {
      assert.equal(await page.locator(`a[href="${href}"]`).count(), 0, `a link to ${href} is offered`);
    }

    // Opened directly, the administrators' pages are refused.
    for (const path of ADMIN_PAGES) {
      await visit(t, page, levier.url(path), { status: FORBIDDEN.status, label: `direct${path}` });
      assert.equal(await heading(page), FORBIDDEN.heading, `on ${path}`);
      assert.equal(await page.locator('[data-testid="users"], [data-testid="groups"], [data-testid="audit"]').count(), 0);
    }
  });
}

test('the API agrees with the pages', async () => {
  // A member's session cookie on an administrators' API route: 403; unauthenticated: 401.
  const anonymous = await fetch(levier.url('/api/v1/users'));
  assert.equal(anonymous.status, 401);
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.member);
  const asMember = await page.request.get(levier.url('/api/v1/users'));
  assert.equal(asMember.status(), 403);
  const me = await page.request.get(levier.url('/api/v1/me'));
  assert.equal((await me.json()).user.role, 'member');
});
