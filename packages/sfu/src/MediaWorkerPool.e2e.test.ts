import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { types as ms } from 'mediasoup';
import { DEFAULT_MEDIA_CODECS } from './mediaCodecs.js';
import { MediaWorkerPool } from './MediaWorkerPool.js';

// What a classroom does: ask for a new router from inside its old router's `workerclose`, which
// mediasoup emits while the worker is dying, before the worker's own `died`.
// Resolves once the request is made, with the request (wrapped, so the promise is not adopted).
function routerRequestedOnWorkerClose(pool: MediaWorkerPool, router: ms.Router) {
  return new Promise<{ request: Promise<ms.Router> }>((resolve) =>
    router.once('workerclose', () => resolve({ request: pool.createRouter(DEFAULT_MEDIA_CODECS) })),
  );
}

describe('the media worker pool when a worker dies', () => {
  let pool: MediaWorkerPool | undefined;
  afterEach(() => {
    pool?.close();
    pool = undefined;
  });

  async function start(count: number): Promise<MediaWorkerPool> {
    pool = await MediaWorkerPool.create({
      count,
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
      logger: pino({ level: 'silent' }),
    });
    return pool;
  }

  it('never hands out the dying worker: with it the only one, a router waits for its replacement', async () => {
    const pool = await start(1);
    const [only] = pool.workers;
    const old = await pool.createRouter(DEFAULT_MEDIA_CODECS);
    const requested = routerRequestedOnWorkerClose(pool, old);
    process.kill(only!.pid, 'SIGKILL');

    const router = await (await requested).request;
    expect(router.closed).toBe(false);
    expect(router.appData['workerPid']).not.toBe(only!.pid);
    expect(pool.workers.map((w) => w.pid)).toEqual([router.appData['workerPid']]);
  });

  it('never hands out the dying worker: with a tie, the router goes to the live one', async () => {
    const pool = await start(2);
    const [first, second] = pool.workers;
    const a = await pool.createRouter(DEFAULT_MEDIA_CODECS);
    const b = await pool.createRouter(DEFAULT_MEDIA_CODECS);
    expect([a.appData['workerPid'], b.appData['workerPid']]).toEqual([first!.pid, second!.pid]);
    const requested = routerRequestedOnWorkerClose(pool, a);
    process.kill(first!.pid, 'SIGKILL');

    const router = await (await requested).request;
    expect(router.closed).toBe(false);
    expect(router.appData['workerPid']).toBe(second!.pid);
  });

  it('fails a router request that waits for a replacement when the pool closes', async () => {
    const pool = await start(1);
    const [only] = pool.workers;
    const old = await pool.createRouter(DEFAULT_MEDIA_CODECS);
    const requested = routerRequestedOnWorkerClose(pool, old);
    // The router request is waiting once the worker is out of the live set.
    process.kill(only!.pid, 'SIGKILL');
    const { request } = await requested;
    pool.close();

    await expect(request).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
