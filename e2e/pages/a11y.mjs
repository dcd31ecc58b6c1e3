// Accessibility checks: axe-core's rules, the keyboard's tab order, and the page's width on a
// phone. The CSP forbids inline scripts, so axe's source is evaluated through the DevTools
// protocol (page.evaluate), which the CSP does not govern; the page itself is unchanged.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let axeSource = null;

/** The impacts a test refuses. */
export const BLOCKING_IMPACTS = ['serious', 'critical'];

/** A phone's viewport (iPhone 12 to 15). */
export const PHONE = { width: 390, height: 844 };

/**
 * Runs axe-core on the page as it is (WCAG 2.x A and AA rules and best practices) and resolves
 * with its violations: [{ id, impact, help, nodes: [{ target, summary }] }].
 */
export async function axeViolations(page) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(axeSource);
  }
  const results = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
}

/** The violations whose impact is serious or critical. */
export function blocking(violations) {
  return violations.filter((v) => BLOCKING_IMPACTS.includes(v.impact));
}

/** A readable list of violations for an assertion message. */
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target}: ${n.summary}`).join('\n')}`)
    .join('\n');
}

/** The focused element, described: "a.skip", "input#email", "button: Se connecter", … */
export async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    const id = e.id ? `#${e.id}` : '';
    const cls = !id && e.classList.length ? `.${[...e.classList].join('.')}` : '';
    const text = ['A', 'BUTTON'].includes(e.tagName) ? `: ${e.textContent.trim().replace(/\s+/g, ' ')}` : '';
    return `${e.tagName.toLowerCase()}${id}${cls}${text}`;
  });
}

/**
 * The elements Tab reaches from the top of the document, in order (`count` of them). The page's
 * focus is first moved out of the document the way a keyboard user's is when they come from the
 * address bar: Tab is pressed until the focus leaves the page (a focused field, e.g. an autofocus
 * one, keeps its place as the starting point even when blurred), so the next Tab enters the page
 * at its top.
 */
export async function tabOrderFromTop(page, count) {
  const limit = (await page.locator('a[href], button, input, select, textarea, [tabindex]').count()) + 2;
  let left = false;
  for (let i = 0; i < limit && !left; i++) {
    await page.keyboard.press('Tab');
    left = await page.evaluate(() => document.activeElement === document.body || !document.hasFocus());
  }
  if (!left) throw new Error(`the focus did not leave the page after ${limit} Tab presses`);
  const order = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    order.push(await focused(page));
  }
  return order;
}

/** The page's widths: { scrollWidth, innerWidth } (the page overflows when the first is larger). */
export async function pageWidths(page) {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** The elements that stick out past the viewport's right edge (to explain an overflow). */
export async function overflowingElements(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
      .slice(0, 10)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`),
  );
}
