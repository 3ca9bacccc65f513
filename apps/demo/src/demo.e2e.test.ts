import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { waitFor } from '@cosmo/testkit';
import { ARTIFACTS, startDemo } from './browser.js';

/** Reads a value from inside the element's shadow DOM. */
function classroomState(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const el = document.querySelector('cosmo-classroom');
    return el?.shadowRoot?.querySelector<HTMLElement>('[data-state]')?.dataset['state'];
  });
}

/** Frames the stage video has decoded so far (0 when there is none). */
function stageFrames(page: Page): Promise<number> {
  return page.evaluate(() => {
    const el = document.querySelector('cosmo-classroom');
    const video = el?.shadowRoot
      ?.querySelector('.stage cosmo-video')
      ?.shadowRoot?.querySelector('video');
    if (!video || video.videoWidth === 0) return 0;
    return video.getVideoPlaybackQuality().totalVideoFrames;
  });
}

/** Whether the element on `page` is in connection state `state`, for waitFor. */
const stateIs = (page: Page, state: string) => async () => (await classroomState(page)) === state;

describe('the demo in Chromium: a teacher and two students', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({ demo: true, resumeGraceMs: 20_000 }));
  }, 120_000);

  afterAll(() => close?.());

  it('runs a lecture: video, chat both ways, hands, muting, and a resumed student', async () => {
    const teacher = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    teacher.on('pageerror', (e) => pageErrors.push(e.message));
    await teacher.goto(server.httpUrl);
    await teacher.getByLabel('Your name').fill('Ms Tanaka');
    await teacher.getByLabel('Class title').fill('Physics 2B');
    await teacher.getByRole('button', { name: 'Start class' }).click();
    await teacher.getByRole('button', { name: 'Join class' }).click();
    await waitFor('the teacher to join', stateIs(teacher, 'connected'));
    const link = await teacher.locator('.share').getAttribute('data-student-link');
    expect(link).toMatch(/\?class=/);
    // The pre-join screen left camera and microphone on: both are published on joining.

    // Student 2's WebSocket goes through a route the test can cut, like a dropped Wi-Fi.
    let offline = false;
    const routes: WebSocketRoute[] = [];
    const students: Page[] = [];
    for (const name of ['Aiko', 'Bilal']) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
      if (name === 'Bilal') {
        await page.routeWebSocket(/\/ws$/, (ws) => {
          if (offline) {
            void ws.close({ code: 4000, reason: 'offline' });
            return;
          }
          ws.connectToServer();
          routes.push(ws);
        });
      }
      await page.goto(link!);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join class' }).click();
      await page.locator('cosmo-classroom [data-action="join"]').click();
      await waitFor(`${name} to join`, stateIs(page, 'connected'));
      students.push(page);
    }
    const [aiko, bilal] = students as [Page, Page];

    // Each student's page plays the teacher's video.
    for (const page of students) {
      await waitFor('the teacher video to play', async () => (await stageFrames(page)) > 10);
    }

    // Chat both ways.
    await aiko.getByLabel('Message the class').fill('Is this on the test?');
    await aiko.getByRole('button', { name: 'Send' }).click();
    await teacher.locator('.message', { hasText: 'Is this on the test?' }).waitFor();
    await teacher.getByLabel('Message the class').fill('Yes, chapter 4.');
    await teacher.getByRole('button', { name: 'Send' }).click();
    await aiko.locator('.message', { hasText: 'Yes, chapter 4.' }).waitFor();
    await bilal.locator('.message', { hasText: 'Yes, chapter 4.' }).waitFor();

    // A raised hand appears on the teacher's page.
    await bilal.locator('[data-action="hand"]').click();
    await teacher.getByRole('tab', { name: /People/ }).click();
    await teacher
      .locator('li.person', { hasText: 'Bilal' })
      .getByRole('img', { name: 'Hand raised' })
      .waitFor();

    // The teacher lets Aiko speak: the microphone she left on before joining goes live. Then
    // the teacher mutes her: her page shows it.
    await teacher.getByRole('button', { name: 'Let speak Aiko' }).click();
    await waitFor('Aiko to be allowed to speak', () =>
      aiko.locator('[data-action="mic"]').isEnabled(),
    );
    await waitFor(
      'Aiko to be live',
      async () =>
        (await aiko.locator('[data-action="mic"]').getAttribute('aria-pressed')) === 'true',
    );
    await teacher.getByRole('button', { name: 'Mute Aiko' }).click();
    await aiko.getByText('You were muted by the teacher.').waitFor();
    expect(await aiko.locator('[data-action="mic"]').getAttribute('aria-pressed')).toBe('false');

    await teacher.screenshot({ path: join(ARTIFACTS, 'teacher.png') });
    await aiko.screenshot({ path: join(ARTIFACTS, 'student.png') });

    // Cut Bilal's connection for three seconds: he resumes the same session.
    const classroom = [...server.server.classrooms.values()][0]!;
    const bilalId = [...classroom.participants.values()].find((p) => p.name === 'Bilal')!.id;
    const left: string[] = [];
    classroom.observer.on('participantLeft', (p) => left.push(p.id));
    offline = true;
    for (const ws of routes.splice(0)) await ws.close({ code: 4000, reason: 'network cut' });
    await waitFor('Bilal to notice', stateIs(bilal, 'reconnecting'));
    await new Promise((r) => setTimeout(r, 3000));
    offline = false;
    await waitFor('Bilal to resume', stateIs(bilal, 'connected'), 30_000);
    expect(classroom.participants.has(bilalId)).toBe(true);
    expect(left).not.toContain(bilalId);
    const frames = await stageFrames(bilal);
    await waitFor(
      'video to keep playing after the resume',
      async () => (await stageFrames(bilal)) > frames + 10,
    );
    await bilal.screenshot({ path: join(ARTIFACTS, 'student-resumed.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('a reload keeps a student in a locked class; an ended class stays on screen until its teacher starts it again', async () => {
    const teacher = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await teacher.goto(server.httpUrl);
    await teacher.getByLabel('Your name').fill('Ms Sato');
    await teacher.getByLabel('Class title').fill('Chemistry 1A');
    await teacher.getByRole('button', { name: 'Start class' }).click();
    await teacher.getByRole('button', { name: 'Join class' }).click();
    await waitFor('the teacher to join', stateIs(teacher, 'connected'));
    const link = (await teacher.locator('.share').getAttribute('data-student-link'))!;
    const student = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await student.goto(link);
    await student.getByLabel('Your name').fill('Chen');
    await student.getByRole('button', { name: 'Join class' }).click();
    await student.locator('cosmo-classroom [data-action="join"]').click();
    await waitFor('the student to join', stateIs(student, 'connected'));
    const room = new URL(link).searchParams.get('class')!;
    const identities = () =>
      [...(server.server.classrooms.get(room)?.participants.values() ?? [])]
        .map((p) => p.name)
        .sort();

    // The teacher locks the room; the student reloads and is back, as the same person.
    await teacher.locator('[data-action="tools"]').click();
    await teacher.locator('[data-action="lock"]').click();
    await waitFor('the room to lock', () =>
      Boolean(server.server.classrooms.get(room)?.state().locked),
    );
    await student.reload();
    await waitFor('the student to be back', stateIs(student, 'connected'));
    expect(identities()).toEqual(['Chen', 'Ms Sato']);

    // Closing the tab frees the seat at once, not after the resume grace (20 s here).
    await student.close();
    await waitFor('the student to leave', () => identities().length === 1, 5_000);

    // The teacher ends the class: the ended screen stays, with a way to start it again.
    // On a phone the class tools are folded into a menu; End class asks before it ends.
    await teacher.locator('[data-action="tools"]').click();
    await teacher.locator('[data-action="end"]').click();
    await teacher.locator('[data-action="confirm-end"]').click();
    const again = teacher.locator('cosmo-classroom').getByRole('button', {
      name: 'Start the class again',
    });
    await again.waitFor();
    await new Promise((r) => setTimeout(r, 2000));
    expect(await again.isVisible()).toBe(true);
    await teacher.screenshot({ path: join(ARTIFACTS, 'demo-teacher-ended-390.png') });

    // A student opening the link meanwhile is told at once.
    const late = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await late.goto(link);
    await late.getByText('This class has ended.').waitFor();
    expect(await late.getByLabel('Your name').count()).toBe(0);

    await again.click();
    await waitFor('the class to start again', stateIs(teacher, 'connected'));
    expect(identities()).toEqual(['Ms Sato']);
    expect(server.server.classrooms.get(room)?.state().title).toBe('Chemistry 1A');
    await late.reload();
    await late.getByLabel('Your name').fill('Chen');
    await late.getByRole('button', { name: 'Join class' }).click();
    await late.locator('cosmo-classroom [data-action="join"]').click();
    await waitFor('the late student to join', stateIs(late, 'connected'));
    for (const page of [teacher, late]) await page.close();
  });
});
