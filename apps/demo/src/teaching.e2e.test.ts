import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, physicsLecture, startDemo } from './browser.js';
import { axeViolations, layoutProblems } from './page-checks.js';

/** Screenshots people look at for this feature (outside the repository). */
const SHOTS = process.env['COSMO_UI_SHOTS'] ?? join(ARTIFACTS, 'teaching');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
const LANGUAGES = ['en', 'ja', 'zh'] as const;
const pollsServer = existsSync(
  new URL('../../../packages/sfu/src/handlers/polls.ts', import.meta.url),
);

/** The element's state badge, or the waiting screen's. */
const state = (page: Page) =>
  page.evaluate(
    () =>
      document
        .querySelector('cosmo-classroom')
        ?.shadowRoot?.querySelector<HTMLElement>('[data-state]')?.dataset['state'],
  );

describe('teaching tools in Chromium: the waiting room, reactions, polls and quizzes', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({}));
    mkdirSync(SHOTS, { recursive: true });
    expect(
      physicsLecture(server, 'optics-2', [
        ['aiko', 'Aiko Sato'],
        ['ren', 'Ren Ito'],
        ['mei', 'Mei Chen'],
      ]),
    ).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(() => close?.());

  async function open(
    identity: string,
    role: 'teacher' | 'student',
    { lang = 'en', wait = 'connected' }: { lang?: string; wait?: 'connected' | 'none' } = {},
  ): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const token = await server.token('optics-2', identity, role);
    await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
    if (wait === 'connected') await page.locator('[data-state="connected"]').waitFor();
    return page;
  }

  /** Sets the element's UI language and the page's size, for a screenshot. */
  async function look(page: Page, lang: string, viewport: { width: number; height: number }) {
    await page.setViewportSize(viewport);
    await page.evaluate((l) => {
      document.querySelector('cosmo-classroom')!.lang = l;
    }, lang);
    await page.waitForTimeout(150);
  }

  async function shoot(page: Page, what: string, check = true): Promise<string[]> {
    const problems: string[] = [];
    for (const viewport of VIEWPORTS)
      for (const lang of LANGUAGES) {
        await look(page, lang, viewport);
        if (check)
          problems.push(
            ...(await layoutProblems(page)).map((p) => `${what} ${lang} ${viewport.width}: ${p}`),
          );
        // The check scrolls each control into view; the picture shows the panel from its top.
        await page.evaluate(() => {
          const panel = document
            .querySelector('cosmo-classroom')
            ?.shadowRoot?.querySelector('[role=tabpanel]');
          panel?.scrollTo(0, 0);
        });
        await page.screenshot({ path: join(SHOTS, `${what}-${lang}-${viewport.width}.png`) });
      }
    await look(page, 'en', VIEWPORTS[0]);
    return problems;
  }

  let teacher: Page;
  const students: Page[] = [];

  it('a waiting student is let in, another is refused; the teacher hears of both', async () => {
    teacher = await open('tanaka', 'teacher');
    await teacher.getByRole('tab', { name: /People/ }).click();
    await teacher.getByRole('switch', { name: 'Use a waiting room' }).check();
    await teacher.getByRole('switch', { name: 'Let roster students in' }).waitFor();

    const aiko = await open('aiko', 'student', { wait: 'none' });
    await aiko.getByText('Waiting for your teacher to let you in').waitFor();
    expect(await state(aiko)).toBeUndefined();
    const guest = await open('guest-1', 'student', { wait: 'none' });
    await guest.getByText('Waiting for your teacher to let you in').waitFor();

    const row = teacher.locator('li[data-waiting="aiko"]');
    await row.getByText('On the roster').waitFor();
    await teacher.locator('li[data-waiting="guest-1"]').getByText('Not on the roster').waitFor();
    await teacher.locator('[data-waiting-count="2"]').waitFor();

    // Screenshots of the waiting screen and the teacher's list, checked for fit and axe.
    const problems = [
      ...(await shoot(aiko, 'waiting-screen')),
      ...(await shoot(teacher, 'waiting-list')),
    ];
    expect(problems).toEqual([]);
    expect(await axeViolations(aiko)).toEqual([]);
    expect(await axeViolations(teacher)).toEqual([]);

    await row.getByRole('button', { name: 'Admit Aiko Sato' }).click();
    await aiko.locator('[data-state="connected"]').waitFor();
    await teacher.locator('[data-count]', { hasText: '2 people' }).waitFor();

    await teacher
      .locator('li[data-waiting="guest-1"]')
      .getByRole('button', { name: /Refuse/ })
      .click();
    await guest.getByText('Your teacher did not let you into this class.').waitFor();
    await waitFor('the waiting list to empty', async () => {
      return (await teacher.locator('li[data-waiting]').count()) === 0;
    });
    students.push(aiko);

    // The rest of the class goes straight in from the roster.
    await teacher.getByRole('switch', { name: 'Let roster students in' }).check();
    students.push(await open('ren', 'student'), await open('mei', 'student'));
    await guest.close();
  }, 120_000);

  it('reactions float over the stage; the teacher reads counts; too many rest the buttons', async () => {
    const [aiko, ren, mei] = students as [Page, Page, Page];
    // Clicked in the pages at once (a loaded machine would spread Playwright's clicks over the
    // seconds that bubbles stay on screen).
    const press = (page: Page, name: string, times = 1) =>
      page.getByRole('button', { name }).evaluate((button, n) => {
        for (let i = 0; i < n; i++) (button as HTMLButtonElement).click();
      }, times);
    await Promise.all([
      press(aiko, 'Thumbs up'),
      press(ren, 'Thumbs up'),
      press(mei, 'I have a question'),
    ]);
    const counts = teacher.locator('[part="reaction-counts"]');
    await counts.locator('[data-reaction="👍"]', { hasText: '2' }).waitFor();
    await counts.locator('[data-reaction="❓"]', { hasText: '1' }).waitFor();
    await aiko.locator('.bubble[data-reaction="👍"]').first().waitFor();
    await teacher.screenshot({ path: join(SHOTS, 'reactions-teacher-1280.png') });

    // Three at once is all one person may send; more rest the buttons for a moment.
    await press(mei, 'Clap', 5);
    await mei.getByText('Wait a moment…').waitFor();
    expect(await mei.getByRole('button', { name: 'Clap' }).isDisabled()).toBe(true);
    await mei.screenshot({ path: join(SHOTS, 'reactions-resting-student-1280.png') });
    await waitFor(
      'the reaction buttons to wake',
      async () => !(await mei.getByRole('button', { name: 'Clap' }).isDisabled()),
      6000,
    );
  }, 60_000);

  it("the teacher's poll composer fits and reads well in every language", async () => {
    await teacher.getByRole('tab', { name: /Polls/ }).click();
    await teacher.getByLabel('Question', { exact: true }).fill('Which lens converges light?');
    await teacher.getByRole('checkbox', { name: 'Quiz' }).check();
    await teacher.getByLabel('Option 1', { exact: true }).fill('Convex');
    await teacher.getByLabel('Option 2', { exact: true }).fill('Concave');
    await teacher.getByRole('radio', { name: 'Correct answer 1' }).check();
    expect(await teacher.getByRole('button', { name: 'Launch quiz' }).isEnabled()).toBe(true);
    const problems = await shoot(teacher, 'polls-composer');
    expect(problems).toEqual([]);
    expect(await axeViolations(teacher)).toEqual([]);
    await teacher.getByRole('button', { name: 'Clear' }).click();
    expect(await teacher.getByRole('button', { name: 'Launch poll' }).isDisabled()).toBe(true);
  }, 60_000);

  it.skipIf(!pollsServer)(
    'an anonymous poll: the teacher sees totals live, students see them when shown',
    async () => {
      const [aiko, ren, mei] = students as [Page, Page, Page];
      await teacher.getByRole('tab', { name: /Polls/ }).click();
      await teacher.getByLabel('Question', { exact: true }).fill('Did the demo make sense?');
      await teacher.getByLabel('Option 1').fill('Yes');
      await teacher.getByLabel('Option 2').fill('Not yet');
      await teacher.getByRole('checkbox', { name: 'Anonymous' }).check();
      await teacher.getByRole('button', { name: 'Launch poll' }).click();
      const card = teacher.locator('.poll-card', { hasText: 'Did the demo make sense?' });
      await card.getByText('0 of 3 answered').waitFor();

      for (const [page, choice] of [
        [aiko, 'Yes'],
        [ren, 'Yes'],
        [mei, 'Not yet'],
      ] as const) {
        await page.locator('[data-new-poll]').getByRole('button', { name: 'Answer' }).click();
        await page.getByRole('radio', { name: choice }).check();
        await page.getByRole('button', { name: 'Send answer' }).click();
        await page.getByText('Your answer is in.', { exact: false }).waitFor();
      }
      await card.getByText('3 of 3 answered').waitFor();
      expect(await card.locator('li.bar[data-option="0"]').getAttribute('data-count')).toBe('2');
      expect(await card.locator('li.bar[data-option="1"]').getAttribute('data-count')).toBe('1');
      // Anonymous: nobody's answer is named.
      expect(await card.getByText('Who answered what').count()).toBe(0);
      // Students see no totals until the teacher shows them.
      expect(await aiko.locator('li.bar[data-count="2"]').count()).toBe(0);
      await card.getByRole('button', { name: 'Show results to students' }).click();
      await aiko.locator('li.bar[data-option="0"][data-count="2"]').waitFor();
      await card.getByRole('button', { name: 'Close' }).click();
      await card.getByText('Closed').waitFor();
    },
    60_000,
  );

  it.skipIf(!pollsServer)(
    'a quiz: each student sees their own score; screenshots of the polls tab',
    async () => {
      const [aiko, ren, mei] = students as [Page, Page, Page];
      await teacher.getByLabel('Question', { exact: true }).fill('Which lens converges light?');
      await teacher.getByRole('checkbox', { name: 'Quiz' }).check();
      await teacher.getByLabel('Option 1', { exact: true }).fill('Convex');
      await teacher.getByLabel('Option 2', { exact: true }).fill('Concave');
      await teacher.getByRole('button', { name: 'Add option' }).click();
      await teacher.getByLabel('Option 3', { exact: true }).fill('Flat glass');
      await teacher.getByRole('radio', { name: 'Correct answer 1' }).check();
      await teacher.getByRole('button', { name: 'Save for later' }).click();
      await teacher
        .locator('[data-prepared]', { hasText: 'Which lens converges light?' })
        .waitFor();
      await teacher
        .locator('[data-prepared]', { hasText: 'Which lens' })
        .getByRole('button', { name: /Launch/ })
        .click();
      const card = teacher.locator('.poll-card', { hasText: 'Which lens converges light?' });
      await card.getByText('0 of 3 answered').waitFor();

      for (const [page, choice] of [
        [aiko, 'Convex'],
        [ren, 'Concave'],
        [mei, 'Convex'],
      ] as const) {
        await page.getByRole('tab', { name: /Polls/ }).click();
        const quiz = page.locator('.poll-card', { hasText: 'Which lens converges light?' });
        await quiz.getByRole('radio', { name: choice }).check();
        await quiz.getByRole('button', { name: 'Send answer' }).click();
        await quiz.getByText('Your answer is in.', { exact: false }).waitFor();
      }
      await card.getByText('3 of 3 answered').waitFor();
      const problems = [
        ...(await shoot(teacher, 'polls-teacher')),
        ...(await shoot(aiko, 'polls-student-open')),
      ];
      await card.getByRole('button', { name: 'Close' }).click();
      await aiko.locator('[data-verdict]', { hasText: 'Right!' }).waitFor();
      await ren.locator('[data-verdict]', { hasText: 'Not quite' }).waitFor();
      await mei.locator('[data-verdict]', { hasText: 'Right!' }).waitFor();
      // Students never saw the right answer while the quiz was open; now it is marked.
      await ren.locator('li.bar.correct', { hasText: 'Convex' }).waitFor();
      expect(await aiko.locator('[data-score]').textContent()).toMatch(/of 1 right/);
      problems.push(...(await shoot(ren, 'polls-student-score')));
      expect(problems).toEqual([]);
      expect(await axeViolations(teacher)).toEqual([]);
      expect(await axeViolations(ren)).toEqual([]);
    },
    90_000,
  );
});
