// The Leads page ("Prospects") on the demo company: an agent sees the demo's leads, normalised
// and scored at load, ranked by the model learnt from the demo's won/lost history, each with its
// tier and the reasons of its score; filters by tier; marks a lead won; imports the demo's CSV
// again from the page (every lead already known, reported) saving its column mapping, which the
// form then offers; merges a suggested duplicate, dismisses another (it does not come back);
// asks for a retraining.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, screenshot, useBrowser, useLevier } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { NAV, flashMessage, followNav, heading } from '../pages/shell.mjs';

// No task workers: the demo's embedding tasks are not needed here and would slow the machine.
const levier = useLevier({ demo: true, env: { LEVIER_TASKS_WORKERS: '0' } });
const browser = useBrowser();

const rows = (page) => page.locator('[data-testid="lead-row"]');

/** Each listed lead's chance as a number ("74 %" → 74). */
async function chances(page) {
  const texts = await page.locator('[data-testid="lead-probability"]').allInnerTexts();
  return texts.map((t) => Number(t.replace(/[^\d]/g, '')));
}

async function submit(page, button) {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

test('an agent reads the ranked leads with their reasons, filters, wins one and merges a duplicate', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.agent);

  await followNav(page, NAV.fr.leads);
  await screenshot(t, page, 'ranked');
  assert.equal(await heading(page), 'Prospects');
  assert.match(
    await page.locator('[data-testid="leads-ranking"]').innerText(),
    /Classement par le modèle model-\d+/,
    'the demo has enough won and lost leads for a learnt model',
  );
  assert.ok((await rows(page).count()) > 300, 'the demo loads its 338 leads');
  const all = await chances(page);
  assert.deepEqual(all, [...all].sort((a, b) => b - a), 'best chance first');
  const tiers = await page.locator('[data-testid="lead-tier"]').allInnerTexts();
  assert.equal(tiers[0], 'A', 'the best lead is tier A');
  assert.ok(tiers.every((x) => ['A', 'B', 'C', 'D'].includes(x)), 'every lead has a tier');
  const reasons = await rows(page).first().locator('[data-testid="lead-factors"] li').allInnerTexts();
  assert.ok(reasons.length >= 1, 'the best lead says why');
  assert.match(reasons[0], /^[▲▼] .+ : .+/, `a reason in words, got '${reasons[0]}'`);

  await page.selectOption('#leads-tier', 'B');
  await submit(page, page.locator('[data-testid="leads-filters"] button'));
  await screenshot(t, page, 'tier-b');
  const onlyB = await page.locator('[data-testid="lead-tier"]').allInnerTexts();
  assert.ok(onlyB.length > 0 && onlyB.every((x) => x === 'B'), 'only tier B');

  const open = page.locator('[data-testid="lead-row"][data-status="open"]').first();
  const id = await open.getAttribute('data-lead');
  await submit(page, open.locator('[data-testid="lead-won"]'));
  assert.equal(await flashMessage(page), 'Prospect noté comme gagné.');
  assert.match(page.url(), /tier=B/, 'the filter is kept');
  const wonRow = page.locator(`[data-testid="lead-row"][data-lead="${id}"]`);
  assert.equal(await wonRow.getAttribute('data-status'), 'won');
  assert.equal(await wonRow.locator('[data-testid="lead-status"]').innerText(), 'Gagné');

  // The demo's export imported again from the page: nothing is duplicated, and it is said.
  await followNav(page, NAV.fr.leads);
  await page.setInputFiles('#leads-file', join(REPO_ROOT, 'demo', 'leads.csv'));
  await page.fill('#leads-save-mapping', 'Export CRM');
  await submit(page, page.locator('[data-testid="leads-import"] button'));
  await screenshot(t, page, 'import');
  assert.match(
    await page.locator('[data-testid="leads-import-report"]').innerText(),
    /338 lignes lues : 0 prospects importés, 338 déjà connus, 0 lignes refusées/,
  );
  const report = await page.locator('[data-testid="leads-import-report"]').innerText();
  assert.doesNotMatch(report, /telephone: value refused/, 'the demo phone numbers are all valid');
  assert.deepEqual(
    await page.locator('#leads-mapping option').allInnerTexts(),
    ['Deviner d\'après les en-têtes', 'Export CRM'],
    'the saved mapping is offered for the next import',
  );

  const duplicates = page.locator('[data-testid="lead-duplicate"]');
  assert.ok((await duplicates.count()) >= 1, 'the demo has duplicates');
  const suggestion = duplicates.first();
  assert.match(await suggestion.innerText(), /même e-mail|même téléphone|même SIRET|très proches/);
  const before = await rows(page).count();
  await submit(page, suggestion.locator('[data-testid="lead-merge"]'));
  await screenshot(t, page, 'merged');
  assert.match(await flashMessage(page), /^Doublons fusionnés/);
  assert.equal(await rows(page).count(), before - 1, 'the merged lead leaves the list');

  const pair = async (d) =>
    (await d.locator('input[name="merge"]').first().getAttribute('value')) +
    (await d.locator('form').first().getAttribute('action'));
  const dismissed = await pair(duplicates.first());
  await submit(page, duplicates.first().locator('[data-testid="lead-dismiss"]'));
  await screenshot(t, page, 'dismissed');
  assert.match(await flashMessage(page), /^Suggestion écartée/);
  const shown = [];
  for (const d of await duplicates.all()) shown.push(await pair(d));
  assert.ok(!shown.includes(dismissed), 'the dismissed pair is not suggested again');

  await submit(page, page.locator('[data-testid="leads-train"] button'));
  assert.match(await flashMessage(page), /^Réentraînement demandé/);
});

test('a member is not offered the leads and is refused them', async () => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.member);
  assert.equal(await page.locator('header nav').getByRole('link', { name: NAV.fr.leads }).count(), 0);
  const response = await page.goto(new URL('/leads', levier.baseUrl).href);
  assert.equal(response.status(), 403);
});
