// Semantic search on the demo company with the real model (multilingual-e5-small): once the
// server has embedded the demo's passages, a member's question worded unlike the document that
// answers it finds that document first and the page says it searched by words and meaning; a
// question the document answers gets the answer box citing it, an unrelated one gets none.
//
// Needs the model's weights: LEVIER_TEST_MODEL_DIR (scripts/test sets it when
// scripts/fetch-models has run). Without it the test is skipped, except under CI where it fails,
// like the cargo tests (levier_ml::testing::model_dir).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { modelsDir, skipWithoutModel as skip } from '../pages/model.mjs';
import { login } from '../pages/login.mjs';
import { followNav, NAV } from '../pages/shell.mjs';

/**
 * A member's question worded unlike the page that answers it ("Retours et remboursements": "Le
 * produit doit être […] renvoyé", "Remboursement"); by words alone, the IT charter's "fichiers
 * […] récupérés" comes first.
 */
const QUESTION = 'comment récupérer mon argent après avoir renvoyé un produit ?';
/**
 * A question the same page answers, for the answer box. The paraphrase above is too far from
 * any sentence for the answer rule (levier_assist::ANSWER_MIN_COSINE): its best sentence scores
 * 0.847–0.849 (f32, int8) against 0.85 with shared words, so the page says nothing answers it
 * clearly and lists the results, the cautious outcome. This one scores 0.88.
 */
const ANSWERABLE = 'en combien de temps suis-je remboursé après un retour ?';
const ANSWER = /Retours et remboursements/;
/** How long the server may take to embed the demo's passages (debug build, busy machine). */
const EMBED_TIMEOUT_MS = 600_000;


const levier = skip ? null : useLevier({ demo: true, env: { LEVIER_MODELS_DIR: modelsDir() } });
const browser = skip ? null : useBrowser();

/** Types a query in the search page's box and submits it. */
async function searchFor(page, query) {
  await page.locator('#q').fill(query);
  await Promise.all([page.waitForEvent('load'), page.locator('form[role=search] button[type=submit]').click()]);
}

async function resultTitles(page) {
  return page.locator('.results .hit h2 a').allTextContents();
}

/**
 * Waits until the server's embedding task has succeeded (asked as the admin through the API):
 * until then semantic search answers with part of the passages only.
 */
async function embeddingDone() {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await login(admin, levier.baseUrl, ACCOUNTS.admin);
  const deadline = Date.now() + EMBED_TIMEOUT_MS;
  let last = 'no embedding task yet';
  while (Date.now() < deadline) {
    const res = await context.request.get(levier.url('/api/v1/tasks'));
    assert.equal(res.status(), 200, `GET /api/v1/tasks: ${await res.text()}`);
    const body = await res.json();
    const tasks = body.filter((t) => t.kind === 'embeddings.build');
    const failed = tasks.find((t) => t.status === 'failed' || t.status === 'cancelled');
    assert.ok(!failed, `the embedding task ended ${failed?.status}: ${failed?.last_error}`);
    if (tasks.some((t) => t.status === 'succeeded') && !tasks.some((t) => t.status === 'queued' || t.status === 'running')) {
      await context.close();
      return;
    }
    if (tasks.length) last = tasks.map((t) => `${t.status} ${t.progress_message}`).join('; ');
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new Error(`the demo's passages were not embedded within ${EMBED_TIMEOUT_MS / 1000} s: ${last}`);
}

test(
  'a question worded unlike the document finds it by meaning',
  { skip, timeout: EMBED_TIMEOUT_MS + 120_000 },
  async (t) => {
    await levier.ready();
    await embeddingDone();

    const page = await browser.newPage();
    await login(page, levier.baseUrl, ACCOUNTS.member);
    await followNav(page, NAV.fr.search);

    // The API says how it searched: by words and meaning, without a notice.
    const api = await page.request.get(levier.url(`/api/v1/search?q=${encodeURIComponent(QUESTION)}`));
    assert.equal(api.status(), 200, await api.text());
    const found = await api.json();
    assert.equal(found.mode, 'hybrid', JSON.stringify(found).slice(0, 500));
    assert.equal(found.notice, undefined);
    assert.match(found.hits[0]?.title ?? '', ANSWER, `first API hit: ${found.hits.map((h) => h.title)}`);

    await searchFor(page, QUESTION);
    await screenshot(t, page, 'paraphrase');
    const titles = await resultTitles(page);
    assert.ok(titles.length > 0, 'no result');
    assert.match(titles[0], ANSWER, `first result: ${titles.join(' | ')}`);
    const mode = await page.locator('[data-testid=mode]').textContent();
    assert.match(mode, /hybride/i, `the page says it searched by words and meaning: ${mode}`);

    // The words alone do not rank it first: the meaning did.
    const lexical = await page.request.get(
      levier.url(`/api/v1/search?mode=lexical&q=${encodeURIComponent(QUESTION)}`),
    );
    const byWords = await lexical.json();
    assert.equal(byWords.mode, 'lexical');
    assert.doesNotMatch(byWords.hits[0]?.title ?? '', ANSWER, `lexical: ${byWords.hits.map((h) => h.title)}`);

    // A question the page answers gets the answer box, citing it, the sentence marked.
    await searchFor(page, ANSWERABLE);
    await screenshot(t, page, 'answerable');
    const answer = page.locator('[data-testid=answer]');
    assert.equal(await answer.count(), 1, 'an answer box above the results');
    assert.match(await answer.locator('.answer-source').textContent(), ANSWER);
    assert.ok((await answer.locator('mark').count()) > 0, 'the answering sentence is marked');
    // The employee says the answer was useful, with a comment; the page thanks them.
    await answer.getByLabel('Un commentaire (facultatif)').fill('Clair, merci');
    await Promise.all([page.waitForEvent('load'), answer.getByRole('button', { name: 'Réponse utile' }).click()]);
    assert.match(await page.locator('[data-testid=answer-rated]').innerText(), /Merci : votre avis aide les référents IA/);

    // A question the documents do not answer gets no answer box, and says so.
    await searchFor(page, 'quelle est la capitale de l’Australie ?');
    await screenshot(t, page, 'unanswerable');
    assert.equal(await page.locator('[data-testid=answer]').count(), 0, 'no answer to an unrelated question');
    assert.equal(await page.locator('[data-testid=no-answer]').count(), 1, 'the page says nothing answers');
  },
);
