// Generated answers end to end with the real local model (llama.cpp's server and the 0.5B Qwen
// GGUF of scripts/fetch-llm): on the demo company's page, a customer's question in the widget is
// answered by the model, streamed as it is written (a draft bubble grows), checked, and shown
// with its source, an FAQ entry of the demo; the customer is told an AI wrote it; the agent
// sees on the ticket which model wrote it. On the internal search page, an employee's question
// gets an answer written by the model from a passage of a document they may read, streamed as
// it is written, with its citation linked to that document.
//
// Needs the embedding model (LEVIER_TEST_MODEL_DIR: the assistant is trained on the FAQ) and the
// local LLM (e2e/pages/llm.mjs); skipped loudly without them, failing under CI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeRegExp, screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { LLM_MODEL, llmConfig, skipWithoutLlm, startLlm } from '../pages/llm.mjs';
import { login } from '../pages/login.mjs';
import { modelsDir, skipWithoutModel } from '../pages/model.mjs';
import { ask, latest, widget } from '../pages/widget.mjs';

const skip = skipWithoutModel || skipWithoutLlm;
/** Questions of the demo FAQ (demo/faq.csv) with their entry: the first one the 0.5B model
 * answers in a way that passes the checks is the one followed to the inbox. */
const QUESTIONS = [
  ['Quels sont les délais de livraison ?', 'Quels sont les délais de livraison ?'],
  ['Combien coûte la livraison ?', 'Combien coûte la livraison ?'],
  ['Comment suivre ma commande ?', 'Comment suivre ma commande ?'],
];
/** Questions an employee (Élodie Garnier reads "personnel" and "commercial") asks the search
 * page, answered by the HR and expense notes; the first answer that passes the checks is
 * followed. */
const SEARCHES = [
  'Combien de jours de congés payés par an ?',
  'Combien de jours de RTT pour les salariés non cadres ?',
  "Quel est le plafond d'un repas d'affaires en note de frais ?",
];
const TRAINED = /support assistant trained on the FAQ/;
const TRAIN_TIMEOUT_MS = 300_000;
/** One answer from the model on a busy two-core machine. */
const ANSWER_TIMEOUT_MS = 200_000;

const config = skip ? null : llmConfig(await startLlm());
const levier = skip
  ? null
  : useLevier({ demo: true, args: ['--config', config], env: { LEVIER_MODELS_DIR: modelsDir(), LEVIER_TASKS_WORKERS: '0' } });
const browser = skip ? null : useBrowser();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function trained() {
  const deadline = Date.now() + TRAIN_TIMEOUT_MS;
  while (!TRAINED.test(levier.output())) {
    if (Date.now() > deadline) throw new Error(`the assistant was not trained:\n${levier.output().slice(-3000)}`);
    await sleep(500);
  }
}

/** Records in the page every text the widget's draft bubble shows (the answer being written). */
async function watchDrafts(page) {
  await page.evaluate(() => {
    window.__drafts = [];
    const root = document.querySelector('[data-levier-widget]').shadowRoot;
    new MutationObserver(() => {
      const p = root.querySelector('li.draft p');
      if (p && p.textContent && window.__drafts.at(-1) !== p.textContent) window.__drafts.push(p.textContent);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
}

test('a question in the widget gets a streamed, cited answer written by the local model', { skip, timeout: TRAIN_TIMEOUT_MS + 4 * ANSWER_TIMEOUT_MS }, async (t) => {
  await levier.ready();
  await trained();
  const tried = [];
  for (const [question, entry] of QUESTIONS) {
    const page = await browser.newPage();
    await visit(t, page, levier.url('/demo/site'), { label: `asked-${tried.length}` });
    const w = widget(page);
    await w.launcher.click();
    await watchDrafts(page);
    const before = await ask(page, question);
    const text = await latest(page, 'bot', { after: before, timeout: ANSWER_TIMEOUT_MS });
    const last = w.messages('bot').last();
    const drafts = await page.evaluate(() => window.__drafts);
    const generated = last.locator('.generated');
    tried.push({ question, text, drafts: drafts.length, generated: await generated.count() });
    if (!(await generated.count())) continue;

    assert.match(await generated.innerText(), new RegExp(escapeRegExp(LLM_MODEL)));
    assert.ok(drafts.length >= 1, `the answer was shown while it was written: ${JSON.stringify(drafts)}`);
    assert.doesNotMatch(text, /\[P\d/, 'passage references become the source line');
    const source = (await last.locator('.source').innerText()).trim();
    assert.equal(source, `${w.t.source} ${entry}`, 'the source is the FAQ entry the answer is written from');
    await screenshot(t, page, 'generated');

    // The agent sees, on the ticket, which model wrote the answer.
    await w.person.click();
    await w.state.filter({ hasText: w.t.waiting }).waitFor();
    const agent = await browser.newPage();
    await login(agent, levier.baseUrl, ACCOUNTS.agent);
    await visit(t, agent, levier.url('/inbox'), { label: 'inbox' });
    const row = agent.locator('[data-testid=inbox] tbody tr').filter({ hasText: question });
    await Promise.all([agent.waitForEvent('load'), row.first().getByRole('link').click()]);
    const mark = agent.locator('[data-testid=generated]');
    assert.match(await mark.first().innerText(), new RegExp(escapeRegExp(LLM_MODEL)));
    await screenshot(t, agent, 'ticket');
    return;
  }
  assert.fail(`no generated answer passed the checks: ${JSON.stringify(tried, null, 2)}`);
});

/** Records in the page every text the search page's generated answer shows while it is written
 * (installed before the page's script opens the stream). */
async function watchSearchDrafts(page) {
  await page.addInitScript(() => {
    window.__drafts = [];
    document.addEventListener('DOMContentLoaded', () => {
      const box = document.querySelector('[data-generate]');
      const text = box?.querySelector('.generated-text');
      if (!text) return;
      new MutationObserver(() => {
        if (!box.dataset.state && text.textContent && window.__drafts.at(-1) !== text.textContent) window.__drafts.push(text.textContent);
      }).observe(text, { subtree: true, childList: true, characterData: true });
    });
  });
}

test('an employee\'s search gets a streamed answer from the local model, citing a document they may read', { skip, timeout: SEARCHES.length * ANSWER_TIMEOUT_MS + 60_000 }, async (t) => {
  await levier.ready();
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.member);
  await watchSearchDrafts(page);
  const tried = [];
  for (const q of SEARCHES) {
    await visit(t, page, levier.url(`/search?q=${encodeURIComponent(q)}`), { label: `search-${tried.length}` });
    const box = page.locator('[data-testid=generated-answer]');
    if (!(await box.count())) {
      tried.push({ q, state: 'no extractive answer, no generated one offered' });
      continue;
    }
    await page.locator('[data-testid=generated-answer][data-state]').waitFor({ state: 'attached', timeout: ANSWER_TIMEOUT_MS });
    const state = await box.getAttribute('data-state');
    const reason = await box.getAttribute('data-reason');
    const drafts = await page.evaluate(() => window.__drafts);
    tried.push({ q, state, reason, drafts: drafts.length, last: drafts.at(-1) });
    if (state !== 'answered') continue;

    assert.ok(drafts.length >= 1, `the answer was shown while it was written: ${JSON.stringify(drafts)}`);
    const text = await box.locator('.generated-text').innerText();
    assert.ok(text.trim().length > 0, 'the answer has text');
    assert.doesNotMatch(text, /\[P\d/, 'passage references become the source links');
    assert.doesNotMatch(text, /^\s*[.:,;]/m, 'no stop left where a reference opened a line');
    assert.match(await box.locator('.generated-status').innerText(), new RegExp(escapeRegExp(LLM_MODEL)));
    const cited = box.locator('.generated-sources a');
    assert.equal(await cited.count(), 1, 'one source: the passage the answer is written from');
    const href = await cited.getAttribute('href');
    assert.match(href, /^\/documents\/\d+/, `the citation links to a document: ${href}`);
    const extractive = await page.locator('[data-testid=answer] .answer-source a').getAttribute('href');
    assert.equal(new URL(href, levier.baseUrl).pathname, new URL(extractive, levier.baseUrl).pathname, 'the document of the passage shown below');
    await screenshot(t, page, 'search-generated');

    // The employee may read the cited document: the link opens it.
    const title = (await cited.innerText()).split(' › ')[0].trim();
    await Promise.all([page.waitForEvent('load'), cited.click()]);
    assert.equal(new URL(page.url()).pathname, new URL(href, levier.baseUrl).pathname, 'not sent elsewhere (login, error)');
    assert.match(await page.locator('h1').first().innerText(), new RegExp(escapeRegExp(title)));
    await screenshot(t, page, 'search-cited-document');
    return;
  }
  assert.fail(`no generated answer passed the checks: ${JSON.stringify(tried, null, 2)}`);
});
