import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '@cosmo/translate';
import type { types as ms } from 'mediasoup';
import { CosmoError, ErrorCode, TypedEmitter } from '@cosmo/core';
import { freeUdpPort } from '../plainRtp.js';

/** Audio tap events. */
export type AudioTapEvents = {
  /** 16 kHz mono signed 16-bit samples. */
  pcm: [samples: Int16Array];
  closed: [reason: string];
};

/**
 * Takes a speaker's Opus producer out of the router and turns it into 16 kHz mono PCM: mediasoup
 * sends the RTP over a PlainTransport on loopback to ffmpeg, which decodes and resamples. All
 * of it runs in other processes, so recognition load never delays signalling.
 */
export class AudioTap extends TypedEmitter<AudioTapEvents> {
  readonly #transport: ms.PlainTransport;
  readonly #consumer: ms.Consumer;
  readonly #ffmpeg: ChildProcess;
  #closed = false;

  private constructor(transport: ms.PlainTransport, consumer: ms.Consumer, ffmpeg: ChildProcess) {
    super();
    this.#transport = transport;
    this.#consumer = consumer;
    this.#ffmpeg = ffmpeg;
    let carry: Buffer = Buffer.alloc(0);
    ffmpeg.stdout!.on('data', (chunk: Buffer) => {
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const even = data.length - (data.length % 2);
      carry = data.subarray(even);
      const copy = Buffer.from(data.subarray(0, even));
      this.safeEmit('pcm', new Int16Array(copy.buffer, copy.byteOffset, even / 2));
    });
    ffmpeg.on('exit', () => this.close('decoder exited'));
    consumer.on('producerclose', () => this.close('producer closed'));
    transport.on('routerclose', () => this.close('router closed'));
  }

  /** Starts tapping `producer`. Throws UNAVAILABLE when ffmpeg is not installed. */
  static async open(router: ms.Router, producer: ms.Producer): Promise<AudioTap> {
    const codec = producer.rtpParameters.codecs[0];
    if (!codec || codec.mimeType.toLowerCase() !== 'audio/opus') {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'only Opus audio can be captioned');
    }
    const port = await freeUdpPort();
    const transport = await router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
    });
    try {
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
        paused: true,
      });
      const pt = consumer.rtpParameters.codecs[0]!.payloadType;
      const sdp = [
        'v=0',
        'o=- 0 0 IN IP4 127.0.0.1',
        's=cosmo-caption-tap',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${port} RTP/AVP ${pt}`,
        `a=rtpmap:${pt} opus/48000/2`,
        'a=recvonly',
        '',
      ].join('\n');
      // Tied to the server: it dies with it, even when the server is killed with SIGKILL.
      const ffmpeg = spawnTied(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-protocol_whitelist',
          'pipe,udp,rtp',
          '-f',
          'sdp',
          '-i',
          'pipe:0',
          // Senders stop sending in silence (Opus DTX): fill the gaps from the RTP timestamps,
          // or sentences run into each other and the VAD cannot find where they end.
          '-af',
          'aresample=async=1:first_pts=0',
          '-ac',
          '1',
          '-ar',
          '16000',
          '-f',
          's16le',
          'pipe:1',
        ],
        { stdio: ['pipe', 'pipe', 'ignore'] },
      );
      const spawned = await new Promise<boolean>((resolve) => {
        ffmpeg.once('spawn', () => resolve(true));
        ffmpeg.once('error', () => resolve(false));
      });
      if (!spawned)
        throw new CosmoError(
          ErrorCode.UNAVAILABLE,
          'ffmpeg is not installed (Debian package ffmpeg): captions are off',
        );
      ffmpeg.stdin!.end(sdp);
      await transport.connect({ ip: '127.0.0.1', port });
      // Give ffmpeg a moment to open its socket before the first packet.
      await new Promise((r) => setTimeout(r, 300));
      await consumer.resume();
      return new AudioTap(transport, consumer, ffmpeg);
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  /** Whether the tap has stopped. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops the tap. No-op when already closed. */
  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
    this.#ffmpeg.kill();
    void this.#consumer;
    this.safeEmit('closed', reason);
    this.removeAllListeners();
  }
}
