import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { School } from '@cosmo/school';
import { rosterCsv } from '@cosmo/school/testing';
import { COSMO_CLI } from '@cosmo/testkit';
import { recordingFiles } from './files.js';

const run = promisify(execFile);
const DAY = 86_400_000;

describe('cosmo recordings', () => {
  let dataDir: string;
  const cosmo = (...args: string[]) =>
    run(process.execPath, [COSMO_CLI, 'recordings', ...args], {
      env: { ...process.env, COSMO_DATA_DIR: dataDir },
    });
  const failure = (...args: string[]) =>
    cosmo(...args).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );

  /** A recording of class 2B as the server leaves it, with its folder. */
  function add(
    school: School,
    id: string,
    over: Parameters<School['updateRecording']>[1],
    video = 'webm bytes',
  ) {
    school.addRecording({
      id,
      room: '2B',
      title: `Lecture ${id}`,
      startedBy: 'tanaka',
      allowDownload: false,
      startedAt: Date.now() - 10 * DAY,
    });
    school.updateRecording(id, {
      languages: ['ja'],
      durationMs: 3_723_000,
      bytes: video.length,
      ...over,
    });
    const files = recordingFiles(dataDir, id);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.published, video);
    writeFileSync(files.captions('ja'), 'WEBVTT\n');
    writeFileSync(files.chapters, 'WEBVTT\n');
    return files;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cosmo-rec-cli-'));
    const school = School.open(dataDir);
    try {
      school.importRosterCsv(rosterCsv(1));
      add(school, 'expired', { status: 'ready', expiresAt: Date.now() - DAY });
      add(school, 'kept', { status: 'ready', expiresAt: Date.now() + DAY });
      add(school, 'busy', { status: 'publishing', progress: 0.5, expiresAt: Date.now() - DAY });
    } finally {
      school.close();
    }
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists the recordings as a table and as JSON', async () => {
    const { stdout } = await cosmo('list');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^id\s+title\s+class\s+started \(UTC\)\s+duration\s+status\s+size\s+expires$/,
    );
    expect(stdout).toMatch(
      /kept\s+Lecture kept\s+2B\s+\S+ \S+\s+01:02:03\s+ready\s+0\.0 MB\s+\d{4}-/,
    );
    expect(stdout).toContain('publishing 50%');
    const json = JSON.parse((await cosmo('list', '--json')).stdout) as { id: string }[];
    expect(json.map((r) => r.id).sort()).toEqual(['busy', 'expired', 'kept']);
  });

  it('purges the expired recordings by default, never one still publishing', async () => {
    const { stdout } = await cosmo('purge');
    expect(stdout).toContain('removed expired');
    expect(stdout).toContain('purged 1 recording');
    expect(existsSync(recordingFiles(dataDir, 'expired').dir)).toBe(false);
    expect(existsSync(recordingFiles(dataDir, 'busy').dir)).toBe(true);
    expect((await cosmo('purge', '--expired')).stdout).toContain('nothing to purge');
    const busy = await failure('purge', 'busy');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain("recording 'busy' is publishing 50%");
    expect((await cosmo('purge', 'kept')).stdout).toContain('removed kept');
    const json = JSON.parse((await cosmo('list', '--json')).stdout) as { id: string }[];
    expect(json.map((r) => r.id)).toEqual(['busy']);
  });

  it('purges what is older than some days', async () => {
    expect((await cosmo('purge', '--older-than', '30')).stdout).toContain('nothing to purge');
    expect((await cosmo('purge', '--older-than', '5')).stdout).toContain('purged 2 recordings');
    const bad = await failure('purge', '--older-than', 'soon');
    expect(bad.stderr).toContain("--older-than takes a number of days, not 'soon'");
  });

  it('exports a recording into a folder, and says why it cannot', async () => {
    const dest = join(dataDir, 'out');
    const { stdout } = await cosmo('export', 'kept', dest);
    expect(stdout).toContain(join(dest, 'lecture.webm'));
    expect(readdirSync(dest).sort()).toEqual(['captions.ja.vtt', 'chapters.vtt', 'lecture.webm']);
    expect(readFileSync(join(dest, 'lecture.webm'), 'utf8')).toBe('webm bytes');
    expect((await failure('export', 'kept', dest)).stderr).toContain(
      'already exists: export into an empty folder',
    );
    expect((await failure('export', 'nope', dest)).stderr).toContain("no recording 'nope'");
    expect((await failure('export', 'busy', join(dataDir, 'o2'))).stderr).toContain(
      "recording 'busy' is not published yet (publishing 50%)",
    );
  });
});
