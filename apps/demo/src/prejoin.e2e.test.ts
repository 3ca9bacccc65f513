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

/** Keeps every track the page opens in `window.tracks`, to see which are live and published. */
function recordTracks(page: Page): Promise<unknown> {
  return page.addInitScript(() => {
    const tracks: MediaStreamTrack[] = [];
    (window as unknown as { tracks: MediaStreamTrack[] }).tracks = tracks;
    const media = navigator.mediaDevices;
    const open = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      tracks.push(...stream.getTracks());
      return stream;
    };
  });
}

/** The pre-join screen as the test sees it: preview playing, devices, meter, published tracks. */
function prejoinState(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector('cosmo-classroom')!;
    const root = el.shadowRoot!;
    const video = root.querySelector('.preview cosmo-video')?.shadowRoot?.querySelector('video');
    const options = (kind: string) =>
      [...root.querySelectorAll<HTMLOptionElement>(`select[data-device=${kind}] option`)].map(
        (o) => ({ value: o.value, label: o.textContent!.trim(), selected: o.selected }),
      );
    const tracks = (window as unknown as { tracks: MediaStreamTrack[] }).tracks;
    return {
      videoWidth: video?.videoWidth ?? 0,
      playing: !!video && !video.paused,
      cameras: options('camera'),
      microphones: options('microphone'),
      level: root.querySelector('meter')?.value ?? -1,
      live: tracks
        .filter((t) => t.readyState === 'live')
        .map((t) => ({ kind: t.kind, deviceId: t.getSettings().deviceId })),
      published: [...(el.client?.localTracks.entries() ?? [])].map(([source, l]) => ({
        source,
        deviceId: l.track.getSettings().deviceId,
      })),
    };
  });
}

/** The meter's readings over two seconds. */
async function meterReadings(page: Page): Promise<number[]> {
  const readings: number[] = [];
  for (let i = 0; i < 20; i++) {
    readings.push((await prejoinState(page)).level);
    await new Promise((r) => setTimeout(r, 100));
  }
  return readings;
}

/** The control that has the keyboard focus, through shadow roots. */
function focused(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return (el as HTMLElement | null)?.dataset['action'] ?? el?.tagName.toLowerCase();
  });
}

/** Checks the pre-join screen of `page` works and fits; returns what it found. */
async function checkPrejoin(page: Page, shot: string) {
  await page.locator('cosmo-classroom [part=prejoin]').waitFor();
  await waitFor('the preview to play', async () => {
    const s = await prejoinState(page);
    return s.videoWidth > 0 && s.playing && s.microphones.some((m) => m.label);
  });
  const state = await prejoinState(page);
  expect(state.cameras.length).toBeGreaterThanOrEqual(1);
  expect(state.cameras.every((c) => c.label && c.value)).toBe(true);
  expect(state.microphones.every((c) => c.label && c.value)).toBe(true);
  const readings = await meterReadings(page);
  expect(Math.max(...readings)).toBeGreaterThan(0.05);
  expect(new Set(readings).size).toBeGreaterThan(3);
  expect(await layoutProblems(page)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`) });
  return state;
}

describe('the pre-join screen at 1280×800 and 390×844, in English, Japanese and Chinese', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // Two fake cameras, so choosing one is a real choice.
    ({ server, browser, close } = await startDemo({ demo: true }, [
      '--use-fake-device-for-media-stream=device-count=2',
    ]));
  }, 120_000);

  afterAll(() => close?.());

  /** The server's view: each participant's name and the sources they publish. */
  const published = () =>
    [...server.server.classrooms.values()].flatMap((c) =>
      [...c.participants.values()].map((p) => ({
        name: p.name,
        sources: [...p.producers.values()].map((m) => m.source).sort(),
      })),
    );

  for (const viewport of VIEWPORTS) {
    for (const lang of LANGUAGES) {
      it(`${lang} at ${viewport.width}×${viewport.height}: preview, devices and meter work and fit; the teacher publishes the chosen camera, a student nothing until allowed`, async () => {
        const shot = (who: string) => `prejoin-${who}-${lang}-${viewport.width}`;
        const errors: string[] = [];
        const teacher = await browser.newPage({ viewport });
        teacher.on('pageerror', (e) => errors.push(e.message));
        await recordTracks(teacher);
        await teacher.goto(`${server.httpUrl}/?lang=${lang}`);
        const title = `Prejoin ${lang} ${viewport.width}`;
        await teacher.locator('input[name=teacherName]').fill(`Ms Tanaka ${lang}`);
        await teacher.locator('input[name=title]').fill(title);
        await teacher.locator('button[type=submit]').click();
        const before = await checkPrejoin(teacher, shot('teacher'));
        expect(await connected(teacher)()).toBe(false);
        expect(before.published).toEqual([]);

        // Choose the second camera: the preview switches to it, and it is what gets published.
        expect(before.cameras.length).toBe(2);
        const chosen = before.cameras.find((c) => !c.selected)!.value;
        await teacher.locator('cosmo-classroom select[data-device=camera]').selectOption(chosen);
        await waitFor('the preview to switch camera', async () => {
          const s = await prejoinState(teacher);
          return (
            s.videoWidth > 0 && s.live.some((t) => t.kind === 'video' && t.deviceId === chosen)
          );
        });
        const events: unknown[] = [];
        await teacher.exposeFunction('onPrejoinReady', (d: unknown) => events.push(d));
        await teacher.evaluate(() =>
          document
            .querySelector('cosmo-classroom')!
            .addEventListener('cosmo-prejoin-ready', (e) =>
              (window as unknown as { onPrejoinReady(d: unknown): void }).onPrejoinReady(e.detail),
            ),
        );
        await teacher.locator('cosmo-classroom [data-action=join]').click();
        await waitFor('the teacher to join', connected(teacher));
        await waitFor('the teacher to publish', async () => {
          const s = await prejoinState(teacher);
          return s.published.length === 2;
        });
        const after = await prejoinState(teacher);
        expect(after.published.find((p) => p.source === 'camera')?.deviceId).toBe(chosen);
        // The preview's tracks are the published ones: nothing else is held open.
        expect(after.live.length).toBe(2);
        expect(events).toEqual([
          {
            camera: { on: true, deviceId: chosen },
            microphone: { on: true, deviceId: expect.any(String) },
          },
        ]);
        await waitFor('the server to see the teacher publish', () =>
          published().some(
            (p) => p.name === `Ms Tanaka ${lang}` && p.sources.join() === 'camera,microphone',
          ),
        );

        // A student checks their devices, joins by keyboard, and publishes nothing (a lecture):
        // their camera is closed until the teacher lets them; the microphone they left on goes
        // live when the teacher lets them speak.
        const link = (await teacher.locator('.share').getAttribute('data-student-link'))!;
        const student = await browser.newPage({ viewport });
        student.on('pageerror', (e) => errors.push(e.message));
        await recordTracks(student);
        await student.goto(`${link}&lang=${lang}`);
        const name = `Aiko ${lang} ${viewport.width}`;
        await student.locator('input[name=name]').fill(name);
        await student.locator('button[type=submit]').click();
        const studentBefore = await checkPrejoin(student, shot('student'));
        expect(await student.locator('cosmo-classroom .prejoin .hint').count()).toBe(1);
        for (let i = 0; i < 12 && (await focused(student)) !== 'join'; i++)
          await student.keyboard.press('Tab');
        expect(await focused(student)).toBe('join');
        await student.keyboard.press('Enter');
        await waitFor('the student to join', connected(student));
        await waitFor('the student to close the preview devices', async () => {
          const s = await prejoinState(student);
          return s.live.length === 0;
        });
        expect((await prejoinState(student)).published).toEqual([]);
        expect(published().find((p) => p.name === name)?.sources).toEqual([]);

        await teacher.evaluate(async (who) => {
          const client = document.querySelector('cosmo-classroom')!.client!;
          const p = [...client.participants.values()].find((x) => x.name === who)!;
          await client.setPermissions(p.id, { ...p.permissions, speak: true });
        }, name);
        await waitFor('the student microphone to go live', async () => {
          const s = await prejoinState(student);
          return s.published.some((p) => p.source === 'microphone');
        });
        const chosenMic = studentBefore.microphones.find((m) => m.selected)?.value;
        expect((await prejoinState(student)).published).toEqual([
          { source: 'microphone', deviceId: chosenMic },
        ]);
        expect(errors).toEqual([]);
        await teacher.close();
        await student.close();
      }, 120_000);
    }
  }
});

describe('a camera that is missing and a microphone the browser blocks', () => {
  it('says so in the UI language with what to do next, and still joins without them', async () => {
    const demo = await startDemo({ demo: true });
    try {
      const page = await demo.browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = (c) =>
          Promise.reject(
            c?.video
              ? new DOMException('no camera', 'NotFoundError')
              : new DOMException('denied', 'NotAllowedError'),
          );
      });
      await page.goto(`${demo.server.httpUrl}/?lang=ja`);
      await page.locator('input[name=teacherName]').fill('田中先生');
      await page.locator('input[name=title]').fill('物理');
      await page.locator('button[type=submit]').click();
      const alert = page.locator('cosmo-classroom .prejoin [role=alert]');
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toContain('カメラ:');
      expect(text).toContain('見つかりません。接続して「もう一度」を押す');
      expect(text).toContain('マイク:');
      expect(text).toContain('アドレスバーのアイコンから許可して');
      expect(await layoutProblems(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'prejoin-blocked-ja-390.png') });
      await page.locator('cosmo-classroom [data-action=join]').click();
      await waitFor('the teacher to join without media', connected(page));
      expect(
        await page.evaluate(
          () => document.querySelector('cosmo-classroom')!.client!.localTracks.size,
        ),
      ).toBe(0);
      expect(await page.locator('cosmo-classroom [part=toast]').count()).toBe(0);
    } finally {
      await demo.close();
    }
  }, 120_000);
});
