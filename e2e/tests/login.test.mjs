// Logging in and out with a demo account, and a refused login.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { whoAmI } from '../pages/home.mjs';
import { LOGIN_ERROR, attemptLogin, isLoginPage, loginError, submitLogin } from '../pages/login.mjs';
import { ROLE_LABELS, headerUser, logout } from '../pages/shell.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

test('wrong password', async (t) => {
  const page = await browser.newPage();
  await visit(t, page, levier.url('/login'), { label: 'login' });
  assert.equal(await loginError(page), null);

  const status = await attemptLogin(page, { email: ACCOUNTS.member.email, password: 'pas-le-bon-mot-de-passe' });
  await screenshot(t, page, 'refused');
  assert.equal(status, 401);
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
  assert.equal(await loginError(page), LOGIN_ERROR.fr);
  // The e-mail is kept, the password is not.
  assert.equal(await page.locator('#email').inputValue(), ACCOUNTS.member.email);
  assert.equal(await page.locator('#password').inputValue(), '');
  assert.equal(await headerUser(page), null, 'a refused login shows someone signed in');

  // An unknown account gets the very same message (no way to tell accounts apart).
  await attemptLogin(page, { email: 'personne@ergolis.fr', password: 'pas-le-bon-mot-de-passe' });
  await screenshot(t, page, 'unknown-account');
  assert.equal(await loginError(page), LOGIN_ERROR.fr);

  // Still signed out: / leads to the login page.
  await visit(t, page, levier.url('/'), { label: 'still-signed-out' });
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
});

test('login and logout', async (t) => {
  const page = await browser.newPage();
  const account = ACCOUNTS.member;

  // A protected page sends to the login form, which comes back to it afterwards.
  await visit(t, page, levier.url('/settings/tokens'), { label: 'redirected-to-login' });
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
  await submitLogin(page, account);
  await screenshot(t, page, 'back-on-tokens');
  assert.equal(new URL(page.url()).pathname, '/settings/tokens');

  await visit(t, page, levier.url('/'), { label: 'home' });
  assert.equal(await whoAmI(page), `${account.name} · ${ROLE_LABELS.member}`);
  // Signed in, /login goes back home.
  await visit(t, page, levier.url('/login'), { label: 'login-when-signed-in' });
  assert.equal(new URL(page.url()).pathname, '/');

  const session = (await page.context().cookies()).find((c) => c.name === 'levier_session');
  assert.ok(session, 'no session cookie after login');
  const meWith = (cookie) => fetch(levier.url('/api/v1/me'), { headers: { cookie: `levier_session=${cookie}` } });
  assert.equal((await meWith(session.value)).status, 200);

  await logout(page);
  await screenshot(t, page, 'logged-out');
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
  assert.equal(await headerUser(page), null);

  await visit(t, page, levier.url('/'), { label: 'after-logout' });
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
  // The session is ended on the server, not only forgotten by the browser.
  assert.equal((await meWith(session.value)).status, 401);
});
