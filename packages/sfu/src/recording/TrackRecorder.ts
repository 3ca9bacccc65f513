import type { ChildProcess } from 'node:child_process';
import type { types as ms } from 'mediasoup';
import { CosmoError, ErrorCode, TypedEmitter } from '@cosmo/core';
import { spawnTied } from '@cosmo/translate';
import { freeUdpPort, plainRtpCapabilities, sdpFor } from '../plainRtp.js';

/** Why a track recorder stopped. */
export type TrackRecorderEnd =
  /** `stop()` was called: the file was closed cleanly. */
  | 'stopped'
  /** The producer went away (its owner left, reconnected or stopped sending). */
  | 'producer closed'
  /** The router went away (its worker died). */
  | 'router closed'
  /** ffmpeg exited on its own (killed, or failed). */
  | 'recorder exited';

export type TrackRecorderEvents = {
  closed: [reason: TrackRecorderEnd];
};

/** The container a producer's codec is written to without re-encoding. */
export function containerFor(mimeType: string): 'webm' | 'matroska' {
  return /^(audio\/opus|video\/vp8|video\/vp9)$/i.test(mimeType) ? 'webm' : 'matroska';
}

/** When the recorder asks the sender for a key frame after it starts (ms). */
const KEY_FRAME_REQUESTS_MS = [0, 1000, 3000];
/** How long a stopped ffmpeg has to close its file before it is killed. */
const STOP_GRACE_MS = 5000;

/**
 * Writes one producer to one file, without re-encoding: mediasoup sends the RTP over a
 * PlainTransport on loopback to an ffmpeg that copies it into WebM (VP8, Opus) or Matroska
 * (H264), a cluster at least every second and each flushed, so a crash of the server (ffmpeg dies
 * with it) loses only what was not flushed yet. The consumer starts paused and is resumed once
 * ffmpeg listens; video then asks the sender for key frames, where a file can start.
 */
export class TrackRecorder extends TypedEmitter<TrackRecorderEvents> {
  readonly file: string;
  /** Unix ms at which the first packet was let through. */
  readonly startedAt: number;
  /**
   * Unix ms of the file's time zero: for video, when the first key frame went out (mediasoup
   * sends a new consumer nothing before one); for audio, `startedAt`. Resolves once known (a
   * video that never sends a key frame: when the recorder closes, with `startedAt`).
   */
  readonly firstMediaAt: Promise<number>;
  #firstMedia!: (at: number) => void;
  readonly #transport: ms.PlainTransport;
  readonly #ffmpeg: ChildProcess;
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #exited: Promise<void>;
  /** Why it is being stopped, once `#finish` began. */
  #stopping: TrackRecorderEnd | undefined;
  #closed = false;

  private constructor(
    file: string,
    transport: ms.PlainTransport,
    consumer: ms.Consumer,
    ffmpeg: ChildProcess,
    startedAt: number,
  ) {
    super();
    this.file = file;
    this.startedAt = startedAt;
    this.firstMediaAt = new Promise((resolve) => (this.#firstMedia = resolve));
    if (consumer.kind === 'audio') this.#firstMedia(startedAt);
    else
      consumer.on('trace', (trace) => {
        if (trace.type === 'keyframe' && trace.direction === 'out') this.#firstMedia(Date.now());
      });
    this.#transport = transport;
    this.#ffmpeg = ffmpeg;
    this.#exited = new Promise((resolve) => {
      if (ffmpeg.exitCode !== null || ffmpeg.signalCode !== null) resolve();
      else ffmpeg.once('exit', () => resolve());
    });
    ffmpeg.once('exit', () => this.#end(this.#stopping ?? 'recorder exited'));
    consumer.on('producerclose', () => void this.#finish('producer closed'));
    transport.on('routerclose', () => void this.#finish('router closed'));
    if (consumer.kind === 'video') {
      for (const ms of KEY_FRAME_REQUESTS_MS)
        this.#timers.push(setTimeout(() => void consumer.requestKeyFrame().catch(() => {}), ms));
    }
  }

  /**
   * Starts recording `producer` (on `router`) into `file`. Throws UNAVAILABLE when ffmpeg is not
   * installed.
   */
  static async open(
    router: ms.Router,
    producer: ms.Producer,
    file: string,
  ): Promise<TrackRecorder> {
    const port = await freeUdpPort();
    const transport = await router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
      appData: { recorder: true },
    });
    try {
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: plainRtpCapabilities(router),
        paused: true,
        appData: { recorder: true },
      });
      // Simulcast: the best layer (nothing estimates bandwidth on loopback).
      if (consumer.type === 'simulcast' || consumer.type === 'svc')
        await consumer.setPreferredLayers({ spatialLayer: 15, temporalLayer: 15 });
      const codec = consumer.rtpParameters.codecs[0]!;
      const ffmpeg = spawnTied(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-nostdin',
          '-protocol_whitelist',
          'pipe,udp,rtp',
          // A late or reordered packet waits a little; a key frame may take a second to come.
          '-reorder_queue_size',
          '500',
          // The SDP names the codec; a video's size comes with its first key frame. What is read
          // while probing is only written after it: a short probe loses little when a worker dies.
          '-analyzeduration',
          '1000000',
          // Video is stamped with the time each frame arrives, not its RTP timestamps: when
          // mediasoup switches simulcast layers after a pause it keeps RTP time continuous,
          // which would squeeze the seconds in between out of the file and the picture would
          // run ahead of the sound. (Audio keeps its RTP timestamps: sample-exact, and Opus
          // DTX gaps stay gaps.)
          ...(consumer.kind === 'video' ? ['-use_wallclock_as_timestamps', '1'] : []),
          '-f',
          'sdp',
          '-i',
          'pipe:0',
          '-map',
          '0',
          '-c',
          'copy',
          '-f',
          containerFor(codec.mimeType),
          // A cluster every 200 ms, each written out at once: what a crash loses is that much.
          '-cluster_time_limit',
          '200',
          '-flush_packets',
          '1',
          '-y',
          file,
        ],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      let stderr = '';
      ffmpeg.stderr!.on('data', (chunk: Buffer) => {
        if (stderr.length < 4000) stderr += chunk.toString();
      });
      const spawned = await new Promise<boolean>((resolve) => {
        ffmpeg.once('spawn', () => resolve(true));
        ffmpeg.once('error', () => resolve(false));
      });
      if (!spawned)
        throw new CosmoError(
          ErrorCode.UNAVAILABLE,
          'ffmpeg is not installed (Debian package ffmpeg): lectures cannot be recorded',
        );
      // Not niced: a writer only copies packets (little CPU), and one that falls behind under
      // load leaves them unread in its socket, lost if it dies, and stamps video late.
      ffmpeg.stdin!.end(sdpFor(consumer, port, 'cosmo-recorder'));
      await transport.connect({ ip: '127.0.0.1', port });
      // Give ffmpeg a moment to open its socket before the first packet.
      await new Promise((r) => setTimeout(r, 300));
      if (ffmpeg.exitCode !== null)
        throw new CosmoError(ErrorCode.INTERNAL, `the recorder failed to start: ${stderr.trim()}`);
      const recorder = new TrackRecorder(file, transport, consumer, ffmpeg, Date.now());
      if (consumer.kind === 'video') await consumer.enableTraceEvent(['keyframe']);
      await consumer.resume();
      return recorder;
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  /** Whether recording has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The pid of the ffmpeg writing the file (tests kill it). */
  get pidForTesting(): number | undefined {
    return this.#ffmpeg.pid;
  }

  /**
   * Stops recording and closes the file cleanly (SIGINT: ffmpeg writes its index and exits);
   * resolves once ffmpeg has exited. No-op when already closed.
   */
  async stop(): Promise<void> {
    await this.#finish('stopped');
  }

  /** Stops the packets, then lets ffmpeg close its file (killed if it takes too long). */
  async #finish(reason: TrackRecorderEnd): Promise<void> {
    if (this.#closed || this.#stopping) return this.#exited;
    this.#stopping = reason;
    // ffmpeg finishes its file on the first SIGINT when the next packet comes; a second one
    // breaks the wait when no more come (the producer is gone).
    this.#ffmpeg.kill('SIGINT');
    const again = setTimeout(() => {
      this.#transport.close();
      this.#ffmpeg.kill('SIGINT');
    }, 500);
    const kill = setTimeout(() => this.#ffmpeg.kill('SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(again);
    clearTimeout(kill);
  }

  #end(reason: TrackRecorderEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#firstMedia(this.startedAt);
    for (const t of this.#timers) clearTimeout(t);
    this.#transport.close();
    if (this.#ffmpeg.exitCode === null && this.#ffmpeg.signalCode === null)
      this.#ffmpeg.kill('SIGKILL');
    this.safeEmit('closed', reason);
    this.removeAllListeners();
  }
}
