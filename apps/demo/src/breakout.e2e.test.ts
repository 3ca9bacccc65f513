import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, physicsLecture, startDemo } from './browser.js';
import { axeViolations, layoutProblems } from './page-checks.js';

/** Screenshots people look at for this feature (outside the repository). */
const SHOTS = process.env['COSMO_UI_SHOTS'] ?? join(ARTIFACTS, 'breakout');
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
const LANGUAGES = ['en', 'ja', 'zh'] as const;

/** What one page receives from the others in its room, by identity. */
interface Received {
  /** Everyone else in this page's room. */
  others: string[];
  /** Identities whose video tile is decoding frames. */
  video: string[];
  /** Identities whose audio track carries sound. */
  audio: string[];
}

/**
 * Who this page sees and hears: the video tiles that decode, and the remote audio tracks whose
 * samples are not silent (Chromium's fake microphone beeps, so it listens for a while).
 */
function received(page: Page): Promise<Received> {
  return page.evaluate(async () => {
    const el = document.querySelector('cosmo-classroom')!;
    const client = el.client!;
    const identity = (participantId: string) =>
      client.participants.get(participantId)?.identity ?? participantId;
    const selfId = client.self?.id;
    const others = [...client.participants.values()]
      .filter((p) => p.id !== selfId)
      .map((p) => p.identity);
    const video: string[] = [];
    for (const tile of el.shadowRoot!.querySelectorAll<HTMLElement>('[data-participant]')) {
      if (tile.dataset['participant'] === selfId) continue;
      const v = tile.querySelector('cosmo-video')?.shadowRoot?.querySelector('video');
      if (v && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 5)
        video.push(identity(tile.dataset['participant']!));
    }
    const audio: string[] = [];
    const context = new AudioContext();
    await context.resume();
    for (const remote of client.remoteTracks.values()) {
      if (remote.kind !== 'audio') continue;
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(new MediaStream([remote.track])).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      let peak = 0;
      for (let i = 0; i < 30 && peak < 0.01; i++) {
        await new Promise((r) => setTimeout(r, 100));
        analyser.getFloatTimeDomainData(samples);
        for (const s of samples) peak = Math.max(peak, Math.abs(s));
      }
      if (peak >= 0.01) audio.push(identity(remote.participantId));
    }
    await context.close();
    return { others, video, audio };
  });
}

/** Frames the stage video has decoded so far (0 when there is none). */
function stageFrames(page: Page): Promise<number> {
  return page.evaluate(() => {
    const video = document
      .querySelector('cosmo-classroom')
      ?.shadowRoot?.querySelector('.stage cosmo-video')
      ?.shadowRoot?.querySelector('video');
    if (!video || video.videoWidth === 0) return 0;
    return video.getVideoPlaybackQuality().totalVideoFrames;
  });
}

/** The breakout's end (Unix ms) as a page shows it in its countdown. */
async function endsAt(page: Page): Promise<number> {
  return Number(await page.locator('time[data-ends-at]').first().getAttribute('data-ends-at'));
}

describe('breakout rooms in Chromium: a teacher and three students', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({}));
    mkdirSync(SHOTS, { recursive: true });
    expect(
      physicsLecture(server, 'optics-3', [
        ['aiko', 'Aiko Sato'],
        ['ren', 'Ren Ito'],
        ['mei', 'Mei Chen'],
      ]),
    ).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(() => close?.());

  /** Layout problems the screenshots found (asserted at the end, once the flow has run). */
  const problemsOf: string[] = [];

  async function open(identity: string, role: 'teacher' | 'student'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const token = await server.token('optics-3', identity, role);
    await page.goto(`${server.httpUrl}/?lang=en&token=${token}`);
    await page.locator('[data-state="connected"]').waitFor();
    return page;
  }

  async function shoot(page: Page, what: string): Promise<string[]> {
    const problems: string[] = [];
    for (const viewport of VIEWPORTS)
      for (const lang of LANGUAGES) {
        await page.setViewportSize(viewport);
        await page.evaluate((l) => {
          document.querySelector('cosmo-classroom')!.lang = l;
        }, lang);
        await page.waitForTimeout(200);
        problems.push(
          ...(await layoutProblems(page)).map((p) => `${what} ${lang} ${viewport.width}: ${p}`),
        );
        await page.evaluate(() =>
          document
            .querySelector('cosmo-classroom')
            ?.shadowRoot?.querySelector('[role=tabpanel]')
            ?.scrollTo(0, 0),
        );
        await page.screenshot({ path: join(SHOTS, `${what}-${lang}-${viewport.width}.png`) });
      }
    await page.setViewportSize(VIEWPORTS[0]);
    await page.evaluate(() => {
      document.querySelector('cosmo-classroom')!.lang = 'en';
    });
    return problems;
  }

  it('splits the class into two rooms that see and hear only themselves, then calls it back', async () => {
    const teacher = await open('tanaka', 'teacher');
    await teacher.locator('[data-action="camera"]').click();
    await teacher.locator('[data-action="mic"]').click();
    const [aiko, ren, mei] = [
      await open('aiko', 'student'),
      await open('ren', 'student'),
      await open('mei', 'student'),
    ];
    for (const page of [aiko, ren, mei])
      await waitFor('the teacher video to play', async () => (await stageFrames(page)) > 10);

    // Manual: Aiko and Ren in Room 1, Mei in Room 2.
    await teacher.getByRole('tab', { name: /People/ }).click();
    await teacher.locator('details.breakout > summary').click();
    await teacher.getByRole('radio', { name: 'I choose' }).check();
    await teacher.locator('select[data-identity="aiko"]').selectOption('0');
    await teacher.locator('select[data-identity="ren"]').selectOption('0');
    await teacher.locator('select[data-identity="mei"]').selectOption('1');
    problemsOf.push(...(await shoot(teacher, 'breakout-setup')));
    await teacher.getByRole('button', { name: 'Open rooms' }).click();

    for (const [page, room] of [
      [aiko, 'Room 1'],
      [ren, 'Room 1'],
      [mei, 'Room 2'],
    ] as const)
      await page.locator('[part="breakout-banner"]', { hasText: `You are in ${room}` }).waitFor();
    const rooms = teacher.locator('ul.breakout-rooms > li');
    // Tokens without a name: people show by identity.
    await rooms.filter({ hasText: 'Room 1' }).getByText('aiko', { exact: true }).waitFor();
    await rooms.filter({ hasText: 'Room 2' }).getByText('mei', { exact: true }).waitFor();

    // In a breakout room a student's camera and microphone come on: the room-mates see and
    // hear each other, and nobody from the other room.
    await waitFor(
      'Aiko and Ren to see and hear each other',
      async () => {
        const [a, r] = [await received(aiko), await received(ren)];
        return (
          a.video.includes('ren') &&
          a.audio.includes('ren') &&
          r.video.includes('aiko') &&
          r.audio.includes('aiko')
        );
      },
      60_000,
    ).catch(async (err: unknown) => {
      // What each page had, to tell a missing video from a silent track.
      console.error(JSON.stringify([await received(aiko), await received(ren)]));
      await aiko.screenshot({ path: join(SHOTS, 'breakout-failed-aiko.png') });
      throw err;
    });
    const [a, r, m] = [await received(aiko), await received(ren), await received(mei)];
    expect(a.others).toEqual(['ren']);
    expect(r.others).toEqual(['aiko']);
    expect(m).toEqual({ others: [], video: [], audio: [] });
    expect(await mei.locator('[data-action="camera"]').getAttribute('aria-pressed')).toBe('true');

    // "+5 min" moves the end, on the teacher's panel and in every room.
    const before = await endsAt(teacher);
    await teacher.getByRole('button', { name: '+5 min' }).click();
    for (const page of [teacher, aiko, mei])
      await waitFor('the later end', async () => (await endsAt(page)) === before + 300_000);

    // A message reaches both rooms.
    await teacher.getByLabel('Message to all rooms').fill('Two minutes left, wrap up');
    await teacher.getByRole('button', { name: 'Send' }).click();
    for (const page of [aiko, mei])
      await page.locator('[data-breakout-message]', { hasText: 'wrap up' }).waitFor();

    problemsOf.push(
      ...(await shoot(teacher, 'breakout-teacher')),
      ...(await shoot(aiko, 'breakout-student')),
    );

    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(aiko)).toEqual([]);

    await teacher.getByRole('button', { name: 'Call everyone back' }).click();
    for (const page of [aiko, ren, mei]) {
      await waitFor(
        'the student to be back in the main room',
        async () => (await page.locator('[part="breakout-banner"]').count()) === 0,
      );
      await waitFor('the teacher video to play again', async () => (await stageFrames(page)) > 10);
      // Back as the main room starts: a student's camera is off there.
      await waitFor(
        'the camera to be off',
        async () =>
          (await page.locator('[data-action="camera"]').getAttribute('aria-pressed')) === 'false',
      );
    }
    const back = await received(aiko);
    expect(back.others.sort()).toEqual(['mei', 'ren', 'tanaka']);
    expect(problemsOf).toEqual([]);
  }, 180_000);
});
