// The first-run page (/setup): on an install without any account, it creates the administrator
// (only from the machine that hosts levier). Tests drive it only through these helpers.

/** The account a first-run test creates. */
export const FIRST_ADMIN = {
  name: 'Camille Lefèvre',
  email: 'camille.lefevre@exemple.fr',
  password: 'premier-admin-2026',
};

/** True when `page` shows the first-run form. */
export async function isSetupPage(page) {
  return new URL(page.url()).pathname === '/setup' && (await page.locator('form[action="/setup"]').count()) > 0;
}

/**
 * Fills and submits the first-run form shown in `page`, and waits until the browser has left
 * /setup (the new administrator is then logged in). Throws with the page's error otherwise.
 */
export async function submitSetup(page, { name, email, password }) {
  const form = page.locator('form[action="/setup"]');
  await form.locator('#name').fill(name);
  await form.locator('#email').fill(email);
  await form.locator('#password').fill(password);
  await Promise.all([page.waitForEvent('load'), form.locator('button[type="submit"]').click()]);
  if (new URL(page.url()).pathname === '/setup') {
    const error = page.locator('[role="alert"]');
    const message = (await error.count()) ? await error.innerText() : 'still on /setup';
    throw new Error(`first-run setup refused: ${message}`);
  }
}
