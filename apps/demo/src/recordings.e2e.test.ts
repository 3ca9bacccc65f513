import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, startDemo } from './browser.js';
import { axeViolations, connected, layoutProblems } from './page-checks.js';

const ROSTER = [
  'school_id,school_name,class_id,class_name,person_id,person_name,role',
  'tokyo,Tokyo International,2B,Physics 2B,tanaka,Tanaka Yui,teacher',
  'tokyo,Tokyo International,2B,Physics 2B,mateo,Mateo García,student',
  'tokyo,Tokyo International,3A,History 3A,ito,Ito Ken,teacher',
  'tokyo,Tokyo International,3A,History 3A,hana,Hana Mori,student',
].join('\n');

/** Longer than the element waits between asking for the list while something is published (3 s). */
const POLL_WAIT_MS = 4_500;

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const CAPTIONS_JA =
  'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n今日は光学です。\n\n00:00:06.000 --> 00:00:09.000\nこんにちは、みなさん\n';
const CAPTIONS_ES =
  'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHoy estudiamos óptica.\n\n00:00:06.000 --> 00:00:09.000\nHola clase\n';
const CHAPTERS =
  'WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nIntroduction\n\n00:00:05.000 --> 00:00:12.000\nPoll: Which lens makes the image bigger?\n';

/** What the page shows of its recording player: the tracks, and the cues showing now. */
function player(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
    const video = root.querySelector<HTMLVideoElement>('[part="recording-player"] video');
    if (!video) return undefined;
    const tracks = [...video.textTracks].map((t) => ({
      kind: t.kind,
      language: t.language,
      label: t.label,
      mode: t.mode,
      active: [...(t.activeCues ?? [])].map((c) => (c as VTTCue).text),
    }));
    return {
      time: video.currentTime,
      duration: video.duration,
      readyState: video.readyState,
      crossOrigin: video.crossOrigin,
      tracks,
    };
  });
}

describe('recorded lectures in Chromium', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;
  let scratch: string;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({}));
    const school = server.server.school!;
    expect(school.importRosterCsv(ROSTER)).toMatchObject({ ok: true });
    const now = Date.now();
    school.addLecture({
      id: 'optics-1',
      classId: '2B',
      title: 'Optics',
      startsAt: now - 60_000,
      endsAt: now + 3_600_000,
    });

    // A real 12-second VP8/Opus WebM, as the publisher leaves it, with captions and chapters.
    scratch = mkdtempSync(join(tmpdir(), 'cosmo-rec-demo-'));
    const webm = join(scratch, 'lecture.webm');
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440'],
      ...['-t', '12', '-c:v', 'libvpx', '-c:a', 'libopus', webm],
    ]);
    school.addRecording({
      id: 'rec-optics',
      room: 'optics-1',
      title: 'Optics: lenses (part 1)',
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt: T0,
    });
    school.updateRecording('rec-optics', {
      status: 'ready',
      progress: 1,
      endedAt: T0 + 12_000,
      durationMs: 12_000,
      languages: ['ja', 'es'],
      chapters: [
        { atMs: 0, title: 'Introduction' },
        { atMs: 5_000, title: 'Poll: Which lens makes the image bigger?' },
      ],
    });
    const dir = join(server.server.config.dataDir, 'recordings', 'rec-optics');
    mkdirSync(dir, { recursive: true });
    execFileSync('cp', [webm, join(dir, 'lecture.webm')]);
    writeFileSync(join(dir, 'captions.ja.vtt'), CAPTIONS_JA);
    writeFileSync(join(dir, 'captions.es.vtt'), CAPTIONS_ES);
    writeFileSync(join(dir, 'chapters.vtt'), CHAPTERS);
    // One still being published, and one that failed.
    school.addRecording({
      id: 'rec-waves',
      room: 'optics-1',
      title: 'Waves and the long road to the telescope',
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt: T0 + 86_400_000,
    });
    school.updateRecording('rec-waves', { status: 'publishing', progress: 0.42 });
    school.addRecording({
      id: 'rec-lost',
      room: 'optics-1',
      title: 'Lab safety',
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt: T0 - 86_400_000,
    });
    school.updateRecording('rec-lost', { status: 'failed', error: 'ffmpeg failed' });
  }, 120_000);

  afterAll(async () => {
    await close?.();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function open(
    room: string,
    identity: string,
    role: 'teacher' | 'student',
    lang = 'en',
    viewport = { width: 1280, height: 800 },
  ): Promise<Page> {
    const page = await browser.newPage({ viewport });
    const token = await server.token(room, identity, role);
    await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
    await waitFor(`${identity} to join`, connected(page));
    return page;
  }

  it('a Spanish-reading student plays the recording from the tab, seeks, and reads the Spanish caption; another class gets 403', async () => {
    const mateo = await open('optics-1', 'mateo', 'student');
    const ranges: number[] = [];
    mateo.on('response', (res) => {
      if (res.url().includes('/api/recordings/rec-optics/media')) ranges.push(res.status());
    });
    // Mateo reads captions in Spanish.
    await mateo.evaluate(() =>
      document.querySelector('cosmo-classroom')!.client!.subscribeCaptions('es'),
    );
    await waitFor('his caption language', () =>
      mateo.evaluate(
        () => document.querySelector('cosmo-classroom')!.client!.self?.captionLanguage === 'es',
      ),
    );

    await mateo.getByRole('tab', { name: 'Recordings' }).click();
    const list = mateo.locator('cosmo-classroom [part="recording-list"]');
    await list.locator('li[data-status="publishing"]', { hasText: 'Publishing… 42%' }).waitFor();
    await list.locator('li[data-status="failed"]', { hasText: 'Failed' }).waitFor();
    // The list is asked again while something is being published: the bar moves on.
    server.server.school!.updateRecording('rec-waves', { progress: 0.8 });
    await list.locator('li[data-status="publishing"]', { hasText: '80%' }).waitFor();

    await list.getByRole('button', { name: /Optics: lenses \(part 1\)/ }).click();
    await waitFor('the video to load', async () => ((await player(mateo))?.readyState ?? 0) >= 1);
    const loaded = (await player(mateo))!;
    expect(loaded.crossOrigin).toBe('anonymous');
    expect(loaded.duration).toBeGreaterThan(11);
    expect(loaded.tracks).toEqual([
      expect.objectContaining({ kind: 'subtitles', language: 'ja', label: '日本語' }),
      expect.objectContaining({ kind: 'subtitles', language: 'es', label: 'Español' }),
      expect.objectContaining({ kind: 'chapters' }),
    ]);
    // His caption language is the one shown.
    expect(loaded.tracks.find((t) => t.language === 'es')!.mode).toBe('showing');
    expect(loaded.tracks.find((t) => t.language === 'ja')!.mode).toBe('disabled');
    // Students see no Download until a teacher allows it.
    expect(await mateo.locator('cosmo-classroom [part="recording-download"]').count()).toBe(0);

    // Play, then seek to 7 s: the server answers ranges, and the Spanish cue is on screen.
    await mateo.evaluate(async () => {
      const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
      const video = root.querySelector<HTMLVideoElement>('[part="recording-player"] video')!;
      video.muted = true;
      await video.play();
    });
    await waitFor('it to play', async () => ((await player(mateo))?.time ?? 0) > 0.2);
    await mateo.evaluate(() => {
      const root = document.querySelector('cosmo-classroom')!.shadowRoot!;
      root.querySelector<HTMLVideoElement>('[part="recording-player"] video')!.currentTime = 7;
    });
    await waitFor('the Spanish cue at 7 s', async () => {
      const p = await player(mateo);
      return !!p?.tracks.find((t) => t.language === 'es')?.active.includes('Hola clase');
    });
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((s) => s === 206)).toBe(true);
    await mateo.screenshot({ path: join(ARTIFACTS, 'recordings-student-playing.png') });

    // A chapter seeks there.
    await mateo
      .locator('cosmo-classroom [part="recording-chapters"] button', { hasText: 'Introduction' })
      .click();
    await waitFor('the seek to 0', async () => ((await player(mateo))?.time ?? 99) < 2);

    // Hana is in another class: not in her list, and its files are refused to her.
    const hana = await open('3A', 'hana', 'student');
    await hana.getByRole('tab', { name: 'Recordings' }).click();
    await hana.locator('cosmo-classroom [data-empty]', { hasText: 'No recordings yet' }).waitFor();
    const token = await server.token('3A', 'hana', 'student');
    const media = await fetch(`${server.httpUrl}/api/recordings/rec-optics/media?token=${token}`, {
      headers: { range: 'bytes=0-99' },
    });
    expect(media.status).toBe(403);
    const captions = await fetch(
      `${server.httpUrl}/api/recordings/rec-optics/captions/es.vtt?token=${token}`,
    );
    expect(captions.status).toBe(403);
    await hana.close();
    await mateo.close();
  }, 120_000);

  it('the teacher records from the class tools (everyone sees it; a late joiner is not told it started) and lets students download, without leaving the page', async () => {
    const teacher = await open('optics-1', 'tanaka', 'teacher');
    const indicator = (page: Page) => page.locator('cosmo-classroom [part="recording-indicator"]');
    const announced = (page: Page) =>
      page.locator('cosmo-classroom [data-recording-announcement]').textContent();

    await teacher.locator('cosmo-classroom [data-action="record"]').click();
    await indicator(teacher).waitFor();
    expect(
      await teacher.locator('cosmo-classroom [data-action="record"]').getAttribute('aria-pressed'),
    ).toBe('true');

    // Mateo joins while it records: he sees the indicator, but nobody tells him it "started".
    const mateo = await open('optics-1', 'mateo', 'student');
    await indicator(mateo).waitFor();
    expect(await indicator(mateo).textContent()).toContain('Recording');
    await mateo.screenshot({ path: join(ARTIFACTS, 'recordings-indicator-student.png') });
    expect((await announced(mateo))!.trim()).toBe('');

    // The SDK answers stop and start with the new state; Mateo hears each change.
    const stopped = await teacher.evaluate(() =>
      document.querySelector('cosmo-classroom')!.client!.recording.stop(),
    );
    expect(stopped).toMatchObject({ active: false, recordingId: expect.any(String) });
    expect(stopped.recordingId).not.toBe('');
    await indicator(mateo).waitFor({ state: 'detached' });
    await waitFor('the stop announced', async () =>
      (await announced(mateo))!.includes('Recording stopped'),
    );
    const started = await teacher.evaluate(() =>
      document.querySelector('cosmo-classroom')!.client!.recording.start(),
    );
    expect(started).toMatchObject({ active: true, recordingId: stopped.recordingId });
    await indicator(mateo).waitFor();
    await waitFor('the start announced', async () =>
      (await announced(mateo))!.includes('Recording started'),
    );
    await teacher.locator('cosmo-classroom [data-action="record"]').click();
    await indicator(mateo).waitFor({ state: 'detached' });
    await waitFor('the stop announced', async () =>
      (await announced(mateo))!.includes('Recording stopped'),
    );

    // Mateo opens the published one: no Download yet.
    const download = mateo.locator('cosmo-classroom [part="recording-download"]');
    await mateo.getByRole('tab', { name: 'Recordings' }).click();
    await mateo
      .locator('cosmo-classroom [part="recording-list"]')
      .getByRole('button', { name: /Optics: lenses \(part 1\)/ })
      .click();
    await mateo.locator('cosmo-classroom [part="recording-player"]').waitFor();
    expect(await download.count()).toBe(0);

    // The teacher allows downloading it.
    await teacher.getByRole('tab', { name: 'Recordings' }).click();
    await teacher
      .locator('cosmo-classroom [part="recording-list"]')
      .getByRole('button', { name: /Optics: lenses \(part 1\)/ })
      .click();
    const allow = teacher.getByLabel('Students may download', { exact: true });
    await allow.check();
    await waitFor('the setting saved', async () =>
      Boolean(server.server.school!.recording('rec-optics')?.allowDownload),
    );

    // Opening the tab again loads the list again: Mateo gets Download, and the file comes as a
    // download while the classroom stays.
    await mateo.getByRole('tab', { name: 'Chat' }).click();
    await mateo.getByRole('tab', { name: 'Recordings' }).click();
    await download.waitFor();
    const classroomUrl = mateo.url();
    const [file] = await Promise.all([mateo.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toMatch(/\.webm$/);
    expect(await file.failure()).toBeNull();
    expect(mateo.url()).toBe(classroomUrl);
    expect(await connected(mateo)()).toBe(true);

    // The teacher turns it off again; Mateo's list still offers Download. He is told why in the
    // page, the list is loaded again (Download goes), and he is still in the classroom.
    await allow.uncheck();
    await waitFor(
      'the setting saved',
      async () => !server.server.school!.recording('rec-optics')?.allowDownload,
    );
    await download.click();
    const refusal = mateo.locator('cosmo-classroom [data-download-refused]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      'Your teacher has not allowed downloading this recording',
    );
    expect(await refusal.getAttribute('role')).toBe('alert');
    await download.waitFor({ state: 'detached' });
    expect(mateo.url()).toBe(classroomUrl);
    expect(await connected(mateo)()).toBe(true);
    await mateo.screenshot({ path: join(ARTIFACTS, 'recordings-download-refused.png') });
    await teacher.close();
    await mateo.close();
  }, 120_000);

  it('once the class ends, whoever stays sees its recording published and watches it there', async () => {
    const school = server.server.school!;
    const now = Date.now();
    school.addLecture({
      id: 'history-1',
      classId: '3A',
      title: 'History',
      startsAt: now - 60_000,
      endsAt: now + 3_600_000,
    });
    const ito = await open('history-1', 'ito', 'teacher');
    const hana = await open('history-1', 'hana', 'student');
    // The lecture's recording, as the class's end leaves it: being published.
    school.addRecording({
      id: 'rec-meiji',
      room: 'history-1',
      title: 'The Meiji era',
      startedBy: 'ito',
      allowDownload: false,
      startedAt: now,
    });
    school.updateRecording('rec-meiji', { status: 'publishing', progress: 0.1 });
    const asked: number[] = [];
    hana.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/recordings') asked.push(Date.now());
    });

    if (await ito.locator('cosmo-classroom [data-action="tools"]').isVisible())
      await ito.locator('cosmo-classroom [data-action="tools"]').click();
    await ito.locator('cosmo-classroom [data-action="end"]').click();
    await ito.locator('cosmo-classroom [data-action="confirm-end"]').click();
    const item = (page: Page) =>
      page.locator('cosmo-classroom .ended-recordings li[data-recording-id="rec-meiji"]');
    for (const page of [ito, hana]) {
      await page.locator('cosmo-classroom [part="reopen-button"]').waitFor();
      await item(page).filter({ hasText: 'Publishing… 10%' }).waitFor();
    }
    // The ended screen asks again while it publishes: the bar moves on.
    school.updateRecording('rec-meiji', { progress: 0.6 });
    for (const page of [ito, hana]) await item(page).filter({ hasText: '60%' }).waitFor();
    expect(
      await hana.locator('cosmo-classroom .ended-recordings progress').getAttribute('value'),
    ).toBe('60');

    // As they see it in Japanese and Chinese, on a phone and a laptop: it fits, axe is happy.
    const show = async (page: Page, lang: string, viewport: { width: number; height: number }) => {
      await page.setViewportSize(viewport);
      await page.evaluate((lang) => (document.querySelector('cosmo-classroom')!.lang = lang), lang);
      await new Promise((r) => setTimeout(r, 300));
    };
    for (const [page, who] of [
      [hana, 'student'],
      [ito, 'teacher'],
    ] as const)
      for (const lang of ['ja', 'zh'])
        for (const viewport of [
          { width: 390, height: 844 },
          { width: 1280, height: 800 },
        ]) {
          await show(page, lang, viewport);
          await item(page).filter({ hasText: '60%' }).waitFor();
          await page.screenshot({
            path: join(ARTIFACTS, `recordings-ended-${who}-${lang}-${viewport.width}.png`),
          });
          expect(await layoutProblems(page), `${who} ${lang} ${viewport.width}`).toEqual([]);
          expect(await axeViolations(page), `${who} ${lang} ${viewport.width}`).toEqual([]);
        }
    for (const page of [ito, hana]) await show(page, 'en', { width: 1280, height: 800 });

    // Published: both see it ready and play it where they are.
    const dir = join(server.server.config.dataDir, 'recordings', 'rec-meiji');
    mkdirSync(dir, { recursive: true });
    execFileSync('cp', [join(scratch, 'lecture.webm'), join(dir, 'lecture.webm')]);
    school.updateRecording('rec-meiji', {
      status: 'ready',
      progress: 1,
      endedAt: now + 12_000,
      durationMs: 12_000,
    });
    for (const page of [ito, hana]) {
      await item(page).locator('button.recording-item').click();
      await waitFor('the video', async () => ((await player(page))?.readyState ?? 0) >= 1);
    }
    expect((await player(hana))!.duration).toBeGreaterThan(11);
    // Its teacher may download it and let students do so; his student may not yet.
    await ito.locator('cosmo-classroom [part="recording-download"]').waitFor();
    expect(await ito.getByLabel('Students may download', { exact: true }).count()).toBe(1);
    expect(await hana.locator('cosmo-classroom [part="recording-download"]').count()).toBe(0);
    await hana.screenshot({ path: join(ARTIFACTS, 'recordings-ended-playing-1280.png') });

    // Nothing publishes any more: the list is not asked again.
    const before = asked.length;
    await new Promise((r) => setTimeout(r, POLL_WAIT_MS));
    expect(asked.length).toBe(before);
    await ito.close();
    await hana.close();
  }, 180_000);

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ])
    for (const lang of ['en', 'ja', 'zh'] as const)
      it(`the Recordings tab fits at ${viewport.width}×${viewport.height} in ${lang}, and axe finds nothing serious`, async () => {
        for (const [who, role] of [
          ['tanaka', 'teacher'],
          ['mateo', 'student'],
        ] as const) {
          const page = await open('optics-1', who, role, lang, viewport);
          await page.locator('cosmo-classroom #tab-recordings').click();
          await page
            .locator('cosmo-classroom li[data-recording-id="rec-optics"] button.recording-item')
            .click();
          await waitFor('the video', async () => ((await player(page))?.readyState ?? 0) >= 1);
          // As a person sees it first: the player at the top of the panel.
          await page.screenshot({
            path: join(ARTIFACTS, `recordings-${who}-${lang}-${viewport.width}.png`),
          });
          expect(await layoutProblems(page), `${who}`).toEqual([]);
          expect(await axeViolations(page), `${who}`).toEqual([]);
          await page.close();
        }
      }, 120_000);
});
