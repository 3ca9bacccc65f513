import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralServer } from '@cosmo/sfu';
import { ARTIFACTS, physicsLecture, startDemo } from './browser.js';

const PDF = '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

describe('a school day in Chromium: notices, handouts, leave and attendance', () => {
  let server: EphemeralServer;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, browser, close } = await startDemo({}));
    expect(
      physicsLecture(server, 'optics-1', [
        ['aiko', 'Aiko Sato'],
        ['ren', 'Ren Ito'],
      ]),
    ).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(() => close?.());

  async function open(identity: string, role: 'teacher' | 'student', lang = 'en'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    const token = await server.token('optics-1', identity, role);
    await page.goto(`${server.httpUrl}/?lang=${lang}&token=${token}`);
    await page.locator('[data-state="connected"]').waitFor();
    return page;
  }

  it('runs the day', async () => {
    const teacher = await open('tanaka', 'teacher');
    const aiko = await open('aiko', 'student');

    // A notice: Aiko reads it; the teacher sees the read count.
    await teacher.getByRole('tab', { name: /Inbox/ }).click();
    await teacher.getByLabel('Notice title').fill('Bring the permission slip');
    await teacher.getByLabel('Message').fill('Field trip on Friday.');
    await teacher.getByRole('button', { name: 'Send notice' }).click();
    await teacher.locator('.receipts', { hasText: '0 / 2 read' }).waitFor();
    await aiko.getByRole('tab', { name: /Inbox \(1\)/ }).click();
    await aiko.locator('.notice', { hasText: 'Bring the permission slip' }).waitFor();
    await aiko.getByRole('button', { name: 'Mark as read' }).click();
    await teacher.locator('.receipts', { hasText: '1 / 2 read' }).waitFor();

    // A handout appears in Aiko's class, with a link that opens it.
    const upload = await fetch(`${server.httpUrl}/api/handouts?class=2B&filename=Lenses.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.token('optics-1', 'tanaka', 'teacher')}` },
      body: PDF,
    });
    expect(upload.status).toBe(201);
    await aiko.getByRole('tab', { name: 'Handouts' }).click();
    const link = aiko.locator('li', { hasText: 'Lenses.pdf' }).getByRole('link', { name: 'Open' });
    const href = await link.getAttribute('href');
    const file = await fetch(href!);
    expect(file.headers.get('content-type')).toBe('application/pdf');

    // Aiko asks for leave; the teacher approves it.
    await aiko.getByRole('tab', { name: 'Class' }).click();
    await aiko.getByLabel('From').fill('2026-12-03');
    await aiko.getByLabel('To').fill('2026-12-04');
    await aiko.getByLabel('Reason').fill('Visa appointment');
    await aiko.getByRole('button', { name: 'Request leave' }).click();
    await aiko.locator('li', { hasText: 'Visa appointment · Pending' }).waitFor();
    await teacher.getByRole('tab', { name: 'Class' }).click();
    await teacher
      .locator('li', { hasText: 'Aiko Sato' })
      .getByRole('button', { name: 'Approve' })
      .click();
    await teacher.locator('li', { hasText: 'Visa appointment · Approved' }).waitFor();

    // The teacher's attendance: Aiko present, Ren absent.
    await teacher
      .locator('table.attendance tr', { hasText: 'Aiko Sato' })
      .locator('td', { hasText: 'Present' })
      .waitFor();
    await teacher
      .locator('table.attendance tr', { hasText: 'Ren Ito' })
      .locator('td', { hasText: 'Absent' })
      .waitFor();
    const csv = await teacher.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(decodeURIComponent(csv!)).toContain('Aiko Sato,Physics 2B,Optics,present,');
    await teacher.screenshot({ path: join(ARTIFACTS, 'teacher-class-tab.png') });

    // Aiko's inbox has the decision, in Japanese UI this time.
    const aikoJa = await open('aiko', 'student', 'ja');
    await aikoJa.getByRole('tab', { name: /お知らせ/ }).click();
    await aikoJa.locator('.notice', { hasText: 'Leave approved' }).waitFor();
    await aikoJa.screenshot({ path: join(ARTIFACTS, 'student-inbox-ja.png') });
  }, 120_000);
});
