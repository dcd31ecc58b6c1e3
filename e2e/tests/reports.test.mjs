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
  assert.equal(await figures.count(), 16);
  assert.equal(await page.locator('[data-testid="mail-figures"] tbody tr').count(), 4, 'the mails figures');
  assert.equal(await page.locator('[data-testid="lead-figures"] tbody tr').count(), 5, 'the leads figures');
  assert.ok(await page.locator('svg[data-testid="breakdown-chart"]').count() >= 2, 'handoff reasons and mail categories as bars');
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

test("a collaborator answers the pilot's survey on their home page and the champion reads it", async (t) => {
  const member = await browser.newPage();
  await login(member, levier.baseUrl, ACCOUNTS.member);
  const card = member.locator('[data-testid="pilot-survey"]');
  assert.equal(await card.count(), 1, 'the live pilot asks its users once');
  assert.match(await card.locator('h2').innerText(), /Assistant FAQ sur le site web/);
  await screenshot(t, member, 'survey');
  await card.locator('input[name="score"][value="4"]').check();
  await card.locator('textarea').fill('Les <b>clients</b> ont leur réponse plus vite.');
  await Promise.all([member.waitForEvent('load'), card.locator('button').click()]);
  assert.equal(await member.locator('[data-testid="pilot-survey"]').count(), 0, 'answered: not asked again');

  const champion = await browser.newPage();
  await login(champion, levier.baseUrl, ACCOUNTS.champion);
  await followNav(champion, NAV.fr.pilots);
  await Promise.all([champion.waitForEvent('load'), champion.click('[data-testid="pilots"] a')]);
  const results = champion.locator('[data-testid="pilot-survey-results"]');
  assert.match(await results.innerText(), /\d+ réponses · note moyenne \d\.\d \/ 5/);
  assert.match(await results.innerText(), /4\/5 — Les <b>clients<\/b> ont leur réponse plus vite\./, 'the comment, as text');
  assert.equal(await results.locator('b').count(), 0, 'a comment is never markup');
});


test('a champion checks a figure behind the scenes and reads the pilot against its baseline', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.champion);

  // The demo's months of history: the current month has the pilot's figures.
  await followNav(page, NAV.fr.reports);
  const selfService = page.locator('tr[data-figure="self_service_assumed"] td');
  const [, value] = await selfService.allInnerTexts();
  const share = value.match(/\((\d+)\/(\d+)\)/);
  assert.ok(share, `the demo's history gives a self-service figure, got '${value}'`);
  assert.ok(Number(share[2]) > 0, 'the assistant answered conversations this month');

  await Promise.all([page.waitForEvent('load'), selfService.first().locator('a').click()]);
  await screenshot(t, page, 'drill-down');
  assert.match(await heading(page), /^Libre-service \(présumé\) — \d{4}-\d{2}$/);
  assert.equal(
    await page.locator('[data-testid="drill-summary"]').innerText(),
    `${share[2]} lignes · ${share[1]} comptées`,
    'the drill-down lists the figure\'s denominator and marks its numerator',
  );
  const lines = page.locator('[data-testid="drill"] tbody tr');
  assert.equal(await lines.count(), Number(share[2]));
  const csvHref = await page.locator('[data-testid="drill-csv"]').getAttribute('href');
  const csv = await page.request.get(new URL(csvHref, page.url()).href);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /^text\/csv/);
  const csvLines = (await csv.text()).trim().split('\n');
  assert.equal(csvLines[0], 'at,conversation_id,ticket_id,counted,detail');
  assert.equal(csvLines.length - 1, Number(share[2]), 'one CSV line per conversation');

  // Compared with the month before, and valued with the company's own assumptions.
  await page.goto(`${levier.baseUrl}/reports`);
  const month = await page.inputValue('#report-period');
  const [y, m] = month.split('-').map(Number);
  const before = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  await page.fill('#report-compare', before);
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="report-period"] button')]);
  await screenshot(t, page, 'compared');
  const compared = await page.locator('[data-testid="report-figures"] tr[data-figure="conversations"] [data-testid="compared"]').innerText();
  assert.match(compared, /^\d+$/, `last month's count beside this month's, got '${compared}'`);
  assert.match(await page.locator('[data-testid="report-figures"] tr[data-figure="conversations"] [data-testid="change"]').innerText(), /^[+-]\d+ %$|^—$/);
  const saved = await page.locator('[data-testid="value-figures"] tr[data-figure="hours_saved"] td.value').first().innerText();
  assert.match(saved, /^\d+\.\d h$/, `hours saved, got '${saved}'`);
  const gross = async () => page.locator('[data-testid="value-figures"] tr[data-figure="value_gross"] td.value').first().innerText();
  const euros = (text) => Number(text.replace(/[^\d]/g, ''));
  const atDefault = euros(await gross());
  await page.fill('#v-hour', '70');
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="value-inputs"] button')]);
  const doubled = euros(await gross());
  assert.ok(Math.abs(doubled - 2 * atDefault) <= 1, `twice the hourly cost, twice the value: ${atDefault} → ${doubled}`);
  const byUseCase = page.locator('svg[aria-label="Minutes gagnées par cas d\'usage"]');
  assert.equal(await byUseCase.count(), 1, 'the time saved, use case by use case');
  assert.match(await byUseCase.textContent(), /Tri des e-mails/);
  // One team's figures: the customer service's tickets only, fewer than everyone's.
  const conversationsNow = async () => Number(await page.locator('[data-testid="report-figures"] tr[data-figure="conversations"] td.value').first().innerText());
  const everyone = await conversationsNow();
  await page.selectOption('#report-team', 'Service client');
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="report-period"] button')]);
  await screenshot(t, page, 'team');
  const team = await conversationsNow();
  assert.ok(team > 0 && team < everyone, `the customer service's conversations (${team}) are some of all (${everyone})`);
  assert.match(await page.locator('tr[data-figure="conversations"] a').first().getAttribute('href'), /team=Service(\+|%20)client/, 'the drill-down keeps the team');
  await page.selectOption('#report-team', '');
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="report-period"] button')]);
  await page.fill('#v-people', '0');
  await page.locator('#v-people').evaluate((el) => el.removeAttribute('min'));
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="value-inputs"] button')]);
  assert.match(await page.locator('p.error[role="alert"]').innerText(), /effectif au moins 1/);

  // The teams' feedback: the champion leads the demo's pilot, which covers every team.
  await followNav(page, NAV.fr.feedback);
  await screenshot(t, page, 'feedback');
  assert.equal(await heading(page), 'Retours des équipes');
  assert.match(await page.locator('[data-testid="feedback-scope"]').innerText(), /^Toutes les équipes · \d+ \/ \d+ jugées utiles$/);
  assert.ok(await page.locator('[data-testid="feedback-ratings"] tbody tr').count() > 0, 'employees rated answers');
  assert.ok(await page.locator('[data-testid="feedback-wrong"] tbody tr').count() > 0, 'agents marked answers wrong');

  await followNav(page, NAV.fr.pilots);
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="pilots"] a')]);
  await screenshot(t, page, 'pilot');
  assert.equal(await heading(page), 'Assistant FAQ sur le site web');
  assert.equal(await page.locator('[data-testid="pilot-status"]').innerText(), 'En cours');
  const response = page.locator('[data-testid="pilot-progress"] tr[data-figure="first_response"]');
  const baseline = await response.locator('[data-testid="baseline"]').innerText();
  const current = await response.locator('[data-testid="current"]').innerText();
  assert.match(baseline, /^\d+(\.\d)? (min|h|j)$/, `a measured baseline, got '${baseline}'`);
  assert.match(current, /^\d+(\.\d)? (min|h|j) \(p90 /, `the pilot's value, got '${current}'`);
  assert.match(await response.innerText(), /≤ −30 % par rapport à la référence/);
  assert.match(await page.locator('[data-testid="pilot-targets"]').innerText(), /^Objectifs atteints : \d \/ 4$/);
  assert.ok(await page.locator('svg[data-testid="report-chart"] rect.bar-conversations').count() >= 20, 'a bar per week since the baseline began');

  // The pilot's report as a PDF, printed on the server by headless Chromium (its pages are
  // checked as images by the CLI's report tests).
  const pdfHref = await page.locator('[data-testid="pilot-pdf"]').getAttribute('href');
  const pdf = await page.request.get(new URL(pdfHref, page.url()).href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  const bytes = await pdf.body();
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.length > 20_000, `a report with its chart, got ${bytes.length} bytes`);

  await page.selectOption('#decision', 'extend');
  await page.fill('#note', 'Objectifs tenus : on étend au SAV.');
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="pilot-close"] button')]);
  assert.equal(await page.locator('[data-testid="pilot-status"]').innerText(), 'Clos');
  assert.match(await page.locator('[data-testid="pilot-decision"]').innerText(), /Étendre — Objectifs tenus : on étend au SAV\./);
});
