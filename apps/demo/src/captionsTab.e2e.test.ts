import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, startDemo } from './browser.js';
import { connected } from './page-checks.js';

const LESSON = 'Plants need light. Water rises through the stem.';
const ZH = '植物需要光。\n水沿着茎上升。';

/** The lesson form as a moderator sees it in the captions tab. */
function lessonForm(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const value = (selector: string) =>
      root.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(selector)
        ?.value;
    return {
      text: value('textarea[name=lesson]'),
      language: value('select[name=language]'),
      glossary: value('textarea[name=glossary]'),
      translation: [value('[name=translation-language-0]'), value('[name=translation-lines-0]')],
      button: root.querySelector('form.lesson button[type=submit]')?.textContent?.trim(),
    };
  });
}

describe('the captions tab in Chromium', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // A small lesson allowance, so a page that believes it larger gets the server's refusal.
    ({ server, browser, close } = await startDemo({ maxLessonBytes: 80_000 }));
  }, 120_000);

  afterAll(() => close?.());

  async function open(room: string, identity: string, role: 'teacher' | 'assistant', lang: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const token = await server.token(room, identity, role);
    await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
    await waitFor(`${identity} to join`, connected(page));
    await page.locator('cosmo-classroom #tab-captions').click();
    return page;
  }

  it("every moderator sees the lesson as it is: an assistant's tab shows the teacher's, and follows her changes", async () => {
    const teacher = await open('botany', 'ms-tanaka', 'teacher', 'en');
    const early = await open('botany', 'mr-lee', 'assistant', 'en');
    expect(await lessonForm(early)).toMatchObject({ text: '', button: 'Start captions' });

    await teacher.locator('cosmo-classroom textarea[name=lesson]').fill(LESSON);
    await teacher.locator('cosmo-classroom textarea[name=glossary]').fill('stem = tallo');
    await teacher.locator('cosmo-classroom [name=translation-language-0]').fill('zh');
    await teacher.locator('cosmo-classroom [name=translation-lines-0]').fill(ZH);
    await teacher.locator('cosmo-classroom form.lesson button[type=submit]').click();

    const set = {
      text: LESSON,
      language: 'en',
      glossary: 'stem = tallo',
      translation: ['zh', ZH],
      button: 'Update lesson',
    };
    await waitFor('the assistant in class to see the lesson', async () =>
      Boolean((await lessonForm(early)).text),
    );
    expect(await lessonForm(early)).toEqual(set);
    const later = await open('botany', 'ms-ito', 'assistant', 'en');
    expect(await lessonForm(later)).toEqual(set);
    await later.screenshot({ path: join(ARTIFACTS, 'captions-tab-assistant.png') });

    // The teacher changes it: both assistants' tabs follow.
    await teacher.locator('cosmo-classroom textarea[name=glossary]').fill('stem = tige');
    await teacher.locator('cosmo-classroom form.lesson button[type=submit]').click();
    for (const page of [early, later])
      await waitFor(
        'the new glossary',
        async () => (await lessonForm(page)).glossary === 'stem = tige',
      );
    await Promise.all([teacher, early, later].map((p) => p.close()));
  }, 120_000);

  it("says what is wrong in the UI language: the page's own checks, and a refusal it did not foresee, with the socket kept", async () => {
    const teacher = await open('optics', 'ms-sato', 'teacher', 'ja');
    const form = teacher.locator('cosmo-classroom form.lesson');
    await teacher.locator('cosmo-classroom textarea[name=lesson]').fill('光は曲がる。');
    await teacher.locator('cosmo-classroom select[name=language]').selectOption('ja');
    await teacher.locator('cosmo-classroom [name=translation-language-0]').fill('ja');
    await teacher.locator('cosmo-classroom [name=translation-lines-0]').fill('光は曲がる。');
    await expect
      .poll(() => form.locator('.problems li').allInnerTexts())
      .toEqual(['ja は話す言語です。翻訳は生徒が読む別の言語で入力してください。']);
    expect(await form.locator('button[type=submit]').isDisabled()).toBe(true);
    await teacher.locator('cosmo-classroom [name=translation-language-0]').fill('');

    // A page that believes the server takes more than it does: the server's refusal is said in
    // Japanese, from its reason and values, and the teacher stays in class.
    await teacher.evaluate(() => {
      const el = document.querySelector('cosmo-classroom') as unknown as {
        client: { limits: { maxLessonBytes: number } };
      };
      el.client.limits.maxLessonBytes = 1 << 20;
    });
    await teacher
      .locator('cosmo-classroom textarea[name=lesson]')
      .fill('光は曲がる。'.repeat(5000));
    await form.locator('button[type=submit]').click();
    const toast = teacher.locator('cosmo-classroom [part="toast"]');
    await toast.waitFor();
    expect(await toast.getAttribute('data-reason')).toBe('LESSON_TOO_LARGE');
    expect(await toast.locator('span').innerText()).toBe(
      '授業テキストと翻訳が長すぎて送れません（91 kB、上限 80 kB）。短くするか、授業を分けてください。',
    );
    await teacher.screenshot({ path: join(ARTIFACTS, 'captions-tab-refused-ja.png') });
    expect(await connected(teacher)()).toBe(true);
    await teacher.close();
  }, 120_000);
});
