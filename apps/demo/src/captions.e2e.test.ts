import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { calibrateCmn, synthesizeSpeech, writeSpeechWav } from '@cosmo/translate';
import { ARTIFACTS, startDemo } from './browser.js';

const LESSON =
  'Today we study optics. Light travels in straight lines. A mirror reflects the light.';
const engines = ['pocketsphinx_continuous', 'apertium', 'ffmpeg', 'espeak-ng', 'sox'];
const installed = engines.every((e) => existsSync(`/usr/bin/${e}`));

describe.runIf(installed)(
  'captions in Chromium: the teacher speaks, a student reads Spanish',
  () => {
    let server: EphemeralServer;
    let browser: Browser;
    let close: () => Promise<void>;
    const dir = mkdtempSync(join(tmpdir(), 'cosmo-captions-demo-'));

    beforeAll(async () => {
      // The teacher's microphone is a recording of the lesson (2 s of quiet, then the speech).
      const wav = join(dir, 'lesson.wav');
      writeSpeechWav(LESSON, wav, { leadSeconds: 2 });
      ({ server, browser, close } = await startDemo(
        { captionCmnInit: calibrateCmn(synthesizeSpeech(LESSON)) },
        [`--use-file-for-fake-audio-capture=${wav}%noloop`],
      ));
    }, 120_000);

    afterAll(async () => {
      await close?.();
      rmSync(dir, { recursive: true, force: true });
    });

    async function open(identity: string, role: 'teacher' | 'student'): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
      const token = await server.token('optics', identity, role);
      await page.goto(`${server.httpUrl}/?lang=en&token=${token}`);
      await page.locator('[data-state="connected"]').waitFor();
      return page;
    }

    it('shows live Spanish captions on stage and keeps them in the transcript', async () => {
      const teacher = await open('tanaka', 'teacher');
      const mateo = await open('mateo', 'student');

      // Before the lesson text, there is nothing to pick.
      expect(await mateo.getByRole('combobox', { name: 'Captions' }).count()).toBe(0);
      await teacher.getByRole('tab', { name: 'Captions' }).click();
      await teacher.getByLabel(/Lesson text/).fill(LESSON);
      await teacher.getByLabel(/Glossary/).fill('optics = óptica');
      await teacher.getByRole('button', { name: 'Start captions' }).click();

      await mateo.getByRole('combobox', { name: 'Captions' }).selectOption('es');
      await teacher.locator('[data-action="mic"]').click();

      // Spanish words on the stage while the teacher speaks; whole sentences in the transcript.
      const stage = mateo.locator('[part="captions"]');
      await stage.waitFor({ timeout: 30_000 });
      await mateo.getByRole('tab', { name: 'Captions' }).click();
      const lines = mateo.locator('[part="transcript"] li');
      await expect.poll(() => lines.count(), { timeout: 40_000 }).toBeGreaterThanOrEqual(2);
      const transcript = (await mateo.locator('[part="transcript"]').innerText()).toLowerCase();
      expect(transcript).toMatch(/\b(la|el|en|de|luz)\b/);
      expect(transcript).not.toContain('travels');
      await mateo.screenshot({ path: join(ARTIFACTS, 'captions-student-es.png') });
    }, 120_000);
  },
);
