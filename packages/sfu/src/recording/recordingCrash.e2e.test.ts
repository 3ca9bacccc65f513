import { execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Role } from '@cosmo/core';
import type { RecordingStatus } from '@cosmo/school';
import { serve, waitFor, type ServeProcess } from '@cosmo/testkit';
import { joinPeer, type Peer } from '../testing/peers.js';
import { quartersTrack } from '../testing/quartersTrack.js';
import { TokenService } from '../tokens.js';
import { recordingFiles } from './files.js';
import { quarterColours, soundOf, toneShare } from './recordingMedia.js';
import { readLog, type EventLogLine, type SegmentLogLine } from './recordingLogs.js';

const installed = ['/usr/bin/ffmpeg', '/usr/bin/ffprobe'].every(existsSync);

const secret = 'recording-crash-secret-recording-crash-secret-01';
const tokens = new TokenService(secret);
const ROOM = 'optics-crash';
/** How long the lecture is recorded before the server is killed. */
const RECORDED_MS = 6000;

/** The published file's duration (s) and its streams' codecs, from ffprobe. */
function probe(file: string): { durationS: number; codecs: string[] } {
  const out = JSON.parse(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_format',
      '-show_streams',
      '-of',
      'json',
      file,
    ]).toString(),
  ) as { format: { duration: string }; streams: { codec_name: string }[] };
  return { durationS: Number(out.format.duration), codecs: out.streams.map((s) => s.codec_name) };
}

/** The pids of processes whose command line names `dir` (ffmpeg writers into it). */
function writersIn(dir: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((line) => line.includes(dir) && line.includes('ffmpeg'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/** Resolves once the process has exited. */
const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.once('exit', () => resolve()),
  );

describe.runIf(installed)('a server crash while a lecture is recorded', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-recording-crash-'));
  const children: ChildProcess[] = [];
  const stops: (() => void)[] = [];
  let teacher: Peer | undefined;
  afterAll(async () => {
    for (const stop of stops.splice(0)) stop();
    await teacher?.close().catch(() => {});
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serveOn = () =>
    serve({
      COSMO_API_SECRET: secret,
      COSMO_DATA_DIR: dataDir,
      COSMO_LOG_LEVEL: 'error',
      COSMO_CAPTIONS: 'false',
      // Published at the camera's size: a quarter of the default's pixels to encode, so that
      // publishing (at a low priority) keeps up when the machine is busy.
      COSMO_RECORDING: JSON.stringify({ width: 640, height: 360 }),
    });
  const token = (identity: string, role: Role) =>
    tokens.mint({ room: ROOM, identity, name: identity, role });

  it('loses at most the last moments: after a SIGKILL the recording goes on when the lecture comes back, and is published with both parts', async () => {
    const first: ServeProcess = await serveOn();
    children.push(first.child);
    teacher = await joinPeer(
      {
        url: `ws://127.0.0.1:${first.port}/ws`,
        token: (_room, identity, role) => token(identity, role),
      },
      ROOM,
      'ms-tanaka',
      'teacher',
      { autoSubscribe: 'none' },
    );
    const camera = quartersTrack();
    stops.push(camera.stop);
    await teacher.client.publish(camera.track, 'camera');
    await teacher.publishTone('microphone');
    const { recordingChanged } = await teacher.client.request('startRecording', {
      allowDownload: false,
    });
    const id = recordingChanged!.state!.recordingId!;
    expect(id).toBeTruthy();

    // Both tracks are being written (each segment is logged once its time zero is known).
    const files = recordingFiles(dataDir, id);
    await waitFor(
      'the camera and the microphone to be recorded',
      () =>
        new Set(
          readLog<SegmentLogLine>(files.segmentLog).flatMap((l) =>
            l.type === 'start' ? [l.kind] : [],
          ),
        ).size === 2,
      30_000,
    );
    expect(writersIn(dataDir)).toHaveLength(2);
    const on = readLog<EventLogLine>(files.eventLog).find((e) => e.type === 'on')!;
    await new Promise((r) => setTimeout(r, Math.max(0, on.at + RECORDED_MS - Date.now())));
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await exited(first.child);
    const recordedS = (killedAt - on.at) / 1000;
    // The teacher's connection is gone with the server; it would only try to resume.
    stops.forEach((stop) => stop());
    stops.length = 0;
    await teacher.close().catch(() => {});
    teacher = undefined;
    // The writers died with the server (none is left writing into its data), leaving their files
    // unfinished and the recording unpublished.
    await waitFor('no writer to outlive the server', () => writersIn(dataDir).length === 0, 10_000);
    expect(existsSync(files.published)).toBe(false);
    // A server killed while appending to its logs leaves a torn last line: publishing skips it.
    appendFileSync(files.segmentLog, '{"type":"end","n":1,"endedAt":17');
    appendFileSync(files.eventLog, '{"type":"chapt');

    // The server comes back; so does the lecture, and its recording goes on in a new stretch.
    const second = await serveOn();
    children.push(second.child);
    const http = `http://127.0.0.1:${second.port}`;
    const viewer = await token('ms-tanaka', 'teacher');
    const startsBefore = readLog<SegmentLogLine>(files.segmentLog).filter(
      (l) => l.type === 'start',
    ).length;
    teacher = await joinPeer(
      {
        url: `ws://127.0.0.1:${second.port}/ws`,
        token: (_room, identity, role) => token(identity, role),
      },
      ROOM,
      'ms-tanaka',
      'teacher',
      { autoSubscribe: 'none' },
    );
    expect(teacher.client.recording.state).toMatchObject({ active: true, recordingId: id });
    const again = quartersTrack();
    stops.push(again.stop);
    await teacher.client.publish(again.track, 'camera');
    await teacher.publishTone('microphone');
    await waitFor(
      'the camera and the microphone to be recorded again',
      () =>
        readLog<SegmentLogLine>(files.segmentLog).filter((l) => l.type === 'start').length >=
        startsBefore + 2,
      30_000,
    );
    const resumedOn = readLog<EventLogLine>(files.eventLog)
      .filter((e) => e.type === 'on')
      .at(-1)!;
    await new Promise((r) => setTimeout(r, 3000));
    await teacher.client.request('endClass', {});
    const resumedS = (Date.now() - resumedOn.at) / 1000;

    let info: { status: RecordingStatus; durationMs: number; bytes: number } | undefined;
    await waitFor(
      'the interrupted recording to be published',
      async () => {
        const res = await fetch(`${http}/api/recordings/${id}?token=${viewer}`);
        if (res.status !== 200) return false;
        info = (await res.json()) as typeof info;
        return info!.status === 'ready' || info!.status === 'failed';
      },
      60_000,
    );
    expect(info!.status, second.logs()).toBe('ready');

    const file = probe(files.published);
    console.log(
      `recorded ${recordedS.toFixed(2)} s before the SIGKILL and ${resumedS.toFixed(2)} s after the restart; published ${file.durationS.toFixed(2)} s, ${info!.bytes} bytes`,
    );
    expect(file.codecs).toEqual(expect.arrayContaining(['vp8', 'opus']));
    // The time the server was down is left out; what was recorded before it is kept.
    expect(file.durationS).toBeGreaterThanOrEqual(recordedS + resumedS - 1.5);
    expect(file.durationS).toBeLessThanOrEqual(recordedS + resumedS + 1);
    expect(info!.durationMs / 1000).toBeCloseTo(file.durationS, 0);
    expect(info!.bytes).toBe(statSync(files.published).size);

    // The picture is there until the end: red, green, blue and white quarters.
    const [tl, tr, bl, br] = quarterColours(files.published, file.durationS - 1);
    const dominant = (c: [number, number, number]) => c.indexOf(Math.max(...c));
    expect(dominant(tl!)).toBe(0);
    expect(dominant(tr!)).toBe(1);
    expect(dominant(bl!)).toBe(2);
    expect(Math.min(...br!)).toBeGreaterThan(180);
    // And the teacher's 440 Hz tone, late in the lecture.
    const share = toneShare(soundOf(files.published, Math.max(0, file.durationS - 3), 2), 440);
    console.log(`440 Hz share of the sound near the end: ${share.toFixed(2)}`);
    expect(share).toBeGreaterThan(0.5);

    // The restarted server counts what it published.
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/^cosmo_recordings_published_total 1$/m);
    second.child.kill('SIGTERM');
  }, 120_000);
});
