// The home page ("/", signed in): who you are and what the workspace holds. Tests read it only
// through these helpers, so a change of the page needs adapting here only.

/** The labels of the counts table, as shown in French (the browser context's locale). */
export const LABELS = {
  users: 'Utilisateurs',
  documents: 'Documents',
  faqEntries: 'Entrées de FAQ',
};

/**
 * Reads the counts table: { label: number } for each row (`<th scope="row">label</th><td>n</td>`).
 * Waits for the table to be shown.
 */
export async function readCounts(page) {
  const table = page.locator('[data-testid="counts"]');
  await table.waitFor({ state: 'visible' });
  const counts = {};
  for (const row of await table.locator('tr').all()) {
    const label = (await row.locator('th').innerText()).trim();
    const value = (await row.locator('td').innerText()).trim();
    counts[label] = Number(value.replace(/[\s\u202f\u00a0]/g, ''));
  }
  return counts;
}

/** The signed-in user as the header shows them ("name · role"). */
export async function whoAmI(page) {
  return (await page.locator('[data-testid="who"]').innerText()).trim();
}
