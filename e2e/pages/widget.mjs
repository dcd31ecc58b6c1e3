// The chat widget (crates/levier-server/assets/widget.js) on the demo company's page
// (/demo/site). It draws inside an open shadow root, which Playwright's locators pierce. Tests
// drive it only through these helpers, so a change of the widget needs adapting here only.

/** The widget's texts, per language (TEXTS in widget.js). */
export const WIDGET = {
  fr: {
    launcher: 'Une question ?',
    close: 'Fermer la discussion',
    label: 'Votre message',
    send: 'Envoyer',
    person: 'Parler à une personne',
    source: 'Source :',
    waiting: 'Votre demande est transmise à un conseiller, qui vous répondra ici.',
    resolved: 'Votre demande est résolue.',
    thanks: 'Merci pour votre avis !',
    rateOne: (n) => `${n} sur 5`,
    helped: 'Cette réponse vous a-t-elle aidé ?',
    yes: 'Oui',
    noted: 'Merci, c’est noté.',
  },
  en: {
    launcher: 'Questions?',
    close: 'Close the chat',
    label: 'Your message',
    send: 'Send',
    person: 'Talk to a person',
    source: 'Source:',
    waiting: 'Your request has been passed on to an agent, who will answer you here.',
    resolved: 'Your request is resolved.',
    thanks: 'Thank you for your feedback!',
    rateOne: (n) => `${n} out of 5`,
    helped: 'Did this answer help you?',
    yes: 'Yes',
    noted: 'Thank you, noted.',
  },
};

/** The widget's parts in `page`, in `lang`. */
export function widget(page, lang = 'fr') {
  const t = WIDGET[lang];
  const root = page.locator('[data-levier-widget]');
  const log = root.getByRole('log');
  return {
    t,
    launcher: root.getByRole('button', { name: t.launcher }),
    panel: root.locator('#levier-panel'),
    input: root.getByRole('textbox', { name: t.label }),
    person: root.getByRole('button', { name: t.person }),
    state: root.getByRole('status'),
    log,
    /** The messages by author (`customer`, `bot`, `agent`, `system`), oldest first. */
    messages: (author) => log.locator(`li.${author}`),
    rate: (n) => root.getByRole('button', { name: t.rateOne(n), exact: true }),
    /** The "did this answer help?" group of the latest answer. */
    helped: () => log.locator('li.bot').last().getByRole('group', { name: t.helped }),
  };
}

/** Opens the widget (if closed) and waits for its text field to have the focus. */
export async function openWidget(page, lang = 'fr') {
  const w = widget(page, lang);
  if (await w.panel.isHidden()) await w.launcher.click();
  await w.input.waitFor();
  return w;
}

/**
 * Types `text` in the widget and sends it with Enter; resolves with how many messages the
 * assistant had written before, to wait for its reply with latest(…, { after }).
 */
export async function ask(page, text, lang = 'fr') {
  const w = await openWidget(page, lang);
  const before = await w.messages('bot').count();
  await w.input.fill(text);
  await w.input.press('Enter');
  await w.log.locator('li.customer', { hasText: text }).last().waitFor();
  return before;
}

/** The text of the latest message of `author`, once there are more than `after` of them. */
export async function latest(page, author, { after = 0, timeout = 15_000 } = {}) {
  const items = widget(page).messages(author);
  await items.nth(after).waitFor({ timeout });
  return (await items.last().innerText()).trim();
}
