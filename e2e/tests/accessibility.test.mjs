// Accessibility: axe-core finds no serious or critical problem on the pages; the keyboard reaches
// the skip link first and the login fields in order; on a phone the pages do not scroll sideways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { PHONE, axeViolations, blocking, describeViolations, focused, overflowingElements, pageWidths, tabOrderFromTop } from '../pages/a11y.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login, attemptLogin } from '../pages/login.mjs';
import { createToken } from '../pages/settings.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

/** Runs axe on the page; fails on serious or critical violations, reports the others. */
async function checkAxe(t, page) {
  const violations = await axeViolations(page);
  const path = new URL(page.url()).pathname;
  const minor = violations.filter((v) => !blocking([v]).length);
  if (minor.length) t.diagnostic(`${path}: ${describeViolations(minor)}`);
  assert.deepEqual(blocking(violations).map((v) => v.id), [], `${path}:\n${describeViolations(blocking(violations))}`);
}

test('axe: login page', async (t) => {
  const page = await browser.newPage();
  await visit(t, page, levier.url('/login'), { label: 'login' });
  await checkAxe(t, page);
  // With its error message, and in English.
  await attemptLogin(page, { email: ACCOUNTS.member.email, password: 'mauvais-mot-de-passe' });
  await screenshot(t, page, 'login-error');
  await checkAxe(t, page);
  const english = await browser.newPage({ locale: 'en-GB' });
  await visit(t, english, levier.url('/login'), { label: 'login-en' });
  await checkAxe(t, english);
});

test('axe: home and settings pages', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.admin);
  for (const path of ['/', '/settings/users', '/settings/groups', '/settings/tokens', '/settings/audit']) {
    await visit(t, page, levier.url(path), { label: path === '/' ? 'home' : path });
    await checkAxe(t, page);
  }
  // The tokens page showing a new secret.
  await visit(t, page, levier.url('/settings/tokens'), { label: 'tokens-before-create' });
  await createToken(page, { name: 'Contrôle axe' });
  await screenshot(t, page, 'token-created');
  await checkAxe(t, page);

  // A member's pages, and the page refusing them an administrators' page.
  const member = await browser.newPage();
  await login(member, levier.baseUrl, ACCOUNTS.member);
  await screenshot(t, member, 'member-home');
  await checkAxe(t, member);
  await visit(t, member, levier.url('/settings/tokens'), { label: 'member-tokens' });
  await checkAxe(t, member);
  await visit(t, member, levier.url('/settings/users'), { status: 403, label: 'member-forbidden' });
  await checkAxe(t, member);
});

test('keyboard: skip link first, then the login fields in order', async (t) => {
  const page = await browser.newPage();
  await visit(t, page, levier.url('/login'), { label: 'login' });
  // The e-mail field has the focus on arrival.
  assert.equal(await focused(page), 'input#email');

  const order = await tabOrderFromTop(page, 7);
  assert.equal(order[0], 'a.skip: Aller au contenu', `tab order: ${order.join(' → ')}`);
  const fields = ['input#email', 'input#password', 'button: Se connecter'].map((f) => order.indexOf(f));
  assert.ok(fields.every((i) => i > 0), `the login fields are not all reached: ${order.join(' → ')}`);
  assert.deepEqual([...fields].sort((a, b) => a - b), fields, `login fields out of order: ${order.join(' → ')}`);
  assert.equal(fields[1], fields[0] + 1, `something between e-mail and password: ${order.join(' → ')}`);
  assert.equal(fields[2], fields[1] + 1, `something between password and the button: ${order.join(' → ')}`);

  // The skip link shows when focused, and moves the focus to the content.
  const order2 = await tabOrderFromTop(page, 1);
  assert.equal(order2[0], 'a.skip: Aller au contenu');
  const box = await page.locator('a.skip').boundingBox();
  assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 0, `the focused skip link is off screen: ${JSON.stringify(box)}`);
  await screenshot(t, page, 'skip-link-focused');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'main#main');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'input#email', 'Tab after the skip link does not reach the form');

  // Signed in, the skip link is the first stop of the home page too.
  await login(page, levier.baseUrl, ACCOUNTS.member);
  const home = await tabOrderFromTop(page, 2);
  assert.deepEqual(home, ['a.skip: Aller au contenu', 'a.brand: levier Ergolis'], `home tab order: ${home.join(' → ')}`);
});

test('phone: no sideways scrolling', async (t) => {
  const page = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
  await visit(t, page, levier.url('/login'), { label: 'login' });
  await login(page, levier.baseUrl, ACCOUNTS.admin);
  for (const path of ['/', '/settings/users', '/settings/groups', '/settings/tokens', '/settings/audit']) {
    await visit(t, page, levier.url(path), { label: path === '/' ? 'home' : path });
    const { scrollWidth, innerWidth } = await pageWidths(page);
    assert.equal(innerWidth, PHONE.width);
    assert.ok(
      scrollWidth <= innerWidth,
      `${path} is ${scrollWidth} px wide on a ${innerWidth} px screen: ${(await overflowingElements(page)).join(', ')}`,
    );
  }
});
