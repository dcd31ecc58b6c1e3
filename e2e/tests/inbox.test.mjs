// The agents' inbox, live, on the demo company with the real model: an agent watching the inbox
// sees a customer's request arrive without touching the page, takes the ticket, marks the
// assistant's answer wrong, and sees the customer's next messages appear on the ticket page
// without a reload, their HTML shown as text; the agent marks it as outside the FAQ, and the
// assistant learns it (it trains again).
//
// Needs the model's weights (LEVIER_TEST_MODEL_DIR), like support.test.mjs: only the real
// assistant answers a question, and an answer is what the agent judges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { login } from '../pages/login.mjs';
import { modelsDir, skipWithoutModel as skip } from '../pages/model.mjs';
import { ask, latest, widget } from '../pages/widget.mjs';

/** A demo FAQ question the assistant answers ("Combien coûte la livraison ?"). */
const DELIVERY_COST = 'Quel est le prix de la livraison ?';
/** The log line of each training of the assistant (crates/levier-cli/src/assistant.rs). */
const TRAINED = /support assistant trained on the FAQ/;
/** How long the debug build may take to load the model and train the assistant. */
const TRAIN_TIMEOUT_MS = 300_000;
/** What the ticket page says (locales/fr.ftl: inbox.*, ticket.*). */
const FR = {
  humanRequest: 'A demandé un conseiller',
  take: 'Je la prends',
  assigned: 'Attribution enregistrée.',
  wrong: 'Fausse',
  judged: 'Avis enregistré.',
  outOfScope: "Exemple hors FAQ enregistré : l'assistant passera la main sur ce genre de question.",
};

const levier = skip
  ? null
  : useLevier({ demo: true, env: { LEVIER_MODELS_DIR: modelsDir(), LEVIER_TASKS_WORKERS: '0' } });
const browser = skip ? null : useBrowser();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the server has trained the assistant once. */
async function trained() {
  const deadline = Date.now() + TRAIN_TIMEOUT_MS;
  while (!TRAINED.test(levier.output())) {
    if (Date.now() > deadline) throw new Error(`the assistant was not trained in time:\n${levier.output().slice(-3000)}`);
    await sleep(500);
  }
}

/** How many times the server has trained the assistant. */
const trainings = () => (levier.output().match(new RegExp(TRAINED.source, 'g')) ?? []).length;

/** Marks the page's document, to tell later whether it was reloaded. */
const mark = (page) => page.evaluate(() => (window.levierTestMark = true));
const marked = (page) => page.evaluate(() => window.levierTestMark === true);

/** Clicks a form's button and waits for the page it leads to. */
async function submit(page, button) {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

test('an agent sees a request arrive live, takes it, judges the answer, and follows the customer live', { skip, timeout: TRAIN_TIMEOUT_MS + 120_000 }, async (t) => {
  await levier.ready();
  await trained();
  const agent = await browser.newPage();
  await login(agent, levier.baseUrl, ACCOUNTS.agent);
  await visit(t, agent, levier.url('/inbox'), { label: 'inbox-before' });

  // The customer's question is answered; asking for a person opens a ticket, which the
  // inbox shows by itself (it reloads on the news, nobody typing).
  const customer = await browser.newPage();
  await visit(t, customer, levier.url('/demo/site'), { label: 'customer' });
  const before = await ask(customer, DELIVERY_COST);
  await latest(customer, 'bot', { after: before });
  const w = widget(customer);
  await w.person.click();
  await w.state.filter({ hasText: w.t.waiting }).waitFor();
  const row = agent.locator('[data-testid=inbox] tbody tr').filter({ hasText: FR.humanRequest }).filter({ hasText: DELIVERY_COST });
  await row.waitFor({ timeout: 15_000 });
  await screenshot(t, agent, 'inbox-live');

  await submit(agent, row.getByRole('link'));
  await submit(agent, agent.getByRole('button', { name: FR.take }));
  assert.equal((await agent.locator('.flash').innerText()).trim(), FR.assigned);
  assert.equal((await agent.locator('[data-testid=assignee]').innerText()).trim(), ACCOUNTS.agent.name);

  const verdict = agent.locator('[data-testid=verdict]');
  assert.equal(await verdict.count(), 1, 'one answer of the assistant to judge');
  await submit(agent, verdict.getByRole('button', { name: FR.wrong }));
  assert.equal((await agent.locator('.flash').innerText()).trim(), FR.judged);
  assert.match(await agent.locator('[data-testid=verdicts]').innerText(), new RegExp(`${FR.wrong} — ${ACCOUNTS.agent.name}`));
  assert.equal(await verdict.getByRole('button', { name: FR.wrong }).getAttribute('aria-pressed'), 'true');

  // The customer writes again: the message appears on the open ticket page, not reloaded,
  // its markup shown as text.
  await mark(agent);
  const hostile = 'Toujours là ? <img src=x onerror="window.levierPwned=1"> <b>merci</b>';
  await ask(customer, hostile);
  const arrived = agent.locator('[data-testid=messages] li.customer').filter({ hasText: 'Toujours là ?' });
  await arrived.waitFor({ timeout: 15_000 });
  assert.equal((await arrived.locator('.body').innerText()).trim(), hostile);
  assert.equal(await arrived.locator('img, b').count(), 0, 'customer text is never markup');
  assert.equal(await agent.evaluate(() => window.levierPwned), undefined);
  assert.ok(await marked(agent), 'the message arrived without a reload');
  await screenshot(t, agent, 'ticket-live');

  // Not an FAQ question: the agent says so in one click, and the assistant learns it.
  const learnt = trainings();
  await agent.reload();
  const message = agent.locator('[data-testid=messages] li.customer').filter({ hasText: 'Toujours là ?' });
  await submit(agent, message.locator('[data-testid=out-of-scope]').getByRole('button'));
  assert.equal((await agent.locator('.flash').innerText()).trim(), FR.outOfScope);
  const deadline = Date.now() + TRAIN_TIMEOUT_MS;
  while (trainings() <= learnt) {
    if (Date.now() > deadline) throw new Error(`the assistant did not train again:\n${levier.output().slice(-3000)}`);
    await sleep(500);
  }
});
