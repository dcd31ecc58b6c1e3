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

/** What the login page says after wrong credentials, per language (locales/*.ftl: login.error). */
export const LOGIN_ERROR = {
  fr: 'Adresse e-mail ou mot de passe incorrect.',
  en: 'Wrong e-mail address or password.',
};

/** The login page's texts that tell its language (login.title, login.submit). */
export const LOGIN_TEXTS = {
  fr: { title: 'Connexion', submit: 'Se connecter', email: 'Adresse e-mail' },
  en: { title: 'Log in', submit: 'Log in', email: 'E-mail address' },
};

/**
 * Fills and submits the login form shown in `page` without expecting success; resolves with the
 * answer's status once it has loaded (a refused login answers 401 and shows the form again).
 */
export async function attemptLogin(page, { email, password = DEMO_PASSWORD }) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.locator('form[action="/login"] button[type="submit"]').click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

/** The error message the login page shows, or null. */
export async function loginError(page) {
  const error = page.locator('[data-testid="login-error"]');
  return (await error.count()) ? (await error.innerText()).trim() : null;
}

/** The texts of the login form: { title, submit, email } (heading, button, e-mail label). */
export async function loginTexts(page) {
  const form = page.locator('form[action="/login"]');
  return {
    title: (await page.locator('h1').first().innerText()).trim(),
    submit: (await form.locator('button[type="submit"]').innerText()).trim(),
    email: (await form.locator('label[for="email"]').innerText()).trim(),
  };
}
