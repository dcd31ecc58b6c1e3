// The FAQ pages: the list with its filters, the CSV upload form and its report, the new-entry
// form (/faq); one entry's edit form, phrasings and deletion (/faq/{id}). Tests read and drive
// them only through these helpers.

const submitAndLoad = (page, button) => Promise.all([page.waitForEvent('load'), button.click()]);

/** The row of the FAQ table whose question is `question` (a locator). */
export function faqRow(page, question) {
  return page.locator('[data-testid="faq"] tbody tr').filter({ has: page.getByRole('link', { name: question, exact: true }) });
}

/** The questions of the FAQ table, in order. */
export async function faqQuestions(page) {
  return page.locator('[data-testid="faq"] tbody tr td:first-child').evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
}

/**
 * Chooses a CSV file (`name`, its text) in the upload form and submits it; resolves once the
 * report has loaded.
 */
export async function importCsv(page, name, text) {
  const form = page.locator('[data-testid="faq-import"]');
  await form.locator('input[type="file"]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await submitAndLoad(page, form.locator('button[type="submit"]'));
}

/** The import's report: { summary, errors: [text of each broken row] }, or null. */
export async function importReport(page) {
  const report = page.locator('[data-testid="faq-import-report"]');
  if (!(await report.count())) return null;
  return {
    summary: (await report.locator('p').first().innerText()).trim(),
    errors: await report.locator('li').evaluateAll((lis) => lis.map((li) => li.textContent.trim())),
  };
}

/** Follows the link of the entry whose question is `question`; resolves once loaded. */
export async function openEntry(page, question) {
  await submitAndLoad(page, faqRow(page, question).getByRole('link', { name: question, exact: true }));
}

/** Fills the given fields of the entry's edit form ({ question, answer, category, language }) and saves. */
export async function editEntry(page, fields) {
  const form = page.locator('[data-testid="faq-edit"]');
  for (const [name, value] of Object.entries(fields)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
  await submitAndLoad(page, form.locator('button[type="submit"]'));
}

/** The value of a field of the entry's edit form. */
export async function entryField(page, name) {
  return page.locator(`[data-testid="faq-edit"] [name="${name}"]`).inputValue();
}

/** Adds a phrasing to the entry; resolves once the page has come back. */
export async function addPhrasing(page, text) {
  const form = page.locator('[data-testid="faq-add-phrasing"]');
  await form.locator('input[name="text"]').fill(text);
  await submitAndLoad(page, form.locator('button[type="submit"]'));
}

/** The entry's phrasings, as listed (text only). */
export async function phrasings(page) {
  return page.locator('[data-testid="faq-phrasings"] li span').evaluateAll((spans) => spans.map((s) => s.textContent.trim()));
}
