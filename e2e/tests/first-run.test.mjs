// An empty install (`levier serve`, no account yet): the first visit leads to the first-run page,
// which creates the administrator and logs them in; after that the page is closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { LABELS, readCounts, whoAmI } from '../pages/home.mjs';
import { attemptLogin, isLoginPage, submitLogin } from '../pages/login.mjs';
import { FIRST_ADMIN, isSetupPage, submitSetup } from '../pages/setup.mjs';
import { NAV, ROLE_LABELS, heading, logout, mainNav, mainNavFor } from '../pages/shell.mjs';

const levier = useLevier({ demo: false });
const browser = useBrowser();

test('first admin via setup', async (t) => {
  const page = await browser.newPage();

  // No account yet: / → /login → /setup.
  await visit(t, page, levier.url('/'), { label: 'first-visit' });
  assert.ok(await isSetupPage(page), `expected the first-run page, got ${page.url()}`);
  assert.equal(await heading(page), 'Première mise en route');

  await submitSetup(page, FIRST_ADMIN);
  await screenshot(t, page, 'after-setup');
  assert.equal(new URL(page.url()).pathname, '/', `expected the home page, got ${page.url()}`);
  assert.equal(await whoAmI(page), `${FIRST_ADMIN.name} · ${ROLE_LABELS.admin}`);
  assert.equal((await page.locator('[data-testid="role"]').innerText()).trim(), ROLE_LABELS.admin);
  assert.deepEqual((await mainNav(page)).map((l) => l.label), mainNavFor('admin'));
  assert.equal((await readCounts(page))[LABELS.users], 1);

  // Closed now, for the new admin as for anyone else.
  await visit(t, page, levier.url('/setup'), { status: 403, label: 'setup-closed-signed-in' });
  assert.equal(await page.locator('form[action="/setup"]').count(), 0, 'the first-run form is still offered');
  assert.match(await page.locator('main').innerText(), /La mise en route est terminée/);

  const stranger = await browser.newPage();
  await visit(t, stranger, levier.url('/setup'), { status: 403, label: 'setup-closed-signed-out' });
  assert.equal(await stranger.locator('form[action="/setup"]').count(), 0, 'the first-run form is still offered');
  // Signed out, / now leads to the login page, not to /setup.
  await visit(t, stranger, levier.url('/'), { label: 'signed-out-home' });
  assert.ok(await isLoginPage(stranger), `expected the login page, got ${stranger.url()}`);

  // The administrator's password works for a normal login.
  await visit(t, page, levier.url('/'), { label: 'home' });
  await logout(page);
  await screenshot(t, page, 'logged-out');
  await submitLogin(page, FIRST_ADMIN);
  await screenshot(t, page, 'logged-in-again');
  assert.equal(await whoAmI(page), `${FIRST_ADMIN.name} · ${ROLE_LABELS.admin}`);

  // A forged submission of the first-run form (with this browser's valid CSRF token) is refused
  // too, and creates no second administrator.
  await visit(t, stranger, levier.url('/login'), { label: 'login' });
  const csrf = await stranger.locator('form[action="/login"] input[name="_csrf"]').inputValue();
  const intruder = { name: 'Intrus', email: 'intrus@exemple.fr', password: 'intrus-2026!' };
  const forged = await stranger.request.post(levier.url('/setup'), {
    form: { _csrf: csrf, ...intruder },
    maxRedirects: 0,
  });
  assert.equal(forged.status(), 403);
  assert.doesNotMatch(forged.headers()['set-cookie'] ?? '', /levier_session=[^;]/);
  assert.equal(await attemptLogin(stranger, intruder), 401);
  await screenshot(t, stranger, 'intruder-refused');
  assert.ok(await isLoginPage(stranger));
});

