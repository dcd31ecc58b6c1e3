// An administrator's changes reach the audit log: creating a user (whose name is hostile HTML,
// shown as plain text) and changing a role.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { auditEntries, changeRole, createUser, readUser, selectedRole, userNameCell } from '../pages/settings.mjs';
import { ROLE_LABELS, flashMessage, formError } from '../pages/shell.mjs';

const levier = useLevier({ demo: true });
const browser = useBrowser();

const HOSTILE_NAME = '<script>alert(1)</script>';

test('user creation and role change are audited', async (t) => {
  const page = await browser.newPage();
  // No page may open a dialog: the hostile name must never run.
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  // Nor may the browser report a script error or a blocked script (CSP). (Error statuses are
  // logged too: the refused self-demotion answers 400, /favicon.ico 404.)
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(msg.text());
  });

  const admin = ACCOUNTS.admin;
  const newcomer = { name: HOSTILE_NAME, email: 'nouvelle.recrue@ergolis.fr', role: 'member', groups: 'personnel', password: 'bienvenue-2026' };
  await login(page, levier.baseUrl, admin);
  await visit(t, page, levier.url('/settings/users'), { label: 'users' });

  await createUser(page, newcomer);
  await screenshot(t, page, 'created');
  assert.equal(await formError(page), null);
  assert.equal(await flashMessage(page), 'Utilisateur créé.');
  const cell = userNameCell(page, newcomer.email);
  assert.equal(await cell.evaluate((td) => td.textContent), HOSTILE_NAME);
  assert.equal(await cell.locator('script').count(), 0, 'the name became a <script> element');
  const created = await readUser(page, newcomer.email);
  assert.equal(created.role, ROLE_LABELS.member);
  assert.equal(created.groups, 'personnel');

  await changeRole(page, newcomer.email, 'agent');
  await screenshot(t, page, 'role-changed');
  assert.equal(await flashMessage(page), 'Utilisateur modifié.');
  assert.equal((await readUser(page, newcomer.email)).role, ROLE_LABELS.agent);
  assert.equal(await selectedRole(page, newcomer.email), 'agent');

  // An administrator cannot demote themselves (an install always keeps one).
  await changeRole(page, admin.email, 'member');
  await screenshot(t, page, 'self-demotion-refused');
  assert.notEqual(await formError(page), null, 'no error for an admin demoting themselves');
  assert.equal((await readUser(page, admin.email)).role, ROLE_LABELS.admin);

  await visit(t, page, levier.url('/settings/audit'), { label: 'audit' });
  const entries = await auditEntries(page);
  const create = entries.find((e) => e.action === 'user.create' && e.details.includes(newcomer.email));
  assert.ok(create, `no user.create entry for ${newcomer.email}:\n${JSON.stringify(entries.slice(0, 5), null, 1)}`);
  assert.equal(create.actor, admin.email);
  assert.match(create.target, /^user:\d+$/);
  assert.equal(create.ip, '127.0.0.1');
  const update = entries.find((e) => e.action === 'user.update' && e.target === create.target);
  assert.ok(update, `no user.update entry for ${create.target}:\n${JSON.stringify(entries.slice(0, 5), null, 1)}`);
  assert.equal(update.actor, admin.email);
  assert.match(update.details, /agent/);
  // Newest first.
  assert.ok(entries.indexOf(update) < entries.indexOf(create), 'the audit log is not newest first');

  assert.deepEqual(dialogs, [], 'a dialog opened');
  assert.deepEqual(problems, [], 'the browser reported errors');
});
