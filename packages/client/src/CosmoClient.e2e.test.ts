import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCosmoProcess, waitFor, type CosmoProcess } from '@cosmo/testkit';
import { CosmoClient, type ConnectionState, type WebSocketConstructor } from './index.js';
import {
  patternTrack,
  toneTrack,
  useNodeWebRtc,
  watchTrack,
  type NodeWebRtc,
  type TrackStats,
} from './node/index.js';

const rtc = wrtc as unknown as NodeWebRtc;
useNodeWebRtc(rtc);

// Against `cosmo serve` in its own process: what the server holds is read from /healthz.
describe('CosmoClient in Node', () => {
  let t: CosmoProcess | undefined;
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    await t?.close();
    t = undefined;
  });

  async function client(identity: string, role: 'teacher' | 'student'): Promise<CosmoClient> {
    const c = new CosmoClient({
      url: t!.url,
      token: await t!.token('music', identity, role),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      handlerName: 'Chrome111',
      reconnectPolicy: { nextRetryDelayMs: (n) => (n < 10 ? 200 : null) },
    });
    cleanup.push(() => c.close());
    return c;
  }

  it('refuses a bad token with NOT_AUTHORIZED and ends closed', async () => {
    t = await startCosmoProcess();
    const c = new CosmoClient({
      url: t.url,
      token: 'nope',
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    await expect(c.connect()).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(c.state).toBe('closed');
  });

  it('resumes the same session after a drop: missed events replayed, media still flowing', async () => {
    t = await startCosmoProcess({ resumeGraceMs: 10_000 });
    const teacher = await client('ms-ito', 'teacher');
    const student = await client('dara', 'student');
    await teacher.connect();
    const tone = toneTrack(rtc);
    const pattern = patternTrack(rtc);
    cleanup.push(tone.stop, pattern.stop);
    await teacher.publish(tone.track, 'microphone');
    const video = await teacher.publish(pattern.track, 'camera');

    const states: ConnectionState[] = [];
    const chats: string[] = [];
    const stats = new Map<string, TrackStats>();
    student.on('stateChanged', (s) => states.push(s));
    student.on('chat', (m) => chats.push(m.text));
    student.on('trackSubscribed', (r) => stats.set(r.producerId, watchTrack(rtc, r.track)));
    cleanup.push(() => [...stats.values()].forEach((s) => s.stop()));
    const self = await student.connect();
    expect(student.participants.get(teacher.self!.id)?.role).toBe('teacher');
    await waitFor(
      'teacher video at the student',
      () => (stats.get(video.producerId)?.units ?? 0) >= 10,
    );

    const resumed = new Promise<number>((resolve) => student.once('resumed', resolve));
    student.dropConnectionForTesting();
    await teacher.sendChat('did everyone get the handout?');
    expect(await resumed).toBeGreaterThanOrEqual(1);
    await waitFor('the replayed chat', () => chats.length === 1);
    expect(chats).toEqual(['did everyone get the handout?']);
    expect(student.self!.id).toBe(self.id);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);

    const before = stats.get(video.producerId)!.units;
    await waitFor(
      'video to keep flowing after the ICE restart',
      () => stats.get(video.producerId)!.units >= before + 10,
    );
    // Nobody saw the student leave: the classroom still holds the teacher and the same student.
    expect(teacher.participants.has(self.id)).toBe(true);
    expect(await t.health()).toMatchObject({ rooms: 1, participants: 2 });
  });

  it('joins afresh when its session has expired, and publishes again', async () => {
    t = await startCosmoProcess({ resumeGraceMs: 0 });
    const teacher = await client('ms-ito', 'teacher');
    const student = await client('dara', 'student');
    await student.connect();
    await teacher.connect();
    const tone = toneTrack(rtc);
    cleanup.push(tone.stop);
    await teacher.publish(tone.track, 'microphone');
    const firstId = teacher.self!.id;
    const joined = new Promise((resolve) => teacher.once('joined', resolve));
    teacher.dropConnectionForTesting();
    await joined;
    expect(teacher.self!.id).not.toBe(firstId);
    await waitFor('the student to hear the re-published microphone', () =>
      [...student.remoteTracks.values()].some((r) => r.participantId === teacher.self!.id),
    );
    expect(teacher.state).toBe('connected');
  });

  it('leaves at once on close: the seat is freed without waiting out the resume grace', async () => {
    t = await startCosmoProcess({ resumeGraceMs: 15_000 });
    const teacher = await client('ms-ito', 'teacher');
    const student = await client('dara', 'student');
    await teacher.connect();
    await student.connect();
    const left: string[] = [];
    teacher.on('participantLeft', (p, reason) => left.push(`${p.identity}:${reason}`));
    const started = Date.now();
    await student.close();
    expect(student.state).toBe('closed');
    await waitFor('the teacher to see the student leave', () => left.length > 0, 5_000);
    expect(left).toEqual(['dara:left']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await t.health()).toMatchObject({ rooms: 1, participants: 1 });
  });

  it('a teacher starts an ended class again with reopen; without it the join says CLASS_ENDED', async () => {
    t = await startCosmoProcess();
    const teacher = await client('ms-ito', 'teacher');
    // Signed before the end, like the class link's token: one signed in a later second (the next
    // lesson's) is let in, and minting through the CLI takes long enough to cross one.
    const again = await client('ms-ito', 'teacher');
    await teacher.connect();
    await teacher.endClass();
    await waitFor('the class to close', async () => (await t!.health()).rooms === 0);
    await expect(again.connect()).rejects.toMatchObject({ code: 'CLASS_ENDED' });
    const reopening = new CosmoClient({
      url: t.url,
      token: await t.token('music', 'ms-ito', 'teacher'),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      handlerName: 'Chrome111',
      reopen: true,
    });
    cleanup.push(() => reopening.close());
    await reopening.connect();
    expect(reopening.classroom?.ended).toBe(false);
  });
});
