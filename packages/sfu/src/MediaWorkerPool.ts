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
  /**
   * One WebRTC server per worker, so that media uses a few fixed ports (UDP and TCP) instead of a
   * port per transport: worker n listens on `port + n` (`port` 0: a free port from the range).
   * Without it, each transport takes its own port from the range.
   */
  webRtcServer?: { ip: string; announcedIp: string | undefined; port: number };
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
  /** Consumers on the worker's routers (mediasoup's guide: about 500 per worker). */
  consumers: number;
  /** CPU seconds (user + system) since the worker started. */
  cpuSeconds: number;
}

/** How long a router request waits for a replacement when no worker is live. */
const REPLACEMENT_WAIT_MS = 10_000;

/**
 * mediasoup workers, one per core. Hands out the least-loaded live worker for each new router and
 * respawns a worker that dies; its classrooms move on their own when their routers close.
 */
export class MediaWorkerPool extends TypedEmitter<MediaWorkerPoolEvents> {
  readonly #options: MediaWorkerPoolOptions;
  /**
   * Live workers. A worker leaves the moment it starts dying: mediasoup closes its routers (each
   * emits `workerclose`, and their classrooms ask for new ones) before the worker emits `died`.
   */
  readonly #workers = new Set<ms.Worker>();
  /** Router counts of the workers this pool runs, live or dying and not yet replaced. */
  readonly #routers = new Map<ms.Worker, number>();
  /** Consumers on each worker's routers: the load that placement balances. */
  readonly #consumers = new Map<ms.Worker, number>();
  /** Each worker's place (its WebRTC server's port offset); a replacement takes the dead one's. */
  readonly #slots = new Map<ms.Worker, number>();
  readonly #servers = new Map<ms.Worker, ms.WebRtcServer>();
  readonly #workerOf = new WeakMap<ms.Router, ms.Worker>();
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
      for (let i = 0; i < options.count; i++) pool.#workers.add(await pool.#spawn(i));
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
    return [...this.#workers].filter((w) => !w.closed);
  }

  /**
   * Creates a router on the least-loaded live worker; with none live (every worker died at once),
   * waits up to 10 s for a replacement.
   */
  async createRouter(mediaCodecs: ms.RtpCodecCapability[]): Promise<ms.Router> {
    return (await this.#createRouter(mediaCodecs, new Set()))!;
  }

  /**
   * Creates a router on the least-loaded live worker other than `avoid` (a classroom growing onto
   * another core); undefined when every live worker is one of them.
   */
  async createRouterElsewhere(
    mediaCodecs: ms.RtpCodecCapability[],
    avoid: ReadonlySet<ms.Worker>,
  ): Promise<ms.Router | undefined> {
    return this.#createRouter(mediaCodecs, avoid);
  }

  /** The worker a router of this pool runs on. */
  workerOf(router: ms.Router): ms.Worker | undefined {
    return this.#workerOf.get(router);
  }

  /** Consumers on a worker's routers, of every classroom. */
  consumersOn(worker: ms.Worker): number {
    return this.#consumers.get(worker) ?? 0;
  }

  /** The WebRTC server of the worker a router runs on, if the pool runs them. */
  webRtcServerOf(router: ms.Router): ms.WebRtcServer | undefined {
    const worker = this.#workerOf.get(router);
    return worker && this.#servers.get(worker);
  }

  async #createRouter(
    mediaCodecs: ms.RtpCodecCapability[],
    avoid: ReadonlySet<ms.Worker>,
  ): Promise<ms.Router | undefined> {
    for (let attempt = 0; ; attempt++) {
      const worker = await this.#liveWorker(avoid);
      if (!worker) return undefined;
      try {
        return await this.#createRouterOn(worker, mediaCodecs);
      } catch (err) {
        // The worker died while it made the router: try another, a bounded number of times.
        if (!worker.closed || attempt >= this.#options.count) throw err;
        this.#workers.delete(worker);
      }
    }
  }

  /** CPU and router counts per worker. */
  async usage(): Promise<WorkerUsage[]> {
    return Promise.all(
      this.workers.map(async (w) => {
        const ru = await w.getResourceUsage().catch(() => undefined);
        return {
          pid: w.pid,
          routers: this.#routers.get(w) ?? 0,
          consumers: this.#consumers.get(w) ?? 0,
          cpuSeconds: ru ? (ru.ru_utime + ru.ru_stime) / 1000 : 0,
        };
      }),
    );
  }

  /** Closes every worker (and so every router). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#routers.keys()) w.close();
    this.#workers.clear();
    this.#routers.clear();
    this.safeEmit('closed');
  }

  /** The least-loaded live worker not in `avoid` (by consumers, then routers). */
  async #liveWorker(avoid: ReadonlySet<ms.Worker>): Promise<ms.Worker | undefined> {
    if (this.#closed) throw new InvalidStateError('the media worker pool is closed');
    for (const w of this.#workers) if (w.closed) this.#workers.delete(w);
    if (this.#workers.size === 0) await this.#replacement();
    const load = (w: ms.Worker) => [this.consumersOn(w), this.#routers.get(w) ?? 0] as const;
    let best: ms.Worker | undefined;
    for (const w of this.#workers) {
      if (w.closed || avoid.has(w)) continue;
      const [c, r] = load(w);
      if (!best) best = w;
      else {
        const [bc, br] = load(best);
        if (c < bc || (c === bc && r < br)) best = w;
      }
    }
    if (!best && avoid.size === 0) throw new InvalidStateError('no media worker is running');
    return best;
  }

  /** Resolves when a dead worker's replacement is up; rejects after 10 s or when the pool closes. */
  #replacement(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.off('workerReplaced', onReplaced);
        this.off('closed', onClosed);
        if (err) reject(err);
        else resolve();
      };
      const onReplaced = () => done();
      const onClosed = () => done(new InvalidStateError('the media worker pool is closed'));
      const timer = setTimeout(
        () => done(new InvalidStateError('no media worker came back within 10 s')),
        REPLACEMENT_WAIT_MS,
      );
      this.once('workerReplaced', onReplaced);
      this.once('closed', onClosed);
    });
  }

  async #createRouterOn(
    worker: ms.Worker,
    mediaCodecs: ms.RtpCodecCapability[],
  ): Promise<ms.Router> {
    // Counted from the request on, so that classrooms moving together spread over the workers.
    this.#count(worker, +1);
    let router: ms.Router;
    try {
      router = await worker.createRouter({ mediaCodecs, appData: { workerPid: worker.pid } });
    } catch (err) {
      this.#count(worker, -1);
      throw err;
    }
    if (worker.closed) {
      // It died between answering and now: mediasoup would never close this router.
      router.close();
      this.#count(worker, -1);
      throw new InvalidStateError('the media worker died while creating the router');
    }
    // Registered before the classroom's own listener: the worker is out before anyone asks again.
    router.once('workerclose', () => this.#workers.delete(worker));
    router.observer.once('close', () => this.#count(worker, -1));
    this.#workerOf.set(router, worker);
    router.observer.on('newtransport', (transport) =>
      transport.observer.on('newconsumer', (consumer) => {
        this.#consumers.set(worker, this.consumersOn(worker) + 1);
        consumer.observer.once('close', () =>
          this.#consumers.set(worker, Math.max(0, this.consumersOn(worker) - 1)),
        );
      }),
    );
    return router;
  }

  #count(worker: ms.Worker, delta: number): void {
    const n = this.#routers.get(worker);
    if (n !== undefined) this.#routers.set(worker, Math.max(0, n + delta));
  }

  async #spawn(slot: number): Promise<ms.Worker> {
    const { rtcMinPort, rtcMaxPort, logger, webRtcServer } = this.#options;
    const worker = await this.#mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort,
      rtcMaxPort,
    });
    if (webRtcServer) {
      const port = webRtcServer.port ? webRtcServer.port + slot : undefined;
      const at = { ip: webRtcServer.ip, announcedIp: webRtcServer.announcedIp, port };
      try {
        this.#servers.set(
          worker,
          await worker.createWebRtcServer({
            listenInfos: [
              { protocol: 'udp', ...at },
              { protocol: 'tcp', ...at },
            ],
          }),
        );
      } catch (err) {
        worker.close();
        throw new InvalidStateError(
          `cannot listen for media on ${webRtcServer.ip}:${port ?? 'a port of the range'} ` +
            `(in use? set mediaPort): ${(err as Error).message}`,
        );
      }
    }
    this.#routers.set(worker, 0);
    this.#consumers.set(worker, 0);
    this.#slots.set(worker, slot);
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
    this.#workers.delete(dead);
    this.#consumers.delete(dead);
    this.#servers.delete(dead);
    const slot = this.#slots.get(dead) ?? 0;
    this.#slots.delete(dead);
    if (!this.#routers.delete(dead) || this.#closed) return;
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        const replacement = await this.#spawn(slot);
        if (this.#closed) {
          this.#routers.delete(replacement);
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
