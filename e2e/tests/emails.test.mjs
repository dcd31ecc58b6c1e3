// The Emails page: an agent opens it from the navigation and sees the demo company's mailbox
// sorted by category (with the "to review" section), corrects a mail's category in one click
// and sees the new category and route; a hostile HTML mail imported with `levier triage
// import` while the server runs is shown as text, never as markup; with the model's weights
// (LEVIER_TEST_MODEL_DIR), a reply is drafted from the FAQ with its source.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { levierBin, screenshot, useBrowser, useLevier } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { modelsDir, skipWithoutModel } from '../pages/model.mjs';
import { NAV, followNav, heading } from '../pages/shell.mjs';

// No task workers: the demo's embedding tasks are not needed here and would slow the machine.
// The model, when there is one, lets the support assistant train on the FAQ (drafted replies).
const models = skipWithoutModel ? {} : { LEVIER_MODELS_DIR: modelsDir() };
const levier = useLevier({ demo: true, env: { LEVIER_TASKS_WORKERS: '0', ...models } });
const browser = useBrowser();

const HOSTILE = [
  'From: Mallory <mallory@exemple.fr>',
  'To: contact@ergolis.fr',
  'Subject: <img src=x onerror="window.__pwned=1"> Commande urgente',
  'Message-ID: <hostile-e2e@exemple.fr>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour, <script>window.__pwned=1</script> ma commande <b>42</b> est introuvable.',
  '',
].join('\r\n');

/** A customer asking what the FAQ's "Combien coûte la livraison ?" answers. */
const DELIVERY_COST = [
  'From: Paul Girard <paul.girard@exemple.fr>',
  'To: contact@ergolis.fr',
  'Subject: Frais de port',
  'Message-ID: <delivery-cost-e2e@exemple.fr>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour, quel est le prix de la livraison ? Merci.',
  '',
].join('\r\n');

/** The log line of each training of the support assistant (crates/levier-cli/src/assistant.rs). */
const TRAINED = /support assistant trained on the FAQ/;

/** Imports one mail into the running demo's data directory, as an admin would. */
function importMail(raw) {
  const dir = mkdtempSync(join(tmpdir(), 'levier-mail-'));
  const file = join(dir, 'mail.eml');
  writeFileSync(file, raw);
  const out = spawnSync(levierBin(), ['triage', 'import', '--data-dir', levier.dataDir, file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
  });
  assert.equal(out.status, 0, `levier triage import failed:\n${out.stdout}\n${out.stderr}`);
  assert.match(out.stdout, /1 new/);
}

test('an agent sees the mails by category and corrects one in one click', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.agent);
  await followNav(page, NAV.fr.emails);
  await screenshot(t, page, 'emails');
  assert.equal(await heading(page), 'E-mails');

  const groups = page.locator('[data-testid="email-categories"] a[data-category]');
  const names = await groups.evaluateAll((as) => as.map((a) => a.dataset.category));
  for (const c of ['commande', 'livraison', 'facturation', 'technique']) {
    assert.ok(names.includes(c), `the demo has '${c}' mails: ${names}`);
  }
  assert.ok(await page.locator('[data-testid="to-review"] h2').count(), 'the "to review" section');

  // The livraison group lists only livraison mails, each with its confidence and ticket.
  await Promise.all([page.waitForEvent('load'), groups.filter({ hasText: 'livraison' }).first().click()]);
  const rows = page.locator('[data-testid="mails"] tbody tr');
  assert.ok((await rows.count()) > 5, 'several delivery mails');
  const categories = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.category));
  assert.deepEqual([...new Set(categories)], ['livraison']);
  const first = rows.first();
  assert.match(await first.locator('td').nth(3).innerText(), /^\d+ %$/);
  assert.match(await first.locator('td').nth(5).innerText(), /^#\d+$/, 'routed into a ticket');

  // One click: choose "facturation" and correct; the mail leaves the livraison group.
  const id = await first.getAttribute('data-mail');
  await first.locator('select').selectOption('facturation');
  await Promise.all([page.waitForEvent('load'), first.getByRole('button', { name: 'Corriger' }).click()]);
  await screenshot(t, page, 'corrected');
  assert.match(await page.locator('[role="status"], .flash').first().innerText(), /Catégorie corrigée/);
  assert.equal(await page.locator(`tr[data-mail="${id}"]`).count(), 0, 'no longer in livraison');

  await page.goto(levier.url(`/emails/${id}`));
  assert.match(await page.locator('dd[data-testid="category"]').innerText(), /^facturation/);
  assert.match(await page.locator('section.card', { hasText: 'Corrections' }).innerText(), /livraison → facturation/);
  // A reply is suggested from the knowledge, or the page says why there is none.
  assert.equal(await page.locator('[data-testid="suggestion"] h2').innerText(), 'Réponse suggérée');
});

test('a hostile HTML mail is shown as text', async (t) => {
  importMail(HOSTILE);
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.agent);
  await followNav(page, NAV.fr.emails);
  const link = page.getByRole('link', { name: /onerror/ });
  assert.equal(await link.count(), 1, 'the hostile subject is listed, as text');
  await Promise.all([page.waitForEvent('load'), link.click()]);
  await screenshot(t, page, 'hostile');
  assert.match(await heading(page), /<img src=x onerror="window.__pwned=1"> Commande urgente/);
  assert.match(await page.locator('[data-testid="mail-body"]').innerText(), /<script>window.__pwned=1<\/script>/);
  assert.equal(await page.locator('main img, main script, main b').count(), 0, 'no markup from the mail');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('a reply is drafted from the FAQ with its source', { skip: skipWithoutModel }, async (t) => {
  const deadline = Date.now() + 300_000;
  while (!TRAINED.test(levier.output())) {
    assert.ok(Date.now() < deadline, `the assistant was not trained:\n${levier.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  importMail(DELIVERY_COST);
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.agent);
  await followNav(page, NAV.fr.emails);
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Frais de port' }).click()]);
  await screenshot(t, page, 'suggestion');
  const suggestion = page.locator('[data-testid="suggestion"]');
  assert.match(await suggestion.locator('[data-testid="draft"]').innerText(), /5,90 €/);
  assert.match(await suggestion.innerText(), /FAQ : Combien coûte la livraison \?/);
});
