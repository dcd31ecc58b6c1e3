// The language switch: French by default, English on demand; the choice is kept in the account
// (it follows the user to another browser) and in a cookie; a browser asking for English gets it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { LOGIN_ERROR, LOGIN_TEXTS, attemptLogin, isLoginPage, loginError, loginTexts, submitLogin } from '../pages/login.mjs';
import { NAV, followNav, logout, mainNav, pageLanguage, settingsNav, switchLanguage, mainNavFor } from '../pages/shell.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

const labels = (links) => links.map((l) => l.label);

test('switching to English, kept after logout and login', async (t) => {
  const account = ACCOUNTS.member;
  const page = await browser.newPage();
  await visit(t, page, levier.url('/login'), { label: 'login-fr' });
  assert.equal(await pageLanguage(page), 'fr');
  assert.deepEqual(await loginTexts(page), LOGIN_TEXTS.fr);
  await submitLogin(page, account);
  await screenshot(t, page, 'home-fr');
  assert.deepEqual(labels(await mainNav(page)), mainNavFor('member'));

  await switchLanguage(page, 'en');
  await screenshot(t, page, 'home-en');
  assert.equal(new URL(page.url()).pathname, '/', 'the switch did not come back to the same page');
  assert.equal(await pageLanguage(page), 'en');
  assert.deepEqual(labels(await mainNav(page)), mainNavFor('member', 'en'));
  assert.equal(await page.locator('#lang-select').inputValue(), 'en');
  assert.equal((await page.locator('form[action="/logout"] button').innerText()).trim(), NAV.en.logout);
  assert.match(await page.locator('h1').innerText(), /^Welcome, /);

  await followNav(page, NAV.en.settings);
  await screenshot(t, page, 'settings-en');
  assert.deepEqual(labels(await settingsNav(page)), [NAV.en.tokens]);
  assert.match(await page.title(), /^API tokens/);

  // Logged out, this browser keeps English (cookie)…
  await logout(page);
  await screenshot(t, page, 'logged-out-en');
  assert.equal(await pageLanguage(page), 'en');
  assert.deepEqual(await loginTexts(page), LOGIN_TEXTS.en);
  await submitLogin(page, account);
  await screenshot(t, page, 'home-again-en');
  assert.deepEqual(labels(await mainNav(page)), mainNavFor('member', 'en'));

  // …and the account keeps it: another browser, asking for French, shows the French login page,
  // then English once this user is logged in.
  const other = await browser.newPage({ locale: 'fr-FR' });
  await visit(t, other, levier.url('/login'), { label: 'other-browser-login' });
  assert.deepEqual(await loginTexts(other), LOGIN_TEXTS.fr);
  await submitLogin(other, account);
  await screenshot(t, other, 'other-browser-home');
  assert.equal(await pageLanguage(other), 'en');
  assert.deepEqual(labels(await mainNav(other)), mainNavFor('member', 'en'));

  // Another user is not affected.
  const colleague = await browser.newPage({ locale: 'fr-FR' });
  await visit(t, colleague, levier.url('/login'), { label: 'colleague-login' });
  await submitLogin(colleague, ACCOUNTS.viewer);
  await screenshot(t, colleague, 'colleague-home');
  assert.equal(await pageLanguage(colleague), 'fr');
  assert.deepEqual(labels(await mainNav(colleague)), mainNavFor('viewer'));

  // Back to French.
  await switchLanguage(page, 'fr');
  await screenshot(t, page, 'home-back-fr');
  assert.deepEqual(labels(await mainNav(page)), mainNavFor('member'));
});

test('a browser asking for English gets the English login page', async (t) => {
  const page = await browser.newPage({ locale: 'en-GB' });
  await visit(t, page, levier.url('/'), { label: 'login-en' });
  assert.ok(await isLoginPage(page), `expected the login page, got ${page.url()}`);
  assert.equal(await pageLanguage(page), 'en');
  assert.deepEqual(await loginTexts(page), LOGIN_TEXTS.en);
  assert.match(await page.title(), /^Log in/);
  assert.equal(await page.locator('#lang-select').inputValue(), 'en');

  // Its messages are English too.
  await attemptLogin(page, { email: ACCOUNTS.viewer.email, password: 'wrong-password' });
  await screenshot(t, page, 'refused-en');
  assert.equal(await loginError(page), LOGIN_ERROR.en);

  // Signed out, the switch works as well (kept in a cookie).
  await switchLanguage(page, 'fr');
  await screenshot(t, page, 'login-fr');
  assert.deepEqual(await loginTexts(page), LOGIN_TEXTS.fr);
  await visit(t, page, levier.url('/login'), { label: 'login-fr-again' });
  assert.deepEqual(await loginTexts(page), LOGIN_TEXTS.fr);
});
