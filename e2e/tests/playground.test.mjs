// Trying the assistant before going live: an AI champion asks the demo company's assistant a
// customer's question in the playground and sees its decision, confidence, reason and
// candidates (nothing recorded), and tries e-mail triage on a pasted mail; writes a test set
// for a pilot in preparation, runs it and reads its precision and coverage with each case's
// outcome; and cannot start the pilot while the set fails, the page saying which threshold
// failed and by how much.
//
// Needs the model's weights (LEVIER_TEST_MODEL_DIR), like support.test.mjs: the assistant is
// trained on the FAQ in the background once the model is loaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier } from '../harness.mjs';
import { axeViolations, blocking, describeViolations } from '../pages/a11y.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { modelsDir, skipWithoutModel as skip } from '../pages/model.mjs';
import { login } from '../pages/login.mjs';
import { NAV, followNav, heading } from '../pages/shell.mjs';

/** A paraphrase of the demo FAQ's "Combien coûte la livraison ?", none of its phrasings. */
const DELIVERY_COST = 'Quel est le prix de la livraison ?';
const DELIVERY_ENTRY = 'Combien coûte la livraison ?';
/** A customer asking for a person: handed off whatever the FAQ knows. */
const ANGRY = "C'est inadmissible, ça fait trois semaines que j'attends ma commande, je suis furieux !";
/** The delivery question worded so that the assistant is not sure of it (support.test.mjs). */
const UNSURE = "Vous facturez combien pour m'apporter le colis ?";
/** How long the debug build may take to load the model and train the assistant. */
const TRAIN_TIMEOUT_MS = 300_000;
/** How long a run of three questions may take. */
const RUN_TIMEOUT_MS = 60_000;

// No task workers: a test set's run is started by the node that holds the assistant, and the
// demo's embedding tasks would still be running at the end, holding up the server's exit.
const levier = skip
  ? null
  : useLevier({ demo: true, env: { LEVIER_MODELS_DIR: modelsDir(), LEVIER_TASKS_WORKERS: '0' } });
const browser = skip ? null : useBrowser();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Fails on axe-core's serious or critical violations; reports the others. */
async function accessible(t, page) {
  const violations = await axeViolations(page);
  const minor = violations.filter((v) => !blocking([v]).length);
  if (minor.length) t.diagnostic(`${page.url()}: ${describeViolations(minor)}`);
  assert.deepEqual(blocking(violations).map((v) => v.id), [], `${page.url()}:\n${describeViolations(blocking(violations))}`);
}

/** Submits the form `selector` and waits for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForEvent('load'), page.locator(`${selector} button[type=submit]`).click()]);
}

/** Reloads the page until `ready()` holds, or fails after `timeout` ms saying `what`. */
async function reloadUntil(page, ready, timeout, what) {
  const deadline = Date.now() + timeout;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeout / 1000} s:\n${levier.output().slice(-3000)}`);
    await sleep(1000);
    await page.reload();
  }
}

test('a champion tries the assistant, runs a test set, and a failing set holds its pilot back', { skip, timeout: TRAIN_TIMEOUT_MS + 180_000 }, async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.champion);

  // The playground: one question, its decision and why; nothing is recorded.
  await followNav(page, NAV.fr.playground);
  assert.equal(await heading(page), "Bac à sable de l'assistant");
  const untrained = page.locator('[data-testid="trial-untrained"]');
  await reloadUntil(page, async () => (await untrained.count()) === 0, TRAIN_TIMEOUT_MS, 'the assistant was not trained');
  await page.fill('#trial-question', DELIVERY_COST);
  await submit(page, '[data-testid="playground"]');
  await screenshot(t, page, 'playground');
  await accessible(t, page);
  const outcome = page.locator('[data-testid="trial-outcome"]');
  assert.equal(await outcome.getAttribute('data-action'), 'answer_faq');
  assert.match(await page.locator('[data-testid="trial-decision"]').innerText(), /^Répond avec l'entrée de FAQ n° \d+$/);
  assert.match(await page.locator('[data-testid="trial-confidence"]').innerText(), /^\d{1,3}\.\d %$/);
  assert.notEqual((await page.locator('[data-testid="trial-why"]').innerText()).trim(), '', 'a reason is given');
  const first = page.locator('[data-testid="trial-candidates"] tbody tr').first();
  assert.equal(await first.locator('td').nth(1).innerText(), DELIVERY_ENTRY);
  const entry = (await first.locator('a').innerText()).replace('#', '');
  assert.equal(await page.locator('#trial-question').inputValue(), DELIVERY_COST, 'the question stays to be reworded');

  // A question is text, never markup.
  await page.fill('#trial-question', '<img src=x onerror=alert(1)> livraison ?');
  await submit(page, '[data-testid="playground"]');
  assert.equal(await page.locator('main img').count(), 0);

  // E-mail triage tried the same way: the demo's stored model sorts an invoice mail, says
  // where it goes and drafts nothing it may not (the demo's pilot covers the website's chat).
  await page.fill('#mail-from', 'Claire Martin <claire@client.fr>');
  await page.fill('#mail-subject', 'Facture en double');
  await page.fill('#mail-body', "Bonjour, la facture FA-2026-118 reçue ce mois-ci compte deux fois la même ligne. Pouvez-vous nous envoyer un avoir ? Merci.");
  await submit(page, '[data-testid="playground-mail"]');
  await screenshot(t, page, 'playground-mail');
  const mailOutcome = page.locator('[data-testid="mail-trial-outcome"]');
  assert.equal(await mailOutcome.getAttribute('data-verdict'), 'routed');
  assert.equal(await page.locator('[data-testid="mail-trial-category"]').innerText(), 'facturation');
  assert.match(await page.locator('[data-testid="mail-trial-confidence"]').innerText(), /^\d{1,3}\.\d %$/);
  assert.ok(await page.locator('[data-testid="mail-trial-candidates"] tbody tr').count() >= 2, 'the categories weighed');
  assert.match(await page.locator('[data-testid="mail-trial-route"]').innerText(), /^(queue|team|agent):/);

  // A pilot in preparation, and a test set that gates it: the unsure wording is expected to be
  // answered, so coverage is 1 / 2 against 100 % required.
  await page.goto(levier.url('/test-sets'));
  await page.locator('[data-testid="draft-pilot"]').evaluate((form) => form.closest('details').open = true);
  await page.fill('#pilot-name', 'Essai livraison');
  await submit(page, '[data-testid="draft-pilot"]');
  await page.fill('#set-name', 'Questions de livraison');
  await page.selectOption('#set-pilot', { label: 'Essai livraison' });
  await page.fill('#set-precision', '90');
  await page.fill('#set-coverage', '100');
  await page.fill('#set-cases', `${DELIVERY_COST} => ${entry}\n${ANGRY} => handoff\n${UNSURE} => ${entry}`);
  await submit(page, '[data-testid="test-set-new"]');
  assert.equal(await heading(page), 'Questions de livraison');
  assert.equal(await page.locator('[data-testid="test-cases"] tbody tr').count(), 3);
  assert.match(await page.locator('[data-testid="definitions"]').innerText(), /réponses correctes \/ réponses données/);

  await submit(page, '[data-testid="test-set-run"]');
  const task = page.locator('[data-testid="run-task"]');
  await reloadUntil(page, async () => (await task.getAttribute('data-status')) === 'succeeded', RUN_TIMEOUT_MS, 'the run did not finish');
  await screenshot(t, page, 'test-set');
  await accessible(t, page);
  assert.equal(await page.locator('[data-testid="run-precision"]').innerText(), '100.0 %');
  assert.equal(await page.locator('[data-testid="run-coverage"]').innerText(), '50.0 %');
  assert.match(await page.locator('[data-testid="run-verdict"]').innerText(), /échoué.*couverture 50\.0 % : 50\.0 points sous les 100\.0 % exigés/);
  const verdicts = await page.locator('[data-testid="test-cases"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.passed));
  assert.deepEqual(verdicts, ['true', 'true', 'false']);

  // The pilot's page says why it cannot start, and starting it is refused with the same words.
  await page.goto(levier.url('/pilots'));
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Essai livraison' }).click()]);
  assert.match(await page.locator('[data-testid="pilot-gate"]').innerText(), /couverture 50\.0 %/);
  await screenshot(t, page, 'pilot');
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.url().endsWith('/start')),
    submit(page, 'form[action$="/start"]'),
  ]);
  await screenshot(t, page, 'pilot-refused');
  assert.equal(response.status(), 409);
  assert.equal(await heading(page), 'Le pilote ne peut pas encore être lancé');
  assert.match(await page.locator('main').innerText(), /couverture 50\.0 % : 50\.0 points sous les 100\.0 % exigés/);
  await page.goBack();
  await page.reload();
  assert.equal(await page.locator('[data-testid="pilot-status"]').innerText(), 'En préparation');
});
