// What every page's layout shows (base.html): the main navigation, the settings sub-navigation,
// the signed-in user, the logout button and the language switch. Tests read them only through
// these helpers, so a change of the layout needs adapting here only.

/** The labels of the navigation, per language (locales/*.ftl: nav.*). */
export const NAV = {
  fr: {
    home: 'Accueil',
    search: 'Recherche',
    inbox: 'Demandes clients',
    emails: 'E-mails',
    leads: 'Prospects',
    faq: 'FAQ',
    reports: 'Rapports',
    useCases: "Cas d'usage",
    pilots: 'Pilotes',
    feedback: 'Retours',
    playground: 'Bac à sable',
    upload: 'Ajouter des documents',
    settings: 'Réglages',
    users: 'Utilisateurs',
    groups: 'Groupes',
    sites: 'Sites',
    tokens: "Jetons d'API",
    audit: "Journal d'audit",
    logout: 'Se déconnecter',
  },
  en: {
    home: 'Home',
    search: 'Search',
    inbox: 'Customer requests',
    emails: 'Emails',
    leads: 'Leads',
    faq: 'FAQ',
    reports: 'Reports',
    useCases: 'Use cases',
    pilots: 'Pilots',
    feedback: 'Feedback',
    playground: 'Playground',
    upload: 'Add documents',
    settings: 'Settings',
    users: 'Users',
    groups: 'Groups',
    sites: 'Sites',
    tokens: 'API tokens',
    audit: 'Audit log',
    logout: 'Log out',
  },
};

/** The main navigation a role sees: read-only viewers cannot add documents; the customer
 * requests, the e-mails and the leads are for the people who answer them (agents) and administrators; the FAQ, the
 * reports, the use cases and the pilots for agents, AI champions and administrators; the
 * teams' feedback and the assistant's playground and test sets for AI champions and
 * administrators. */
export function mainNavFor(role, lang = 'fr') {
  const n = NAV[lang];
  if (role === 'viewer') return [n.home, n.search, n.settings];
  const inbox = ['admin', 'agent'].includes(role) ? [n.inbox, n.emails, n.leads] : [];
  const keepers = ['admin', 'agent', 'champion'].includes(role);
  const faq = keepers ? [n.faq, n.reports, n.useCases, n.pilots] : [];
  const playground = ['admin', 'champion'].includes(role) ? [n.feedback, n.playground] : [];
  return [n.home, n.search, ...inbox, ...faq, ...playground, n.upload, n.settings];
}

/** The role names as the pages show them in French (locales/fr.ftl: role.*). */
export const ROLE_LABELS = {
  admin: 'Administrateur',
  agent: 'Agent du support',
  champion: 'Référent IA',
  member: 'Collaborateur',
  viewer: 'Lecteur',
};

async function readLinks(list) {
  return list.evaluateAll((links) =>
    links.map((a) => ({
      label: a.textContent.trim(),
      href: a.getAttribute('href'),
      current: a.getAttribute('aria-current') === 'page',
    })),
  );
}

/** The main navigation's links: [{ label, href, current }] (empty when signed out). */
export async function mainNav(page) {
  return readLinks(page.locator('header nav a'));
}

/** The settings sub-navigation's links: [{ label, href, current }] (empty outside settings). */
export async function settingsNav(page) {
  return readLinks(page.locator('nav.subnav a'));
}

/** Follows the main navigation's link labelled `label` and waits for the page to load. */
export async function followNav(page, label) {
  await Promise.all([
    page.waitForEvent('load'),
    page.locator('header nav').getByRole('link', { name: label, exact: true }).click(),
  ]);
}

/** Follows the settings sub-navigation's link labelled `label` and waits for the page to load. */
export async function followSettingsNav(page, label) {
  await Promise.all([
    page.waitForEvent('load'),
    page.locator('nav.subnav').getByRole('link', { name: label, exact: true }).click(),
  ]);
}

/** The signed-in user as the header shows them ("name · role"), or null when signed out. */
export async function headerUser(page) {
  const who = page.locator('[data-testid="who"]');
  return (await who.count()) ? (await who.innerText()).trim() : null;
}

/** The page's language (`<html lang>`). */
export async function pageLanguage(page) {
  return page.evaluate(() => document.documentElement.lang);
}

/**
 * Chooses `lang` ("fr" or "en") in the header's language select. The select submits its form
 * as soon as it changes (app.js); resolves once the page has come back in that language.
 */
export async function switchLanguage(page, lang) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/language'),
    page.locator('#lang-select').selectOption(lang),
  ]);
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
  await page.waitForLoadState('load');
}

/** Clicks the header's logout button and waits until the browser is on the login page. */
export async function logout(page) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login'),
    page.locator('form[action="/logout"] button[type="submit"]').click(),
  ]);
  await page.waitForLoadState('load');
}

/** The one-line confirmation a page shows after an action ("Utilisateur créé."), or null. */
export async function flashMessage(page) {
  const flash = page.locator('.flash[role="status"]');
  return (await flash.count()) ? (await flash.innerText()).trim() : null;
}

/** The error a form shows after a refused submission (`role="alert"`), or null. */
export async function formError(page) {
  const error = page.locator('main [role="alert"]');
  return (await error.count()) ? (await error.first().innerText()).trim() : null;
}

/** The heading of the page (`<h1>`). */
export async function heading(page) {
  return (await page.locator('h1').first().innerText()).trim();
}

/** The page shown to a signed-in user whose role does not allow the page (403). */
export const FORBIDDEN = { heading: 'Accès refusé', status: 403 };
