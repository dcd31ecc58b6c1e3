// The login page (/login). Tests sign in only through these helpers, so a change of the form
// needs adapting here only.
import { DEMO_PASSWORD } from './demo.mjs';

/** True when `page` shows the login form. */
export async function isLoginPage(page) {
  return new URL(page.url()).pathname === '/login' && (await page.locator('form[action="/login"]').count()) > 0;
}

/**
 * Fills and submits the login form already shown in `page`, and waits until the browser has
 * left /login. Throws with the page's error message when the login is refused.
 */
export async function submitLogin(page, { email, password = DEMO_PASSWORD }) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForLoadState('load'),
    page.locator('form[action="/login"] button[type="submit"]').click(),
  ]);
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 5_000 }).catch(async () => {
    const error = page.locator('[data-testid="login-error"]');
    const message = (await error.count()) ? await error.innerText() : 'still on /login';
    throw new Error(`login as ${email} refused: ${message}`);
  });
}

/** Opens /login on `baseUrl`, signs in as `account` ({ email, password? }). */
export async function login(page, baseUrl, account) {
  await page.goto(new URL('/login', baseUrl).href);
  await submitLogin(page, account);
}
