import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken, serve, waitFor, type ServeProcess } from '@cosmo/testkit';
import type { EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';

const SECRET = 'caption-processes-secret-caption-processes-secret';
const installed = ['/usr/bin/ffmpeg', '/usr/bin/pocketsphinx_continuous', '/usr/bin/setpriv'].every(
  (e) => existsSync(e),
);

/** The pids of `pid`'s children whose command (/proc's 15-character `comm`) starts with `comm`. */
function childrenNamed(pid: number, comm: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && name.startsWith(comm)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(installed)("the captions pipeline's processes end with the server", () => {
  let server: ServeProcess | undefined;
  let dataDir: string | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close().catch(() => undefined)));
    if (server?.child.exitCode === null && server.child.signalCode === null)
      server.child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * A server with a teacher whose microphone is being captioned; resolves with the pids of its
   * caption processes: the tap (ffmpeg) and the teacher's recogniser (cosmo-sphinx).
   */
  async function captionedLecture(): Promise<{ serverPid: number; helpers: number[] }> {
    dataDir = mkdtempSync(join(tmpdir(), 'cosmo-captions-'));
    server = await serve({ COSMO_API_SECRET: SECRET, COSMO_DATA_DIR: dataDir });
    const url = `ws://127.0.0.1:${server.port}/ws`;
    const ephemeral = {
      url,
      token: (room: string, identity: string, role: 'teacher') =>
        mintToken(SECRET, { room, identity, role }),
    } as unknown as EphemeralServer;
    const teacher = await joinPeer(ephemeral, 'optics', 'ms-tanaka', 'teacher', {
      autoSubscribe: 'none',
    });
    peers.push(teacher);
    await teacher.publishTone();
    await teacher.client.request('setLesson', { text: 'Light travels in straight lines.' });
    const serverPid = server.child.pid!;
    const helpers = () => [
      ...childrenNamed(serverPid, 'ffmpeg'),
      ...childrenNamed(serverPid, 'cosmo-sphinx'),
    ];
    await waitFor(
      'the caption tap (ffmpeg) and the recogniser (cosmo-sphinx) to start',
      () =>
        childrenNamed(serverPid, 'ffmpeg').length > 0 &&
        childrenNamed(serverPid, 'cosmo-sphinx').length > 0,
      20_000,
    );
    return { serverPid, helpers: helpers() };
  }

  it('after SIGTERM, no caption process outlives the server by more than 2 s', async () => {
    const { helpers } = await captionedLecture();
    server!.child.kill('SIGTERM');
    await new Promise((r) => server!.child.once('exit', r));
    await waitFor(
      'ffmpeg and cosmo-sphinx to end',
      () => helpers.every((pid) => !alive(pid)),
      2000,
    );
    expect(helpers.length).toBeGreaterThanOrEqual(2);
  });

  it('after SIGKILL, no caption process outlives the server by more than 5 s', async () => {
    const { helpers } = await captionedLecture();
    server!.child.kill('SIGKILL');
    await new Promise((r) => server!.child.once('exit', r));
    await waitFor(
      'ffmpeg and cosmo-sphinx to end',
      () => helpers.every((pid) => !alive(pid)),
      5000,
    );
    expect(helpers.length).toBeGreaterThanOrEqual(2);
  });
});
