import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_CODECS } from './mediaCodecs.js';
import { resolveWorkerBinary } from './workerBinary.js';

describe('the mediasoup worker built by setup', () => {
  it('is the binary the setup script built and recorded', () => {
    const bin = resolveWorkerBinary();
    expect(bin).toMatch(/mediasoup-worker-3\.12\.16\/mediasoup-worker$/);
  });

  it('runs a Worker and a Router with Opus, VP8 and H264, and closes them', async () => {
    resolveWorkerBinary();
    const mediasoup = await import('mediasoup');
    expect(mediasoup.version).toBe('3.12.16');

    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    let workerDied = false;
    worker.on('died', () => (workerDied = true));
    expect(worker.pid).toBeGreaterThan(0);

    const router = await worker.createRouter({ mediaCodecs: DEFAULT_MEDIA_CODECS });
    const mimeTypes = router.rtpCapabilities.codecs?.map((c) => c.mimeType) ?? [];
    expect(mimeTypes).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264', 'video/rtx']),
    );

    // A transport exercises the worker's network, DTLS and ICE stacks, not just its channel.
    const transport = await router.createWebRtcTransport({
      listenIps: [{ ip: '127.0.0.1' }],
      enableUdp: true,
      enableTcp: true,
    });
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);

    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);

    router.close();
    expect(transport.closed).toBe(true);
    worker.close();
    expect(router.closed).toBe(true);
    expect(worker.closed).toBe(true);
    expect(workerDied).toBe(false);
  });

  it('refuses to start without a worker binary, with a fix-it message', () => {
    expect(() => resolveWorkerBinary({})).toThrow(/MEDIASOUP_WORKER_BIN is not set/);
    expect(() => resolveWorkerBinary({ MEDIASOUP_WORKER_BIN: '/nonexistent/worker' })).toThrow(
      /missing or not executable/,
    );
  });
});
