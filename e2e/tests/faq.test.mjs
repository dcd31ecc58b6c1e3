// The FAQ pages: an administrator opens the FAQ from the navigation, imports a small CSV file
// with one broken row and sees the error with its line while the other rows are imported, then
// edits an imported entry and adds a phrasing to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useBrowser, useLevier, visit } from '../harness.mjs';
import { ACCOUNTS } from '../pages/demo.mjs';
import { addPhrasing, editEntry, entryField, faqQuestions, faqRow, importCsv, importReport, openEntry, phrasings } from '../pages/faq.mjs';
import { login } from '../pages/login.mjs';
import { NAV, flashMessage, followNav, heading } from '../pages/shell.mjs';

// No task workers: the demo's embedding tasks are not needed here and would slow the machine.
const levier = useLevier({ demo: true, env: { LEVIER_TASKS_WORKERS: '0' } });
const browser = useBrowser();

const CORSICA = 'Livrez-vous en Corse ?';
const QUOTE = 'Faites-vous des devis pour les entreprises ?';
/** French headers, `;`, and line 3 without an answer. */
const CSV = [
  'question;réponse;catégorie;langue;variantes',
  `${CORSICA};Oui, sous 5 jours ouvrés.;livraison;fr;livraison Corse | envoi en Corse`,
  'Le showroom ouvre-t-il le dimanche ?;;showroom;fr;',
  `${QUOTE};Oui : écrivez à pro@ergolis.fr.;pro;fr;devis entreprise`,
].join('\n');

test('an admin imports an FAQ file, sees the broken row, edits an entry and adds a phrasing', async (t) => {
  const page = await browser.newPage();
  await login(page, levier.baseUrl, ACCOUNTS.admin);
  await followNav(page, NAV.fr.faq);
  await screenshot(t, page, 'list');
  assert.equal(await heading(page), 'FAQ');
  assert.ok((await faqQuestions(page)).length > 0, 'the demo FAQ is listed');

  await importCsv(page, 'faq-ergolis.csv', CSV);
  await screenshot(t, page, 'imported');
  const report = await importReport(page);
  assert.ok(report, 'the import report is shown');
  assert.match(report.summary, /^Créées : 2 · déjà dans la FAQ : 0 · lignes en erreur : 1$/);
  assert.deepEqual(report.errors, ['line 3, column réponse: empty answer']);
  assert.equal(await faqRow(page, CORSICA).count(), 1);
  assert.equal(await faqRow(page, QUOTE).count(), 1);

  await openEntry(page, CORSICA);
  assert.equal(await heading(page), CORSICA);
  assert.deepEqual(await phrasings(page), [CORSICA, 'livraison Corse', 'envoi en Corse']);
  await editEntry(page, { answer: 'Oui, sous 5 à 7 jours ouvrés, sans supplément.' });
  assert.equal(await flashMessage(page), 'Entrée enregistrée.');
  assert.equal(await entryField(page, 'answer'), 'Oui, sous 5 à 7 jours ouvrés, sans supplément.');

  await addPhrasing(page, 'vous livrez à Ajaccio ?');
  await screenshot(t, page, 'phrasing-added');
  assert.equal(await flashMessage(page), 'Formulation ajoutée.');
  assert.deepEqual((await phrasings(page)).at(-1), 'vous livrez à Ajaccio ?');

  // Importing the same file again duplicates nothing.
  await visit(t, page, levier.url('/faq'), { label: 'again' });
  await importCsv(page, 'faq-ergolis.csv', CSV);
  assert.match((await importReport(page)).summary, /^Créées : 0 · déjà dans la FAQ : 2 · lignes en erreur : 1$/);
});
