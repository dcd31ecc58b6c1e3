// The demo company (`levier demo`, from demo/ at the repository root): its accounts and what it
// holds. Every demo account has the same password, which `levier demo` prints.

export const DEMO_PASSWORD = 'levier-demo';

export const ACCOUNTS = {
  admin: { email: 'vincent.arnaud@ergolis.fr', name: 'Vincent Arnaud' },
  champion: { email: 'mathieu.rocher@ergolis.fr', name: 'Mathieu Rocher' },
  agent: { email: 'julien.moreau@ergolis.fr', name: 'Julien Moreau' },
  member: { email: 'elodie.garnier@ergolis.fr', name: 'Élodie Garnier' },
  viewer: { email: 'claire.vasseur@ergolis.fr', name: 'Claire Vasseur' },
};

export const COMPANY = 'Ergolis';

/** What `levier demo` loads ("demo company loaded: … 56 documents, 76 FAQ entries, …"). */
export const HOLDS = { documents: 56, faqEntries: 76 };
