// Checks on a page of the demo in Chromium, shared by the browser tests: does it fit, is it
// axe-clean, is the classroom connected.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Whether the element on `page` is connected. */
export const connected = (page: Page) => () =>
  page.evaluate(
    () =>
      document
        .querySelector('cosmo-classroom')
        ?.shadowRoot?.querySelector<HTMLElement>('[data-state]')?.dataset['state'] === 'connected',
  );

/**
 * What does not fit on `page`: the page or a panel wider than its box, and every control (the
 * page's and the element's) that is not inside the viewport or not the thing a click there hits.
 * A control in a scrolling panel is scrolled into view first, as a person would.
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : ''}[${(el.textContent ?? '').trim().slice(0, 24)}]`;
    const doc = document.documentElement;
    if (doc.scrollWidth > innerWidth) problems.push(`page is ${doc.scrollWidth}px wide`);
    const panels = root.querySelectorAll<HTMLElement>(
      '[part=base], header, main, .stage, .grid, aside, [role=tablist], [role=tabpanel], .messages, footer, form, li, .prejoin, .device',
    );
    for (const el of [...panels, ...document.querySelectorAll<HTMLElement>('.share, .card')]) {
      if (el.scrollWidth > el.clientWidth + 1)
        problems.push(`${name(el)} overflows: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    for (const tab of root.querySelectorAll<HTMLElement>('[role=tab]')) {
      if (tab.scrollWidth > tab.clientWidth + 1) problems.push(`${name(tab)} label is cut`);
    }
    const tops = new Set(
      [...root.querySelectorAll<HTMLElement>('[role=tab]')].map((t) => t.offsetTop),
    );
    if (tops.size > 1) problems.push(`tabs wrap onto ${tops.size} rows`);
    const deepHit = (x: number, y: number): Element | null => {
      let el = document.elementFromPoint(x, y);
      while (el?.shadowRoot) {
        const inner = el.shadowRoot.elementFromPoint(x, y);
        if (!inner || inner === el) break;
        el = inner;
      }
      return el;
    };
    // A modal dialog makes the rest of the page inert: only its own controls count then.
    // So does an open menu that floats over the page (the class tools on a phone) for this check.
    const menu = root.querySelector<HTMLElement>('.group.tools.open');
    const modal =
      root.querySelector<HTMLElement>('dialog[open]') ??
      (menu && getComputedStyle(menu).position === 'absolute' ? menu : null);
    const selector = 'button, input, select, textarea, a[href]';
    const controls = modal
      ? [...modal.querySelectorAll<HTMLElement>(selector)]
      : [
          ...document.querySelectorAll<HTMLElement>(selector),
          ...root.querySelectorAll<HTMLElement>(selector),
        ];
    for (const el of controls) {
      if (el.getClientRects().length === 0) continue; // not rendered (a closed menu or dialog)
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      if (r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) {
        problems.push(`${name(el)} outside the viewport: ${JSON.stringify(r.toJSON())}`);
        continue;
      }
      const hit = deepHit(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === el || el.contains(hit)))
        problems.push(`${name(el)} is covered by ${hit ? name(hit) : 'nothing'}`);
    }
    return problems;
  });
}

/** axe-core's serious and critical violations on `page` (shadow DOM included). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: object,
          ): Promise<{
            violations: { id: string; impact: string; nodes: { target: unknown }[] }[];
            passes: unknown[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    // A run that checked nothing (e.g. the element's shadow DOM unseen) would pass vacuously.
    if (result.passes.length < 10) return [`axe checked only ${result.passes.length} rules`];
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}
