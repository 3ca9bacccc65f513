// Test helper: the demo app built from source, served by a real server, and Chromium to drive it.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { startEphemeralServer, type ConfigInput, type EphemeralServer } from '@cosmo/sfu';
import { launchChromium } from '@cosmo/testkit';

/** Where tests save screenshots (looked at by people, kept out of git). */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts', import.meta.url));

/** The demo app built from source into a temporary folder, served by a real server, and a browser. */
export async function startDemo(
  config: ConfigInput = {},
  chromiumArgs: string[] = [],
): Promise<{
  server: EphemeralServer;
  browser: Browser;
  close(): Promise<void>;
}> {
  const dist = await mkdtemp(join(tmpdir(), 'cosmo-demo-'));
  const root = fileURLToPath(new URL('..', import.meta.url));
  await build({ root, logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  const server = await startEphemeralServer({ staticDir: dist, ...config });
  const browser = await launchChromium(chromiumArgs);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await rm(dist, { recursive: true, force: true });
    },
  };
}

/**
 * Class 2B (Physics, Tokyo International) on the server's roster — its teacher Tanaka and
 * `students` ([id, name]) — and its lecture `lectureId` ("Optics"), running now for an hour.
 * Returns what the roster import answered.
 */
export function physicsLecture(
  server: EphemeralServer,
  lectureId: string,
  students: [id: string, name: string][],
): ReturnType<NonNullable<EphemeralServer['server']['school']>['importRosterCsv']> {
  const school = server.server.school!;
  const roster = [
    'school_id,school_name,class_id,class_name,person_id,person_name,role',
    'tokyo,Tokyo International,2B,Physics 2B,tanaka,Tanaka Yui,teacher',
    ...students.map(
      ([id, name]) => `tokyo,Tokyo International,2B,Physics 2B,${id},${name},student`,
    ),
  ].join('\n');
  const imported = school.importRosterCsv(roster);
  const now = Date.now();
  school.addLecture({
    id: lectureId,
    classId: '2B',
    title: 'Optics',
    startsAt: now - 60_000,
    endsAt: now + 3_600_000,
  });
  return imported;
}
