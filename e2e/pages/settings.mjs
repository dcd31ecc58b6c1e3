// The settings pages: users (/settings/users), API tokens (/settings/tokens) and the audit log
// (/settings/audit). Tests read and drive them only through these helpers.

import { escapeRegExp } from '../harness.mjs';

const submitAndLoad = (page, button) => Promise.all([page.waitForEvent('load'), button.click()]);

// --- Users -------------------------------------------------------------------------------------

/** The row of the users table for `email` (a locator; the e-mail is the second cell). */
export function userRow(page, email) {
  return page
    .locator('[data-testid="users"] tbody tr')
    .filter({ has: page.locator('td:nth-child(2)', { hasText: new RegExp(`^\\s*${escapeRegExp(email)}\\s*$`) }) });
}

/** The cells of the user's row: { name, email, role, groups, status }, as text (textContent). */
export async function readUser(page, email) {
  const row = userRow(page, email);
  await row.waitFor({ state: 'attached' });
  const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
  const [name, mail, role, groups, status] = cells;
  return { name, email: mail, role, groups, status };
}

/** The name cell of the user's row (a locator), to check how the name renders. */
export function userNameCell(page, email) {
  return userRow(page, email).locator('td').first();
}

/** Fills and submits the new-user form; resolves once the answer has loaded. */
export async function createUser(page, { name, email, role = 'member', groups = '', password }) {
  const form = page.locator('form[action="/settings/users"]');
  await form.locator('#new-name').fill(name);
  await form.locator('#new-email').fill(email);
  await form.locator('#new-role').selectOption(role);
  await form.locator('#new-groups').fill(groups);
  await form.locator('#new-password').fill(password);
  await submitAndLoad(page, form.locator('button[type="submit"]'));
}

/** Chooses `role` (admin, agent, …) in the user's row and saves; resolves once loaded. */
export async function changeRole(page, email, role) {
  const row = userRow(page, email);
  await row.locator('select[name="role"]').selectOption(role);
  await submitAndLoad(page, row.locator('button[name="action"][value="save"]'));
}

/** The value of the role select in the user's row ("member", …). */
export async function selectedRole(page, email) {
  return userRow(page, email).locator('select[name="role"]').inputValue();
}

// --- API tokens --------------------------------------------------------------------------------

/**
 * Fills and submits the new-token form; resolves with the secret the answer shows (once), or
 * throws with the form's error.
 */
export async function createToken(page, { name, role, days = '90' }) {
  const form = page.locator('form[action="/settings/tokens"]');
  await form.locator('#t-name').fill(name);
  if (role) await form.locator('#t-role').selectOption(role);
  await form.locator('#t-days').fill(String(days));
  await submitAndLoad(page, form.locator('button[type="submit"]'));
  const secret = await shownSecret(page);
  if (!secret) {
    const error = page.locator('main [role="alert"]');
    throw new Error(`token "${name}" not created: ${(await error.count()) ? await error.innerText() : 'no secret shown'}`);
  }
  return secret;
}

/** The new token's secret the page shows, or null when none is shown. */
export async function shownSecret(page) {
  const secret = page.locator('[data-testid="new-token"]');
  return (await secret.count()) ? (await secret.innerText()).trim() : null;
}

/** The rows of the tokens table named `name` (a locator). */
export function tokenRows(page, name) {
  return page
    .locator('[data-testid="tokens"] tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) });
}

/** The cells of the token's row: { name, owner, prefix, role, expires, lastUsed, state }. */
export async function readToken(page, name) {
  const row = tokenRows(page, name);
  await row.waitFor({ state: 'attached' });
  const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
  const [tokenName, owner, prefix, role, expires, lastUsed, state] = cells;
  return { name: tokenName, owner, prefix, role, expires, lastUsed, state };
}

/** Clicks the token's revoke button; resolves once the answer has loaded. */
export async function revokeToken(page, name) {
  const row = tokenRows(page, name);
  await submitAndLoad(page, row.locator('form[action$="/revoke"] button[type="submit"]'));
}

/** What the tokens table says of a revoked token, in French (tokens.revoked). */
export const REVOKED = 'révoqué';

// --- Audit log ---------------------------------------------------------------------------------

/** The entries of the audit table, newest first: [{ when, actor, action, target, details, ip }]. */
export async function auditEntries(page) {
  const table = page.locator('[data-testid="audit"]');
  if (!(await table.count())) return [];
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((tr) => {
      const [when, actor, action, target, details, ip] = [...tr.cells].map((td) => td.textContent.trim());
      return { when, actor, action, target, details, ip };
    }),
  );
}
