import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, startDemo } from './browser.js';
import { axeViolations, connected, layoutProblems } from './page-checks.js';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
const LANGUAGES = ['en', 'ja', 'zh'] as const;

/**
 * The stage video as shown: its object-fit, and whether the picture's rendered box (the video
 * frame scaled into the element) lies wholly inside the stage and the viewport.
 */
function stageVideo(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const stage = root.querySelector('.stage')!.getBoundingClientRect();
    const video = root.querySelector('.stage cosmo-video')?.shadowRoot?.querySelector('video');
    if (!video || video.videoWidth === 0) return undefined;
    const box = video.getBoundingClientRect();
    const fit = getComputedStyle(video).objectFit;
    const scale =
      fit === 'contain'
        ? Math.min(box.width / video.videoWidth, box.height / video.videoHeight)
        : Math.max(box.width / video.videoWidth, box.height / video.videoHeight);
    const w = video.videoWidth * scale;
    const h = video.videoHeight * scale;
    const picture = {
      left: box.left + (box.width - w) / 2,
      top: box.top + (box.height - h) / 2,
      right: box.left + (box.width + w) / 2,
      bottom: box.top + (box.height + h) / 2,
    };
    const inside = (r: typeof picture, o: typeof picture) =>
      r.left >= o.left - 1 &&
      r.top >= o.top - 1 &&
      r.right <= o.right + 1 &&
      r.bottom <= o.bottom + 1;
    const viewport = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    return {
      fit,
      wholeInStage: inside(picture, stage),
      wholeInViewport: inside(picture, viewport),
      width: Math.round(w),
      height: Math.round(h),
    };
  });
}

/** Whether the newest chat message is inside the chat list's visible area. */
function newestMessageInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const list = root.querySelector('.messages')!.getBoundingClientRect();
    const last = [...root.querySelectorAll('.message')].at(-1)?.getBoundingClientRect();
    return !!last && last.top >= list.top - 1 && last.bottom <= list.bottom + 1;
  });
}

/** Each tab in turn: nothing may overflow or hide in any panel. */
async function checkEveryTab(page: Page, shot: string): Promise<string[]> {
  const problems: string[] = [];
  const tabs = page.locator('cosmo-classroom [role=tab]');
  for (let i = 0; i < (await tabs.count()); i++) {
    await tabs.nth(i).click();
    const label = (await tabs.nth(i).getAttribute('id')) ?? String(i);
    problems.push(...(await layoutProblems(page)).map((p) => `${label}: ${p}`));
    if (label === 'tab-captions' || label === 'tab-people')
      await page.screenshot({ path: join(ARTIFACTS, `${shot}-${label.slice(4)}.png`) });
  }
  await tabs.first().click();
  return problems;
}

describe('the classroom at 1280×800 and 390×844, in English, Japanese and Chinese', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({ demo: true }));
  }, 120_000);

  afterAll(() => close?.());

  for (const viewport of VIEWPORTS) {
    for (const lang of LANGUAGES) {
      it(`${lang} at ${viewport.width}×${viewport.height}: both pages fit, chat follows, the teacher is shown whole, End class asks first, axe finds nothing serious`, async () => {
        const shot = (who: string) => `layout-${who}-${lang}-${viewport.width}`;
        const teacher = await browser.newPage({ viewport });
        const errors: string[] = [];
        teacher.on('pageerror', (e) => errors.push(e.message));
        await teacher.goto(`${server.httpUrl}/?lang=${lang}`);
        await teacher.locator('input[name=teacherName]').fill('Ms Tanaka-Rodríguez');
        await teacher
          .locator('input[name=title]')
          .fill('Physics 2B: light, lenses and the long road to the telescope');
        await teacher.locator('button[type=submit]').click();
        // The pre-join screen: camera and microphone on (its defaults), Join.
        await teacher.locator('cosmo-classroom [data-action="join"]').click();
        await waitFor('the teacher to join', connected(teacher));
        const link = (await teacher.locator('.share').getAttribute('data-student-link'))!;

        const student = await browser.newPage({ viewport });
        student.on('pageerror', (e) => errors.push(e.message));
        await student.goto(`${link}&lang=${lang}`);
        await student.locator('input[name=name]').fill('Aiko Watanabe-Christensen');
        await student.locator('button[type=submit]').click();
        await student.locator('cosmo-classroom [data-action="join"]').click();
        await waitFor('the student to join', connected(student));

        // 25 messages: both chat lists show the newest one.
        for (let i = 1; i <= 25; i++) {
          const from = i % 2 ? teacher : student;
          await from.locator('cosmo-classroom input[name=text]').fill(`Message number ${i}`);
          await from.locator('cosmo-classroom form button[type=submit]').click();
        }
        for (const page of [teacher, student]) {
          await page
            .locator('cosmo-classroom .message', { hasText: 'Message number 25' })
            .waitFor();
          await waitFor('the newest message in view', () => newestMessageInView(page));
        }

        // The teacher's picture is whole, on her own stage and on the student's.
        for (const page of [teacher, student]) {
          await waitFor('the stage video', async () => (await stageVideo(page)) !== undefined);
          const video = (await stageVideo(page))!;
          expect(video.fit).toBe('contain');
          expect(video.wholeInStage).toBe(true);
          expect(video.wholeInViewport).toBe(true);
          expect(video.width).toBeGreaterThan(100);
        }

        // A student's greyed-out buttons say why.
        const hint = await student
          .locator('cosmo-classroom [data-action="mic"]')
          .getAttribute('aria-describedby');
        expect(hint).toBe('speak-hint');
        await student.locator('cosmo-classroom #speak-hint').waitFor();

        // Every panel of both pages fits, and every control is in view and clickable.
        expect(await checkEveryTab(teacher, shot('teacher'))).toEqual([]);
        expect(await checkEveryTab(student, shot('student'))).toEqual([]);
        await teacher.screenshot({ path: join(ARTIFACTS, `${shot('teacher')}.png`) });
        await student.screenshot({ path: join(ARTIFACTS, `${shot('student')}.png`) });

        // axe-core on both pages: no serious or critical violations.
        expect(await axeViolations(teacher)).toEqual([]);
        expect(await axeViolations(student)).toEqual([]);

        // On a phone the class tools open as a menu that fits too.
        const tools = teacher.locator('cosmo-classroom [data-action="tools"]');
        if (await tools.isVisible()) {
          await tools.click();
          expect(await layoutProblems(teacher)).toEqual([]);
          await teacher.screenshot({ path: join(ARTIFACTS, `${shot('teacher')}-tools.png`) });
        }

        // End class asks first: cancelling keeps the class going for everyone.
        await teacher.locator('cosmo-classroom [data-action="end"]').click();
        const dialog = teacher.locator('cosmo-classroom dialog.confirm');
        await dialog.waitFor();
        await new Promise((r) => setTimeout(r, 300)); // past its fade-in
        expect(await layoutProblems(teacher)).toEqual([]);
        await teacher.screenshot({ path: join(ARTIFACTS, `${shot('teacher')}-end.png`) });
        await teacher.locator('cosmo-classroom [data-action="cancel-end"]').click();
        await dialog.waitFor({ state: 'hidden' });
        await new Promise((r) => setTimeout(r, 300));
        expect(await connected(student)()).toBe(true);

        // Confirmed, it ends the class for everyone.
        if (await tools.isVisible()) await tools.click();
        await teacher.locator('cosmo-classroom [data-action="end"]').click();
        await teacher.locator('cosmo-classroom [data-action="confirm-end"]').click();
        await teacher.locator('cosmo-classroom [part="reopen-button"]').waitFor();
        expect(errors).toEqual([]);
        await teacher.close();
        await student.close();
      }, 120_000);
    }
  }
});

/** The element's hint on a caption the recogniser was unsure of, in each UI language. */
const UNSURE = {
  en: 'Unsure: maybe not what was said',
  ja: '聞き取りが不確かです',
  zh: '识别不确定',
} as const;

/** How a caption line (on the stage, or in the transcript) is shown. */
function captionLook(page: Page, selector: string) {
  return page.evaluate((selector) => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const el = root.querySelector<HTMLElement>(selector);
    if (!el) return undefined;
    const style = getComputedStyle(el);
    const hidden = el.querySelector('.visually-hidden');
    return {
      uncertain: el.hasAttribute('data-uncertain'),
      title: el.getAttribute('title'),
      italic: style.fontStyle === 'italic',
      color: style.color,
      text: el.textContent!.replace(/\s+/g, ' ').trim(),
      // What a screen reader gets: the hidden hint is in the text but takes no room on screen.
      hint: hidden?.textContent ?? null,
      hintHidden: hidden ? hidden.getBoundingClientRect().width <= 1 : null,
    };
  }, selector);
}

/** Long captions, a few sentences the teacher spoke on, in each language. */
const LONG_CAPTIONS = {
  zh: '今天我们学习光学。光沿直线传播。镜子反射光。光照到镜面上以后会改变传播的方向，反射角等于入射角。',
  ja: '今日は光学を学びます。光はまっすぐ進みます。鏡は光を反射します。鏡に当たった光は向きを変え、反射角は入射角と等しくなります。',
} as const;

/**
 * Captions with Latin letters and digits, which the font sets wider than the line breaker counts
 * them (the breaker's lines once wrapped again inside a word: "…説明し / ていきます").
 */
const MIXED_CAPTIONS = {
  zh: '今天我们用LED和CO2激光器做实验，波长约为550nm，观察光的反射现象。',
  ja: '今日はCO2とH2Oの分子のモデルを説明していきます。',
} as const;

/**
 * The stage caption's lines as laid out: how many, the widest, and whether any text pokes out of
 * the caption box (inside its padding). The hidden hint and the tag are not caption text.
 */
function captionLayout(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const el = root.querySelector<HTMLElement>('[part="captions"]')!;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const left = box.left + parseFloat(style.paddingLeft);
    const right = box.right - parseFloat(style.paddingRight);
    const rects: DOMRect[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement!.closest('.visually-hidden, .tag')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    // A line is the rects whose middles lie within half a font size of each other.
    const size = parseFloat(style.fontSize);
    const lines: { left: number; right: number; middle: number }[] = [];
    for (const r of rects) {
      const middle = (r.top + r.bottom) / 2;
      const line = lines.find((l) => Math.abs(l.middle - middle) < size / 2);
      if (line) {
        line.left = Math.min(line.left, r.left);
        line.right = Math.max(line.right, r.right);
      } else lines.push({ left: r.left, right: r.right, middle });
    }
    const stage = root.querySelector('.stage')!.getBoundingClientRect();
    return {
      lines: lines.length,
      breaks: el.querySelectorAll('br').length,
      widest: Math.round(Math.max(...lines.map((l) => l.right - l.left))),
      room: Math.round(right - left),
      outside: lines.some((l) => l.left < left - 1 || l.right > right + 1),
      inStage: box.left >= stage.left && box.right <= stage.right && box.bottom <= stage.bottom,
      fontSize: size,
      text: el.textContent!.replace(/\s+/g, ''),
    };
  });
}

describe('an uncertain caption at 1280×800 and 390×844, in English, Japanese and Chinese', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo());
  }, 120_000);

  afterAll(() => close?.());

  for (const viewport of VIEWPORTS) {
    for (const lang of LANGUAGES) {
      it(`${lang} at ${viewport.width}×${viewport.height}: dimmed and in italics on the stage and in the transcript, with a hint in the UI language`, async () => {
        const room = `unsure-${lang}-${viewport.width}`;
        const page = await browser.newPage({ viewport });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const token = await server.token(room, 'tanaka', 'teacher');
        await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
        await waitFor('the teacher to join', connected(page));
        await page.locator('cosmo-classroom [data-action="camera"]').click();
        await waitFor('the stage video', async () => (await stageVideo(page)) !== undefined);

        // Caption events through the real server and socket, as the recogniser sends them: a
        // sure sentence, then one it was unsure of (its unsure words already "…").
        const tanaka = [...server.server.classrooms.get(room)!.participants.values()][0]!;
        const caption = { speakerId: tanaka.id, language: 'en', final: true };
        tanaka.send({
          caption: {
            caption: { ...caption, text: 'Today we study optics.', startMs: 1500, sequence: 1 },
          },
        });
        const stage = 'cosmo-classroom [part="captions"]';
        await page.locator(stage, { hasText: 'Today we study optics.' }).waitFor();
        const sure = (await captionLook(page, '[part="captions"]'))!;
        expect(sure).toMatchObject({ uncertain: false, title: null, italic: false, hint: null });
        tanaka.send({
          caption: {
            caption: {
              ...caption,
              text: 'The … bends light … a prism.',
              startMs: 4200,
              sequence: 2,
              uncertain: true,
            },
          },
        });
        await page.locator(`${stage}[data-uncertain]`).waitFor();
        const unsure = (await captionLook(page, '[part="captions"]'))!;
        expect(unsure).toMatchObject({
          uncertain: true,
          title: UNSURE[lang],
          italic: true,
          hint: `(${UNSURE[lang]})`,
          hintHidden: true,
        });
        expect(unsure.text).toContain('The … bends light … a prism.');
        expect(unsure.color).not.toBe(sure.color);

        // The captions tab keeps both lines, the unsure one marked the same way.
        await page.locator('cosmo-classroom #tab-captions').click();
        const lines = page.locator('cosmo-classroom [part="transcript"] li');
        await expect.poll(() => lines.count()).toBe(2);
        const first = (await captionLook(page, '[part="transcript"] li:nth-child(1)'))!;
        const second = (await captionLook(page, '[part="transcript"] li:nth-child(2)'))!;
        expect(first).toMatchObject({ uncertain: false, title: null, italic: false, hint: null });
        expect(second).toMatchObject({
          uncertain: true,
          title: UNSURE[lang],
          italic: true,
          hint: `(${UNSURE[lang]})`,
          hintHidden: true,
        });
        expect(second.color).not.toBe(first.color);

        await lines.last().scrollIntoViewIfNeeded();
        await page.screenshot({
          path: join(ARTIFACTS, `caption-uncertain-${lang}-${viewport.width}.png`),
        });
        expect(await layoutProblems(page)).toEqual([]);
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 120_000);
    }
  }

  for (const viewport of VIEWPORTS) {
    for (const lang of ['zh', 'ja'] as const) {
      it(`a long ${lang} caption at ${viewport.width}×${viewport.height} reads as subtitles: its last two lines, none wider than the caption box`, async () => {
        const room = `long-${lang}-${viewport.width}`;
        const page = await browser.newPage({ viewport });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const token = await server.token(room, 'tanaka', 'teacher');
        await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
        await waitFor('the teacher to join', connected(page));
        await page.locator('cosmo-classroom [data-action="camera"]').click();
        await waitFor('the stage video', async () => (await stageVideo(page)) !== undefined);

        // The caption grows while the teacher speaks: an interim, then the final sentence.
        const tanaka = [...server.server.classrooms.get(room)!.participants.values()][0]!;
        const text = LONG_CAPTIONS[lang];
        const caption = { speakerId: tanaka.id, language: lang, startMs: 1500, sequence: 1 };
        const stage = page.locator('cosmo-classroom [part="captions"]');
        const interim = text.slice(0, 20);
        tanaka.send({ caption: { caption: { ...caption, text: interim, final: false } } });
        await page.locator('cosmo-classroom [part="captions"].interim').waitFor();
        const short = await captionLayout(page);
        expect(short.text).toBe(interim);
        expect(short.lines).toBeLessThanOrEqual(2);
        tanaka.send({ caption: { caption: { ...caption, text, final: true } } });
        await page.locator('cosmo-classroom [part="captions"]:not(.interim)').waitFor();
        expect(await stage.getAttribute('lang')).toBe(lang);

        const shown = await captionLayout(page);
        // Two lines, laid out exactly where the words were broken: no wrap inside a word.
        expect(shown).toMatchObject({ lines: 2, breaks: 1, outside: false, inStage: true });
        expect(shown.widest).toBeLessThanOrEqual(shown.room);
        // The newest words: the caption's end, not its start.
        expect(text.endsWith(shown.text)).toBe(true);
        expect(shown.text.length).toBeLessThan(text.length);
        expect(shown.fontSize).toBeGreaterThanOrEqual(14);

        await page.screenshot({
          path: join(ARTIFACTS, `caption-cjk-${lang}-${viewport.width}.png`),
        });

        // Latin letters and digits, wider in the font than the breaker counts them: the lines
        // it made are never wrapped again, the font shrinks a little instead when one would pass.
        const mixed = MIXED_CAPTIONS[lang];
        tanaka.send({
          caption: { caption: { ...caption, text: mixed, final: true, sequence: 2 } },
        });
        await page
          .locator('cosmo-classroom [part="captions"]', { hasText: mixed.slice(-4) })
          .waitFor();
        const fitted = await captionLayout(page);
        expect(fitted).toMatchObject({ lines: 2, breaks: 1, outside: false, inStage: true });
        expect(fitted.widest).toBeLessThanOrEqual(fitted.room);
        expect(mixed.replace(/\s+/g, '').endsWith(fitted.text)).toBe(true);
        expect(fitted.fontSize).toBeGreaterThanOrEqual(14);
        await page.screenshot({
          path: join(ARTIFACTS, `caption-cjk-mixed-${lang}-${viewport.width}.png`),
        });
        expect(await layoutProblems(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 120_000);
    }
  }
});

/** A lesson and its reviewed translations, one line per sentence. */
const MEMORY_LESSON =
  'Today we study optics. Light travels in straight lines. A mirror reflects the light.';
const MEMORY_LINES = {
  zh: ['今天我们学习光学。', '光沿直线传播。', '镜子反射光。'],
  ja: ['今日は光学を学びます。', '光はまっすぐ進みます。', '鏡は光を反射します。'],
} as const;
/** The "Not translated" tag, in each UI language. */
const UNTRANSLATED = { zh: '未翻译', ja: '翻訳なし' } as const;

describe('reviewed translations at 1280×800 and 390×844, in Chinese and Japanese', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo());
  }, 120_000);

  afterAll(() => close?.());

  for (const viewport of VIEWPORTS) {
    for (const lang of ['zh', 'ja'] as const) {
      it(`${lang} at ${viewport.width}×${viewport.height}: the teacher previews her lines (a count off is said), the student picks ${lang} by its own name and reads the reviewed line, an aside tagged untranslated`, async () => {
        const room = `memory-${lang}-${viewport.width}`;
        const errors: string[] = [];
        const open = async (identity: string, role: 'teacher' | 'student') => {
          const page = await browser.newPage({ viewport });
          page.on('pageerror', (e) => errors.push(e.message));
          const token = await server.token(room, identity, role);
          await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
          await waitFor(`${identity} to join`, connected(page));
          return page;
        };
        const teacher = await open('tanaka', 'teacher');
        const student = await open('wei', 'student');

        // The teacher pastes the lesson and her lines for both languages, one line short in the
        // other language first: the preview says so and Start is held back.
        await teacher.locator('cosmo-classroom #tab-captions').click();
        await teacher.locator('cosmo-classroom textarea[name=lesson]').fill(MEMORY_LESSON);
        const other = lang === 'zh' ? 'ja' : 'zh';
        await teacher.locator('cosmo-classroom input[name=translation-language-0]').fill(lang);
        await teacher
          .locator('cosmo-classroom textarea[name=translation-lines-0]')
          .fill(MEMORY_LINES[lang].join('\n'));
        await teacher.locator('cosmo-classroom [data-action=add-translation]').click();
        await teacher.locator('cosmo-classroom input[name=translation-language-1]').fill(other);
        await teacher
          .locator('cosmo-classroom textarea[name=translation-lines-1]')
          .fill(MEMORY_LINES[other].slice(0, 2).join('\n'));
        const problems = teacher.locator('cosmo-classroom .problems');
        await problems.waitFor();
        expect(await problems.innerText()).toContain(other);
        expect(await problems.innerText()).toMatch(/2.*3/);
        const start = teacher.locator('cosmo-classroom form.lesson button[type=submit]');
        expect(await start.isDisabled()).toBe(true);
        await problems.scrollIntoViewIfNeeded();
        await teacher.screenshot({
          path: join(ARTIFACTS, `caption-memory-teacher-mismatch-${lang}-${viewport.width}.png`),
        });
        await teacher
          .locator('cosmo-classroom textarea[name=translation-lines-1]')
          .fill(MEMORY_LINES[other].join('\n'));
        await problems.waitFor({ state: 'detached' });
        const preview = teacher.locator('cosmo-classroom [part="lesson-preview"]');
        await preview.scrollIntoViewIfNeeded();
        expect(await preview.locator('tbody tr').count()).toBe(3);
        expect(await preview.locator('tbody tr').nth(1).innerText()).toContain(
          MEMORY_LINES[lang][1],
        );
        expect(await layoutProblems(teacher)).toEqual([]);
        await teacher.screenshot({
          path: join(ARTIFACTS, `caption-memory-teacher-${lang}-${viewport.width}.png`),
        });
        await start.click();

        // The student's menu names each language in its own script.
        const picker = student.locator('cosmo-classroom [part="caption-language"]');
        await picker.waitFor();
        const names = await picker.locator('option').allInnerTexts();
        expect(names).toEqual(expect.arrayContaining(['English', '中文', '日本語']));
        await picker.selectOption(lang);

        // Captions as the server sends them to a reader of this language: a lesson sentence's
        // reviewed line, then an aside in English, unsure and untranslated.
        const wei = [...server.server.classrooms.get(room)!.participants.values()].find(
          (p) => p.identity === 'wei',
        )!;
        const tanaka = [...server.server.classrooms.get(room)!.participants.values()].find(
          (p) => p.identity === 'tanaka',
        )!;
        const caption = { speakerId: tanaka.id, final: true };
        wei.send({
          caption: {
            caption: {
              ...caption,
              language: lang,
              text: MEMORY_LINES[lang][1],
              startMs: 1500,
              sequence: 1,
            },
          },
        });
        const stage = student.locator('cosmo-classroom [part="captions"]');
        await student
          .locator('cosmo-classroom [part="captions"]', { hasText: MEMORY_LINES[lang][1] })
          .waitFor();
        expect(await stage.getAttribute('lang')).toBe(lang);
        expect(await stage.getAttribute('data-untranslated')).toBeNull();
        await student.screenshot({
          path: join(ARTIFACTS, `caption-memory-${lang}-${viewport.width}.png`),
        });
        wei.send({
          caption: {
            caption: {
              ...caption,
              language: 'en',
              text: 'Could somebody … the door',
              startMs: 4200,
              sequence: 2,
              uncertain: true,
              untranslated: true,
            },
          },
        });
        await student.locator('cosmo-classroom [part="captions"][data-untranslated]').waitFor();
        expect(await stage.getAttribute('lang')).toBe('en');
        expect(await stage.locator('[part="untranslated-tag"]').innerText()).toBe(
          UNTRANSLATED[lang],
        );
        expect(await layoutProblems(student)).toEqual([]);
        await student.screenshot({
          path: join(ARTIFACTS, `caption-memory-untranslated-${lang}-${viewport.width}.png`),
        });
        // The transcript keeps both, the aside tagged the same way.
        await student.locator('cosmo-classroom #tab-captions').click();
        const lines = student.locator('cosmo-classroom [part="transcript"] li');
        await expect.poll(() => lines.count()).toBe(2);
        expect(await lines.nth(1).getAttribute('data-untranslated')).not.toBeNull();
        expect(await axeViolations(student)).toEqual([]);
        expect(await axeViolations(teacher)).toEqual([]);
        expect(errors).toEqual([]);
        await teacher.close();
        await student.close();
      }, 120_000);
    }
  }
});

describe('a token the server refuses', () => {
  it('shows a toast in the UI language with what to do next, and no live class', async () => {
    const demo = await startDemo();
    try {
      const page = await demo.browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`${demo.server.httpUrl}/?lang=ja&token=expired.or.tampered`);
      const toast = page.locator('cosmo-classroom [part="toast"][role="alert"]');
      await toast.waitFor();
      expect(await toast.innerText()).toContain('先生から届いたリンクをもう一度開いてください');
      expect(await toast.getAttribute('data-code')).toBe('NOT_AUTHORIZED');
      await page.locator('cosmo-classroom [data-state="closed"]').waitFor();
      await page.getByText('授業に参加していません。').waitFor();
      expect(await page.getByText('先生を待っています').count()).toBe(0);
      expect(await page.locator('cosmo-classroom [data-count]').count()).toBe(0);
      expect(await page.locator('cosmo-classroom [data-action="leave"]').isDisabled()).toBe(true);
      expect(await layoutProblems(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'layout-refused-token-ja-390.png') });
    } finally {
      await demo.close();
    }
  }, 120_000);
});

describe('the demo on a network', () => {
  it('gives students a link on the address other devices reach', async () => {
    const demo = await startDemo({ demo: true, publicUrl: 'http://192.0.2.10:7880' });
    try {
      const teacher = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
      await teacher.goto(`${demo.server.httpUrl}/?lang=en`);
      await teacher.getByLabel('Your name').fill('Ms Tanaka');
      await teacher.getByLabel('Class title').fill('Physics 2B');
      await teacher.getByRole('button', { name: 'Start class' }).click();
      await teacher.getByRole('button', { name: 'Join class' }).click();
      await waitFor('the teacher to join', connected(teacher));
      const link = await teacher.locator('.share').getAttribute('data-student-link');
      expect(link).toMatch(/^http:\/\/192\.0\.2\.10:7880\/\?class=[\w-]+$/);
      // A reload keeps the class and the same link.
      await teacher.reload();
      await waitFor('the teacher to be back', connected(teacher));
      expect(await teacher.locator('.share').getAttribute('data-student-link')).toBe(link);
    } finally {
      await demo.close();
    }
  }, 120_000);
});

/** Each tile of the class grid: whether it is whole in the grid's visible box, and overlaps. */
function tiles(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const grid = root.querySelector('.grid')!.getBoundingClientRect();
    const aside = root.querySelector('aside')!.getBoundingClientRect();
    const boxes = [...root.querySelectorAll('.tile')].map((t) => t.getBoundingClientRect());
    const overlap = (a: DOMRect, b: DOMRect) =>
      a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    return {
      count: boxes.length,
      whole: boxes.every(
        (b) =>
          b.left >= grid.left - 1 &&
          b.right <= grid.right + 1 &&
          b.top >= grid.top - 1 &&
          b.bottom <= grid.bottom + 1,
      ),
      underSidebar: boxes.some((b) => overlap(b, aside)),
      overlapping: boxes.some((a, i) => boxes.some((b, j) => i < j && overlap(a, b))),
      width: Math.round(Math.min(...boxes.map((b) => b.width))),
    };
  });
}

describe('the class grid with three students at 1280×800 and 390×844', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo());
  }, 120_000);

  afterAll(() => close?.());

  for (const viewport of VIEWPORTS) {
    it(`${viewport.width}×${viewport.height}: every student's tile is whole, none under the sidebar or another tile`, async () => {
      const room = `grid-${viewport.width}`;
      const open = async (identity: string, role: 'teacher' | 'student') => {
        const page = await browser.newPage({ viewport });
        const token = await server.token(room, identity, role);
        await page.goto(`${server.httpUrl}/?lang=en&token=${token}`);
        await waitFor(`${identity} to join`, connected(page));
        return page;
      };
      const teacher = await open('tanaka', 'teacher');
      const students = [];
      for (const name of ['aiko', 'ben', 'chen']) students.push(await open(name, 'student'));
      for (const page of [teacher, ...students]) {
        await waitFor('three tiles', async () => (await tiles(page)).count === 3);
        expect(await tiles(page)).toMatchObject({
          whole: true,
          underSidebar: false,
          overlapping: false,
        });
        expect((await tiles(page)).width).toBeGreaterThanOrEqual(100);
        expect(await layoutProblems(page)).toEqual([]);
      }
      await teacher.screenshot({
        path: join(ARTIFACTS, `grid-three-students-${viewport.width}.png`),
      });
      await Promise.all([teacher, ...students].map((p) => p.close()));
    }, 120_000);
  }
});
