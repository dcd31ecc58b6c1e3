// The measuring pages: an AI champion opens the use-case inventory from the navigation and sees
// the demo's twelve use cases ranked, each a numbered dot of the impact × feasibility matrix;
// then the Reports page, whose figures carry their definitions, with its chart; a period that
// does not exist is explained.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { NAV, followNav, heading } from '../pages/shell.mjs';

// No task workers: the demo's embedding tasks are not needed here and would slow the machine.
const levier = useLevier({ demo: true, env: { LEVIER_TASKS_WORKERS: '0' } });
const browser = useBrowser();

test('a champion reads the ranked use cases and the support figures', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.champion);

  await followNav(page, NAV.fr.useCases);
  await screenshot(t, page, 'use-cases');
  assert.equal(await heading(page), "Cas d'usage");
  const rows = page.locator('[data-testid="use-cases"] tbody tr');
  assert.equal(await rows.count(), 12, 'the demo lists twelve use cases');
  const first = await rows.first().locator('td').allInnerTexts();
  assert.equal(first[1], 'Assistant FAQ pour le service client');
  assert.equal(first[4], '25', 'impact 5 × feasibility 5');
  assert.equal(first[7], 'Gain rapide : à lancer');
  const dots = page.locator('[data-testid="use-case-matrix"] circle');
  assert.equal(await dots.count(), 12, 'one dot per use case');
  const priorities = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[4].textContent))));
  assert.deepEqual(priorities, [...priorities].sort((a, b) => b - a), 'ranked by priority');

  await followNav(page, NAV.fr.reports);
  await screenshot(t, page, 'reports');
  assert.equal(await heading(page), 'Rapports');
  const figures = page.locator('[data-testid="report-figures"] tbody tr');
  assert.equal(await figures.count(), 15);
  const conversations = await page.locator('tr[data-figure="conversations"] td').allInnerTexts();
  assert.equal(conversations[0], 'Conversations');
  assert.match(conversations[1], /^\d+$/);
  assert.match(conversations[2], /premier message client/);
  assert.ok(await page.locator('[data-testid="report-chart"] rect.bar-conversations').count() >= 28, 'a bar per day of the month');

  await page.fill('#report-period', '2026-13');
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="report-period"] button')]);
  await screenshot(t, page, 'bad-period');
  assert.match(await page.locator('p.error[role="alert"]').innerText(), /'2026-13' is not a period/);
});
