import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, physicsLecture, startDemo } from './browser.js';
import { axeViolations, connected, layoutProblems } from './page-checks.js';

/** Screenshots people look at for this feature (outside the repository). */
const SHOTS = process.env['COSMO_UI_SHOTS'] ?? join(ARTIFACTS, 'board');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
const LANGUAGES = ['en', 'ja', 'zh'] as const;
const ROOM = 'board-class';
/** A board shape as the test reads it (the demo does not depend on @cosmo/core). */
interface BoardShape {
  id: string;
  t: 'stroke' | 'line' | 'arrow' | 'rect' | 'ellipse' | 'text' | 'image';
  by: string;
  color: string;
  size: number;
  points?: number[];
  text?: string;
}

/** Generous: Chromium pages and a real server on a loaded machine. */
const SLOW = { timeout: 60_000 };

/** The board as the element's client holds it: on stage or not, the page on stage, its shapes. */
function boardOf(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector('cosmo-classroom') as unknown as {
      client?: {
        board: {
          stage: { onStage: boolean; page: string };
          shapes(page: string): BoardShape[];
          synced: boolean;
        };
      };
    };
    const board = el.client?.board;
    if (!board) return { onStage: false, page: '', shapes: [] as BoardShape[], synced: false };
    const { onStage, page } = board.stage;
    return { onStage, page, shapes: page ? board.shapes(page) : [], synced: board.synced };
  });
}

/**
 * How many of the pixels around each point (board units) of the page's canvas are not the white
 * paper: ink drawn there.
 */
function inkAt(page: Page, points: [number, number][]) {
  return page.evaluate((points) => {
    const surface = document
      .querySelector('cosmo-classroom')!
      .shadowRoot!.querySelector('cosmo-board-surface')!;
    const canvas = surface.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.page')!;
    const ctx = canvas.getContext('2d')!;
    const k = canvas.width / 1600;
    return points.map(([x, y]) => {
      const d = ctx.getImageData(Math.round(x * k) - 4, Math.round(y * k) - 4, 9, 9).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4)
        if (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200) ink++;
      return ink;
    });
  }, points);
}

/** Draws through the points (board units) with the mouse on the board's canvas. */
async function drawStroke(page: Page, points: [number, number][]): Promise<void> {
  const live = page.locator('cosmo-classroom cosmo-board-surface canvas.live');
  await live.waitFor(SLOW);
  const box = (await live.boundingBox())!;
  const k = box.width / 1600;
  const at = ([x, y]: [number, number]) => [box.x + x * k, box.y + y * k] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 5 });
  await page.mouse.up();
}

const TEACHER_STROKE: [number, number][] = [
  [200, 200],
  [400, 260],
  [600, 220],
  [800, 300],
];
const AIKO_STROKE: [number, number][] = [
  [200, 600],
  [450, 650],
  [700, 600],
];
const OFFLINE_STROKE: [number, number][] = [
  [1000, 600],
  [1200, 700],
  [1400, 620],
];

describe('the shared board in Chromium: on stage, drawing, text in Japanese, late joiners, a cut connection, undo', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({ resumeGraceMs: 60_000 }));
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(() => close?.());

  async function open(identity: string, role: 'teacher' | 'student', lang = 'en') {
    const page = await browser.newPage({ viewport: VIEWPORTS[0] });
    page.on('pageerror', (e) => errors.push(`${identity}: ${e.message}`));
    const token = await server.token(ROOM, identity, role);
    await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
    await waitFor(`${identity} to join`, connected(page), 60_000);
    return page;
  }

  /** Sets the element's UI language and the page's size, for a screenshot. */
  async function look(page: Page, lang: string, viewport: { width: number; height: number }) {
    await page.setViewportSize(viewport);
    await page.evaluate((l) => {
      document.querySelector('cosmo-classroom')!.lang = l;
    }, lang);
    await page.waitForTimeout(250);
  }

  /** Screenshots at both sizes in the three languages; what does not fit. */
  async function shoot(page: Page, what: string): Promise<string[]> {
    const problems: string[] = [];
    for (const viewport of VIEWPORTS)
      for (const lang of LANGUAGES) {
        await look(page, lang, viewport);
        problems.push(
          ...(await layoutProblems(page)).map((p) => `${what} ${lang} ${viewport.width}: ${p}`),
        );
        await page.evaluate(() =>
          document
            .querySelector('cosmo-classroom')
            ?.shadowRoot?.querySelector('.board-toolbar')
            ?.scrollTo(0, 0),
        );
        await page.screenshot({ path: join(SHOTS, `${what}-${lang}-${viewport.width}.png`) });
      }
    await look(page, 'en', VIEWPORTS[0]);
    return problems;
  }

  let teacher: Page;
  let aiko: Page;
  let mei: Page;
  let teacherShapes: string[] = [];
  let aikoOnline = '';
  let aikoId = '';

  it('the teacher puts the board on stage for everyone, draws a stroke and writes 日本語 once, after composition', async () => {
    teacher = await open('tanaka', 'teacher');
    aiko = await open('aiko', 'student');

    await teacher.locator('cosmo-classroom [data-action="board"]').click();
    await teacher.locator('cosmo-classroom [part="board"]').waitFor(SLOW);
    expect(
      await teacher.locator('cosmo-classroom [data-action="board"]').getAttribute('aria-pressed'),
    ).toBe('true');
    // The student's stage follows: the board instead of the teacher's camera.
    await aiko.locator('cosmo-classroom [part="board"]').waitFor(SLOW);
    expect((await boardOf(aiko)).onStage).toBe(true);
    // Without Draw, a student has no drawing tools.
    expect(await aiko.locator('cosmo-classroom [data-tool="pen"]').count()).toBe(0);

    await drawStroke(teacher, TEACHER_STROKE);
    await waitFor('the teacher’s stroke', async () => (await boardOf(teacher)).shapes.length === 1);
    const [stroke] = (await boardOf(teacher)).shapes;
    expect(stroke).toMatchObject({ t: 'stroke', by: 'tanaka' });
    const points = stroke!.points!;
    expect(points.length % 3).toBe(0);
    expect(points.length / 3).toBeGreaterThan(3);
    expect(points.length / 3).toBeLessThanOrEqual(2000);

    // Text: typed in a real text box, composed by an input method (as headless Chromium can).
    await teacher.locator('cosmo-classroom [data-tool="text"]').click();
    const live = teacher.locator('cosmo-classroom cosmo-board-surface canvas.live');
    const box = (await live.boundingBox())!;
    const k = box.width / 1600;
    await teacher.mouse.click(box.x + 900 * k, box.y + 120 * k);
    const textbox = teacher.locator('cosmo-classroom [part="board-text"]');
    await textbox.waitFor();
    await expect.poll(() => textbox.evaluate((el) => el.matches(':focus'))).toBe(true);
    await textbox.dispatchEvent('compositionstart', { data: '' });
    await teacher.keyboard.insertText('日本語');
    // Enter while the input method composes picks a candidate: nothing is placed yet.
    await teacher.keyboard.press('Enter');
    await teacher.waitForTimeout(300);
    expect((await boardOf(teacher)).shapes.filter((s) => s.t === 'text')).toEqual([]);
    await textbox.dispatchEvent('compositionend', { data: '日本語' });
    await teacher.keyboard.press('Enter');
    await waitFor('the text', async () =>
      (await boardOf(teacher)).shapes.some((s) => s.t === 'text'),
    );
    await textbox.waitFor({ state: 'detached' });
    await teacher.waitForTimeout(500);
    const texts = (await boardOf(teacher)).shapes.filter((s) => s.t === 'text');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ t: 'text', text: '日本語', by: 'tanaka' });
    teacherShapes = (await boardOf(teacher)).shapes.map((s) => s.id);

    // The student sees both.
    await waitFor('both at aiko', async () => (await boardOf(aiko)).shapes.length === 2, 60_000);
  }, 180_000);

  it('a student granted Draw adds a stroke; a late joiner sees everything, in the document and on the canvas', async () => {
    aikoId = await aiko.evaluate(
      () =>
        (
          document.querySelector('cosmo-classroom') as unknown as {
            client: { self: { id: string } };
          }
        ).client.self.id,
    );
    await teacher.locator('cosmo-classroom #tab-people').click();
    const draw = teacher.locator(
      `cosmo-classroom li[data-participant="${aikoId}"] [data-action="draw"]`,
    );
    await draw.click();
    await expect.poll(() => draw.getAttribute('aria-pressed'), SLOW).toBe('true');
    await aiko.locator('cosmo-classroom [data-tool="pen"]').waitFor(SLOW);

    await aiko.locator('cosmo-classroom [data-color="#e03131"]').click();
    await drawStroke(aiko, AIKO_STROKE);
    await waitFor(
      'aiko’s stroke at the teacher',
      async () => (await boardOf(teacher)).shapes.some((s) => s.by === 'aiko'),
      60_000,
    );
    const mine = (await boardOf(aiko)).shapes.find((s) => s.by === 'aiko')!;
    expect(mine).toMatchObject({ t: 'stroke', color: '#e03131' });
    aikoOnline = mine.id;

    mei = await open('mei', 'student');
    await mei.locator('cosmo-classroom [part="board"]').waitFor(SLOW);
    await waitFor('the board at mei', async () => (await boardOf(mei)).shapes.length === 3, 60_000);
    const seen = await boardOf(mei);
    expect(seen.shapes.map((s) => s.id)).toEqual([...teacherShapes, aikoOnline]);
    // On her canvas: ink where each stroke runs, none where nothing was drawn.
    await waitFor('the strokes painted at mei', async () => {
      const ink = await inkAt(mei, [
        TEACHER_STROKE[0]!,
        TEACHER_STROKE.at(-1)!,
        AIKO_STROKE[0]!,
        AIKO_STROKE.at(-1)!,
      ]);
      return ink.every((n) => n > 0);
    });
    expect(
      await inkAt(mei, [
        [1500, 80],
        [100, 850],
      ]),
    ).toEqual([0, 0]);
  }, 180_000);

  it('the board on stage fits at 1280×800 and 390×844 in English, Japanese and Chinese', async () => {
    const problems = [...(await shoot(teacher, 'teacher')), ...(await shoot(mei, 'student'))];
    expect(problems).toEqual([]);
    // At 1280 the Board toggle keeps the teacher's control bar on one row, Leave included.
    for (const lang of LANGUAGES) {
      await look(teacher, lang, VIEWPORTS[0]);
      const rows = await teacher.evaluate(() => {
        const footer = document
          .querySelector('cosmo-classroom')!
          .shadowRoot!.querySelector('footer')!;
        const widths = [...footer.children].map(
          (c) => `${c.className}:${Math.round(c.getBoundingClientRect().width)}`,
        );
        const tops = new Set(
          [
            ...footer.querySelectorAll<HTMLElement>(
              '[data-action="mic"], [data-action="leave"], [data-action="board"]',
            ),
          ].map((b) => Math.round(b.getBoundingClientRect().top)),
        );
        return { rows: tops.size, widths: widths.join(' '), width: footer.clientWidth };
      });
      expect(rows.rows, `${lang}: ${rows.widths} in ${rows.width}`).toBe(1);
    }
    // Locked ("Unlock room" is longer) too.
    await look(teacher, 'en', VIEWPORTS[0]);
    await teacher.locator('cosmo-classroom [data-action="lock"]').click();
    await teacher.locator('cosmo-classroom [data-action="lock"]', { hasText: 'Unlock' }).waitFor();
    const locked = await teacher.evaluate(() => {
      const footer = document
        .querySelector('cosmo-classroom')!
        .shadowRoot!.querySelector('footer')!;
      const top = (a: string) =>
        Math.round(footer.querySelector(`[data-action="${a}"]`)!.getBoundingClientRect().top);
      return top('mic') === top('leave');
    });
    await teacher.locator('cosmo-classroom [data-action="lock"]').click();
    await teacher
      .locator('cosmo-classroom [data-action="lock"]', { hasText: /^\s*Lock/ })
      .waitFor();
    expect(locked).toBe(true);
    // On a phone the Board toggle is among the class tools, in their menu.
    await look(teacher, 'ja', VIEWPORTS[1]);
    await teacher.locator('cosmo-classroom [data-action="tools"]').click();
    expect(await layoutProblems(teacher)).toEqual([]);
    await teacher.screenshot({ path: join(SHOTS, 'teacher-tools-ja-390.png') });
    await teacher.locator('cosmo-classroom [data-action="tools"]').click();
    await look(teacher, 'en', VIEWPORTS[0]);
    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(mei)).toEqual([]);
  }, 240_000);

  it('strokes drawn while a student’s connection is cut for 5 s reach everyone when it is back; undo takes back only one’s own', async () => {
    // The network goes, and the socket with it: the SDK resumes once it can connect again.
    await aiko.context().setOffline(true);
    await aiko.evaluate(() =>
      (
        document.querySelector('cosmo-classroom') as unknown as {
          client: { dropConnectionForTesting(): void };
        }
      ).client.dropConnectionForTesting(),
    );
    await aiko.locator('cosmo-classroom [data-state="reconnecting"]').waitFor(SLOW);
    await drawStroke(aiko, OFFLINE_STROKE);
    const offline = (await boardOf(aiko)).shapes.find(
      (s) => s.by === 'aiko' && s.id !== aikoOnline,
    );
    expect(offline).toBeDefined();
    await aiko.waitForTimeout(5000);
    expect((await boardOf(teacher)).shapes.map((s) => s.id)).not.toContain(offline!.id);
    await aiko.context().setOffline(false);
    await waitFor('aiko back', connected(aiko), 90_000);
    await waitFor(
      'the offline stroke at the teacher',
      async () => (await boardOf(teacher)).shapes.some((s) => s.id === offline!.id),
      90_000,
    );
    await waitFor(
      'the offline stroke at mei',
      async () => (await boardOf(mei)).shapes.some((s) => s.id === offline!.id),
      60_000,
    );
    await waitFor('ink at the teacher', async () =>
      (await inkAt(teacher, [OFFLINE_STROKE[0]!])).every((n) => n > 0),
    );

    // Aiko's Ctrl+Z takes back her own last stroke, nobody else's.
    await aiko.keyboard.press('Control+z');
    await waitFor(
      'the undo at the teacher',
      async () => !(await boardOf(teacher)).shapes.some((s) => s.id === offline!.id),
      60_000,
    );
    expect((await boardOf(teacher)).shapes.map((s) => s.id)).toEqual([
      ...teacherShapes,
      aikoOnline,
    ]);
    await waitFor('the undo at mei', async () => (await boardOf(mei)).shapes.length === 3, 60_000);

    // The teacher's Undo button takes back her text, and leaves aiko's stroke.
    await teacher.locator('cosmo-classroom [data-action="board-undo"]').click();
    await waitFor(
      'the teacher’s undo at aiko',
      async () => !(await boardOf(aiko)).shapes.some((s) => s.t === 'text'),
      60_000,
    );
    expect((await boardOf(aiko)).shapes.map((s) => s.id)).toEqual([teacherShapes[0], aikoOnline]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('a student erases only their own; a locked page refuses them, in their language', async () => {
    await mei.evaluate(() => {
      document.querySelector('cosmo-classroom')!.lang = 'ja';
    });
    // The teacher locks the page: aiko's tools go.
    await teacher.locator('cosmo-classroom [data-action="board-lock"]').click();
    await aiko.locator('cosmo-classroom [part="board"][data-locked]').waitFor(SLOW);
    expect(await aiko.locator('cosmo-classroom [data-tool="pen"]').count()).toBe(0);
    // A change made anyway (the SDK refuses before sending) is told in the UI language.
    await aiko.evaluate(() => {
      document.querySelector('cosmo-classroom')!.lang = 'ja';
    });
    await aiko.evaluate(() => {
      const el = document.querySelector('cosmo-classroom') as unknown as {
        client: { board: { add(page: string, shape: object): string; stage: { page: string } } };
      };
      try {
        el.client.board.add(el.client.board.stage.page, {
          t: 'line',
          color: '#000000',
          size: 3,
          x1: 0,
          y1: 0,
          x2: 10,
          y2: 10,
        });
      } catch (e) {
        (window as unknown as { lastBoardError: unknown }).lastBoardError = (
          e as { reason?: string }
        ).reason;
      }
    });
    expect(
      await aiko.evaluate(() => (window as unknown as { lastBoardError: unknown }).lastBoardError),
    ).toBe('BOARD_LOCKED');
    await teacher.locator('cosmo-classroom [data-action="board-lock"]').click();
    await aiko.locator('cosmo-classroom [data-tool="eraser"]').waitFor(SLOW);

    // Aiko's eraser over the teacher's stroke and her own: only hers goes.
    await aiko.locator('cosmo-classroom [data-tool="eraser"]').click();
    await drawStroke(aiko, [TEACHER_STROKE[1]!, TEACHER_STROKE[2]!]);
    await drawStroke(aiko, [AIKO_STROKE[0]!, AIKO_STROKE[1]!]);
    await waitFor(
      'aiko’s erasure at the teacher',
      async () => !(await boardOf(teacher)).shapes.some((s) => s.id === aikoOnline),
      60_000,
    );
    expect((await boardOf(teacher)).shapes.map((s) => s.id)).toEqual([teacherShapes[0]]);

    // Draw taken away while aiko is offline: what she drew meanwhile is refused when she is
    // back, and she is told why in her language (the board goes back to the server's).
    await aiko.evaluate(() => {
      document.querySelector('cosmo-classroom')!.lang = 'ja';
    });
    await aiko.context().setOffline(true);
    await aiko.evaluate(() =>
      (
        document.querySelector('cosmo-classroom') as unknown as {
          client: { dropConnectionForTesting(): void };
        }
      ).client.dropConnectionForTesting(),
    );
    await aiko.locator('cosmo-classroom [data-state="reconnecting"]').waitFor(SLOW);
    const draw = teacher.locator(
      `cosmo-classroom li[data-participant="${aikoId}"] [data-action="draw"]`,
    );
    await draw.click();
    await expect.poll(() => draw.getAttribute('aria-pressed'), SLOW).toBe('false');
    await aiko.locator('cosmo-classroom [data-tool="pen"]').click();
    await drawStroke(aiko, AIKO_STROKE);
    await aiko.context().setOffline(false);
    const toast = aiko.locator('cosmo-classroom [part="toast"][data-reason="BOARD_NOT_ALLOWED"]');
    await toast.waitFor({ timeout: 90_000 });
    expect(await toast.innerText()).toContain('まだ描けません');
    expect(await layoutProblems(aiko)).toEqual([]);
    await aiko.screenshot({ path: join(SHOTS, 'refused-ja-1280.png') });
    await waitFor(
      'aiko’s board back to the server’s',
      async () => (await boardOf(aiko)).shapes.length === 1,
      60_000,
    );
    expect(await aiko.locator('cosmo-classroom [data-tool="pen"]').count()).toBe(0);

    // Exports: this page as a 1600×900 PNG, the whole board (now three pages) as a PDF.
    const png = teacher.waitForEvent('download', SLOW);
    await teacher.locator('cosmo-classroom [data-action="board-png"]').click();
    const pngFile = await (await png).path();
    const pngBytes = readFileSync(pngFile);
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
    expect([pngBytes.readUInt32BE(16), pngBytes.readUInt32BE(20)]).toEqual([1600, 900]);
    await teacher.locator('cosmo-classroom [data-action="board-add-page"]').click();
    await teacher.locator('cosmo-classroom [data-board-page="2"]').waitFor(SLOW);
    // Students follow the page on stage.
    await mei.locator('cosmo-classroom [data-board-page="2"]').waitFor(SLOW);
    await teacher.locator('cosmo-classroom [data-action="board-add-page"]').click();
    await teacher.locator('cosmo-classroom [data-board-page="3"]').waitFor(SLOW);
    const pdf = teacher.waitForEvent('download', SLOW);
    await teacher.locator('cosmo-classroom [data-action="board-pdf"]').click();
    const pdfBytes = readFileSync(await (await pdf).path()).toString('latin1');
    expect(pdfBytes.startsWith('%PDF-')).toBe(true);
    expect(pdfBytes.match(/\/Type \/Page\b/g)).toHaveLength(3);
    await teacher.locator('cosmo-classroom [data-action="board-prev"]').click();
    await mei.locator('cosmo-classroom [data-board-page="2"]').waitFor(SLOW);

    // The teacher takes the board off the stage: everyone sees her camera again.
    await teacher.locator('cosmo-classroom [data-action="board"]').click();
    await mei.locator('cosmo-classroom [part="board"]').waitFor({ state: 'detached', ...SLOW });
    expect(errors).toEqual([]);
  }, 180_000);
});

/** A solid-colour PNG of `w` × `h` pixels. */
function solidPng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const row = w * 3 + 1;
  const raw = Buffer.alloc(row * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb, y * row + 1 + x * 3);
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('a handout picture on the board in Chromium', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({}));
    expect(physicsLecture(server, 'optics-1', [['aiko', 'Aiko Sato']])).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(() => close?.());

  it('the teacher picks a picture from the class handouts: it stands in the middle of the page at its proportions, for everyone, and in the export', async () => {
    const upload = await fetch(`${server.httpUrl}/api/handouts?class=2B&filename=Map.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.token('optics-1', 'tanaka', 'teacher')}` },
      body: new Uint8Array(solidPng(80, 40, [20, 60, 220])),
    });
    expect(upload.status).toBe(201);
    const open = async (identity: string, role: 'teacher' | 'student') => {
      const page = await browser.newPage({ viewport: VIEWPORTS[0] });
      const token = await server.token('optics-1', identity, role);
      await page.goto(`${server.httpUrl}/?lang=ja&token=${token}`);
      await waitFor(`${identity} to join`, connected(page), 60_000);
      return page;
    };
    const teacher = await open('tanaka', 'teacher');
    const aiko = await open('aiko', 'student');
    await teacher.locator('cosmo-classroom [data-action="board"]').click();
    const picker = teacher.locator('cosmo-classroom [data-action="board-image"]');
    await picker.waitFor(SLOW);
    await picker.selectOption({ label: 'Map.png' });
    await waitFor('the picture on the board', async () =>
      (await boardOf(teacher)).shapes.some((s) => s.t === 'image'),
    );
    const image = (await boardOf(teacher)).shapes.find((s) => s.t === 'image') as unknown as {
      x: number;
      y: number;
      w: number;
      h: number;
    };
    expect(image.w / image.h).toBeCloseTo(2, 1);
    expect(image.x + image.w / 2).toBeCloseTo(800, -1);
    // Painted on both canvases: blue in the middle of the page.
    const blue = (page: Page) =>
      page.evaluate(() => {
        const surface = document
          .querySelector('cosmo-classroom')!
          .shadowRoot!.querySelector('cosmo-board-surface')!;
        const canvas = surface.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.page')!;
        const [r, g, b] = canvas
          .getContext('2d')!
          .getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
        return b! > 180 && r! < 80 && g! < 120;
      });
    await waitFor('the picture at the teacher', () => blue(teacher), 30_000);
    await waitFor('the picture at aiko', () => blue(aiko), 60_000);
    // The page's PNG has it too (the handout is same-origin: nothing is left out).
    const png = teacher.waitForEvent('download', SLOW);
    await teacher.locator('cosmo-classroom [data-action="board-png"]').click();
    const pixel = await teacher.evaluate(
      async (bytes) => {
        const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return [...ctx.getImageData(800, 450, 1, 1).data];
      },
      [...readFileSync(await (await png).path())],
    );
    expect(pixel.slice(0, 3)).toEqual([20, 60, 220]);
    await teacher.screenshot({ path: join(SHOTS, 'picture-ja-1280.png') });
    await teacher.close();
    await aiko.close();
  }, 180_000);
});
