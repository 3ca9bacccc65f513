import type * as Mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { InvalidStateError, TypedEmitter } from '@cosmo/core';
import { resolveWorkerBinary } from './workerBinary.js';

/** Options of the worker pool. */
export interface MediaWorkerPoolOptions {
  /** Number of workers, usually one per core. */
  count: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logger: Logger;
}

/** Pool events. */
export type MediaWorkerPoolEvents = {
  /**
   * A worker died and has been replaced. Its routers closed when it died (they emit
   * `workerclose`); their classrooms re-create them on any live worker.
   */
  workerReplaced: [dead: ms.Worker, replacement: ms.Worker];
  closed: [];
};

/** Resource usage of one worker, for metrics. */
export interface WorkerUsage {
  pid: number;
  routers: number;
  /** CPU seconds (user + system) since the worker started. */
  cpuSeconds: number;
}

/**
 * mediasoup workers, one per core. Hands out the least-loaded worker for each new router and
 * respawns a worker that dies, telling its classrooms so they move to the replacement.
 */
export class MediaWorkerPool extends TypedEmitter<MediaWorkerPoolEvents> {
  readonly #options: MediaWorkerPoolOptions;
  /** Live workers; a dead one leaves at once and its replacement joins when it is up. */
  readonly #workers = new Set<ms.Worker>();
  readonly #routers = new Map<ms.Worker, number>();
  readonly #mediasoup: typeof Mediasoup;
  #closed = false;

  private constructor(options: MediaWorkerPoolOptions, mediasoup: typeof Mediasoup) {
    super();
    this.#options = options;
    this.#mediasoup = mediasoup;
  }

  /** Starts `count` workers. Fails with `UNAVAILABLE` when the worker binary is missing. */
  static async create(options: MediaWorkerPoolOptions): Promise<MediaWorkerPool> {
    resolveWorkerBinary();
    const mediasoup = await import('mediasoup');
    const pool = new MediaWorkerPool(options, mediasoup);
    try {
      for (let i = 0; i < options.count; i++) pool.#workers.add(await pool.#spawn());
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  /** Whether the pool has been closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The live workers. */
  get workers(): ms.Worker[] {
    return [...this.#workers];
  }

  /** Creates a router on the least-loaded worker. */
  async createRouter(mediaCodecs: ms.RtpCodecCapability[]): Promise<ms.Router> {
    if (this.#closed) throw new InvalidStateError('the media worker pool is closed');
    if (this.#workers.size === 0) {
      // Every worker died at once: wait for the first replacement.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.off('workerReplaced', onReplaced);
          reject(new InvalidStateError('no media worker came back within 10 s'));
        }, 10_000);
        const onReplaced = () => {
          clearTimeout(timer);
          resolve();
        };
        this.once('workerReplaced', onReplaced);
      });
    }
    const worker = [...this.#workers].sort(
      (a, b) => (this.#routers.get(a) ?? 0) - (this.#routers.get(b) ?? 0),
    )[0];
    if (!worker) throw new InvalidStateError('no media worker is running');
    const router = await worker.createRouter({ mediaCodecs, appData: { workerPid: worker.pid } });
    this.#routers.set(worker, (this.#routers.get(worker) ?? 0) + 1);
    router.observer.once('close', () => {
      const n = this.#routers.get(worker);
      if (n !== undefined) this.#routers.set(worker, Math.max(0, n - 1));
    });
    return router;
  }

  /** CPU and router counts per worker. */
  async usage(): Promise<WorkerUsage[]> {
    return Promise.all(
      [...this.#workers].map(async (w) => {
        const ru = await w.getResourceUsage().catch(() => undefined);
        return {
          pid: w.pid,
          routers: this.#routers.get(w) ?? 0,
          cpuSeconds: ru ? (ru.ru_utime + ru.ru_stime) / 1000 : 0,
        };
      }),
    );
  }

  /** Closes every worker (and so every router). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#workers) w.close();
    this.#workers.clear();
    this.#routers.clear();
    this.safeEmit('closed');
  }

  async #spawn(): Promise<ms.Worker> {
    const { rtcMinPort, rtcMaxPort, logger } = this.#options;
    const worker = await this.#mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort,
      rtcMaxPort,
    });
    this.#routers.set(worker, 0);
    worker.on('died', (err) => {
      logger.error(
        { workerPid: worker.pid, err: err.message },
        'mediasoup worker died; respawning',
      );
      void this.#replace(worker);
    });
    logger.info({ workerPid: worker.pid }, 'mediasoup worker started');
    return worker;
  }

  async #replace(dead: ms.Worker): Promise<void> {
    this.#routers.delete(dead);
    if (!this.#workers.delete(dead) || this.#closed) return;
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        const replacement = await this.#spawn();
        if (this.#closed) {
          replacement.close();
          return;
        }
        this.#workers.add(replacement);
        this.safeEmit('workerReplaced', dead, replacement);
        return;
      } catch (err) {
        const delay = Math.min(5000, 100 * 2 ** attempt);
        this.#options.logger.error({ err, delay }, 'cannot respawn mediasoup worker; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
