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

/** The pids of `pid`'s children whose command is `comm`, from /proc. */
function childrenNamed(pid: number, comm: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && name === comm) found.push(Number(entry));
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

  /** A server with a teacher whose microphone is being captioned; resolves with ffmpeg's pid. */
  async function captionedLecture(): Promise<{ serverPid: number; ffmpeg: number[] }> {
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
    await waitFor(
      'the caption tap (ffmpeg) to start',
      () => childrenNamed(serverPid, 'ffmpeg').length > 0,
    );
    return { serverPid, ffmpeg: childrenNamed(serverPid, 'ffmpeg') };
  }

  it('after SIGTERM, no caption process outlives the server by more than 2 s', async () => {
    const { ffmpeg } = await captionedLecture();
    server!.child.kill('SIGTERM');
    await new Promise((r) => server!.child.once('exit', r));
    await waitFor('ffmpeg to end', () => ffmpeg.every((pid) => !alive(pid)), 2000);
  });

  it('after SIGKILL, no caption process outlives the server by more than 5 s', async () => {
    const { ffmpeg } = await captionedLecture();
    server!.child.kill('SIGKILL');
    await new Promise((r) => server!.child.once('exit', r));
    await waitFor('ffmpeg to end', () => ffmpeg.every((pid) => !alive(pid)), 5000);
    expect(ffmpeg.length).toBeGreaterThan(0);
  });
});
