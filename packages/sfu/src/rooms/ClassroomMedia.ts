import { setTimeout as sleep } from 'node:timers/promises';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { InvalidStateError, TypedEmitter } from '@cosmo/core';
import { DEFAULT_MEDIA_CODECS } from '../mediaCodecs.js';
import type { MediaWorkerPool } from '../MediaWorkerPool.js';

/** What a classroom's media spans: the pool, and how much one worker should carry. */
export interface ClassroomMediaOptions {
  pool: MediaWorkerPool;
  /** Consumers per worker past which the classroom opens a router on another worker. */
  consumersPerWorker: number;
  logger: Logger;
  room: string;
}

/** A participant, as far as media placement is concerned. */
export interface Seat {
  readonly id: string;
  /** What it receives so far (a seat that receives nothing yet is about to). */
  readonly consumers: { readonly size: number };
}

/** One speaker's level, for the classroom's active-speaker event. */
export interface SpeakerLevel {
  producer: ms.Producer;
  volume: number;
}

/** Media events, for the classroom. */
export type ClassroomMediaEvents = {
  /** Who is speaking, loudest first, across every router of the classroom. */
  speakers: [levels: SpeakerLevel[]];
  /**
   * A router's worker died: these seats' media is gone (their transports closed) and they must
   * re-create it; every other seat keeps its media.
   */
  lost: [seats: Seat[]];
  /** No router could be had after every retry: the classroom cannot carry media any more. */
  failed: [];
};

/** Pauses between attempts at a first router after every router of the classroom died. */
const ROUTER_RETRY_DELAYS_MS = [250, 500, 1000, 2000];

/** One router of the classroom, on one worker. */
interface Slot {
  router: ms.Router;
  worker: ms.Worker | undefined;
  levels: ms.AudioLevelObserver;
  /** The latest levels heard on this router. */
  heard: SpeakerLevel[];
  /** Seats placed on this router. */
  seats: Set<Seat>;
  /** Producers of other routers piped here, by producer id, with how many consumers use each. */
  pipes: Map<string, { ready: Promise<ms.Producer>; users: number }>;
}

/**
 * The routers of one classroom across the pool's workers. The classroom starts on one router and
 * opens one on another worker when the workers it uses carry `consumersPerWorker` consumers; each
 * participant's transports go to the least-loaded of its routers. A producer is piped to another
 * router (`pipeToRouter`) the first time someone there consumes it, and the pipe closes when its
 * last consumer there goes. Audio levels are heard on every router and merged. A worker's death
 * takes only the participants on its router.
 */
export class ClassroomMedia extends TypedEmitter<ClassroomMediaEvents> {
  readonly #options: ClassroomMediaOptions;
  readonly #slots: Slot[] = [];
  readonly #seatOf = new Map<string, Slot>();
  readonly #routerOfProducer = new Map<string, Slot>();
  #growing: Promise<Slot | undefined> | undefined;
  #recovering = false;
  readonly #closing = new AbortController();
  #closed = false;

  private constructor(options: ClassroomMediaOptions) {
    super();
    this.#options = options;
  }

  /** Opens the classroom's first router, on the least-loaded worker. */
  static async open(options: ClassroomMediaOptions): Promise<ClassroomMedia> {
    const media = new ClassroomMedia(options);
    await media.#add(await options.pool.createRouter(DEFAULT_MEDIA_CODECS));
    return media;
  }

  /** The first router (every router of the classroom has the same RTP capabilities). */
  get router(): ms.Router {
    const slot = this.#slots[0];
    if (!slot) throw new InvalidStateError('the classroom has no media router right now');
    return slot.router;
  }

  /** The routers, first the one the classroom opened on. */
  get routers(): ms.Router[] {
    return this.#slots.map((s) => s.router);
  }

  /** The router a seat's media is on, if it has been placed. */
  routerOf(seat: Seat): ms.Router | undefined {
    return this.#seatOf.get(seat.id)?.router;
  }

  /**
   * The router for a seat's transports: the one it is on, or the least-loaded router of the
   * classroom, opening one on another worker when every worker the classroom uses is full.
   */
  async place(seat: Seat): Promise<ms.Router> {
    const placed = this.#seatOf.get(seat.id);
    if (placed && !placed.router.closed) return placed.router;
    let slot = this.#leastLoaded();
    if (!slot || this.#load(slot) >= this.#options.consumersPerWorker) {
      slot = (await this.#grow()) ?? this.#leastLoaded();
    }
    if (!slot) slot = await this.#recover();
    this.#seatOf.set(seat.id, slot);
    slot.seats.add(seat);
    return slot.router;
  }

  /** The router that carries a producer, if it is one of the classroom's. */
  routerOfProducer(producerId: string): ms.Router | undefined {
    return this.#routerOfProducer.get(producerId)?.router;
  }

  /** Forgets a seat that left. */
  unseat(seat: Seat): void {
    this.#seatOf.get(seat.id)?.seats.delete(seat);
    this.#seatOf.delete(seat.id);
  }

  /** A producer was created on one of the classroom's routers: its levels are heard there. */
  async addProducer(producer: ms.Producer, router: ms.Router): Promise<void> {
    const slot = this.#slots.find((s) => s.router === router);
    if (!slot) return;
    this.#routerOfProducer.set(producer.id, slot);
    producer.observer.once('close', () => this.#routerOfProducer.delete(producer.id));
    if (producer.kind === 'audio')
      await slot.levels.addProducer({ producerId: producer.id }).catch(() => undefined);
  }

  /**
   * Makes `producerId` consumable on `router`, piping it there from its own router the first
   * time. Returns `release`, to call when the consumer that needed it closes: the pipe closes
   * with its last consumer.
   */
  async reach(producerId: string, router: ms.Router): Promise<() => void> {
    const from = this.#routerOfProducer.get(producerId);
    const to = this.#slots.find((s) => s.router === router);
    if (!from || !to || from === to) return () => undefined;
    let pipe = to.pipes.get(producerId);
    if (!pipe) {
      const ready = from.router
        .pipeToRouter({ producerId, router: to.router })
        .then(({ pipeProducer, pipeConsumer }) => {
          pipeProducer!.observer.once('close', () => {
            pipeConsumer!.close();
            if (to.pipes.get(producerId) === pipe) to.pipes.delete(producerId);
          });
          return pipeProducer!;
        });
      pipe = { ready, users: 0 };
      to.pipes.set(producerId, pipe);
      ready.catch(() => {
        if (to.pipes.get(producerId) === pipe) to.pipes.delete(producerId);
      });
    }
    const used = pipe;
    used.users++;
    try {
      await used.ready;
    } catch (err) {
      used.users--;
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--used.users > 0) return;
      void used.ready.then((p) => p.close()).catch(() => undefined);
    };
  }

  /** Closes every router. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    for (const slot of this.#slots) slot.router.close();
    this.#slots.length = 0;
    this.#seatOf.clear();
    this.removeAllListeners();
  }

  /**
   * A slot's load: its worker's consumers, plus the consumers that its seats receiving nothing
   * yet are about to add (a class joining at once would otherwise all land on one router).
   */
  #load(slot: Slot): number {
    const consumers = slot.worker ? this.#options.pool.consumersOn(slot.worker) : 0;
    let coming = 0;
    for (const seat of slot.seats) if (seat.consumers.size === 0) coming++;
    return consumers + coming * Math.max(1, this.#routerOfProducer.size);
  }

  #leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (slot.router.closed) continue;
      if (!best || this.#load(slot) < this.#load(best)) best = slot;
    }
    return best;
  }

  /** Opens a router on a worker the classroom does not use yet (one at a time). */
  #grow(): Promise<Slot | undefined> {
    this.#growing ??= (async () => {
      try {
        const used = new Set(
          this.#slots.map((s) => s.worker).filter((w): w is ms.Worker => w !== undefined),
        );
        const router = await this.#options.pool.createRouterElsewhere(DEFAULT_MEDIA_CODECS, used);
        return router ? await this.#add(router) : undefined;
      } finally {
        this.#growing = undefined;
      }
    })();
    return this.#growing;
  }

  /**
   * Every router died: opens a new one, retrying after pauses (the pool may be respawning the
   * only worker). When every attempt fails, the classroom is told it failed.
   */
  async #recover(): Promise<Slot> {
    const { pool, logger, room } = this.#options;
    for (let failures = 0; ;) {
      if (this.#closed) throw new InvalidStateError('the class has ended');
      const live = this.#leastLoaded();
      if (live) return live;
      try {
        return await this.#add(await pool.createRouter(DEFAULT_MEDIA_CODECS));
      } catch (err) {
        if (this.#closed) throw new InvalidStateError('the class has ended');
        const delay = pool.closed ? undefined : ROUTER_RETRY_DELAYS_MS[failures++];
        if (delay === undefined) {
          logger.error({ err, room }, 'cannot re-create the classroom router');
          this.safeEmit('failed');
          throw new InvalidStateError('no media router can be had for this class');
        }
        logger.warn({ err, room, delay }, 'cannot re-create the classroom router yet');
        await sleep(delay, undefined, { signal: this.#closing.signal }).catch(() => undefined);
      }
    }
  }

  async #add(router: ms.Router): Promise<Slot> {
    let levels: ms.AudioLevelObserver;
    try {
      levels = await router.createAudioLevelObserver({
        maxEntries: 4,
        threshold: -70,
        interval: 500,
      });
      if (this.#closed) throw new InvalidStateError('the class has ended');
    } catch (err) {
      router.close();
      throw err;
    }
    const slot: Slot = {
      router,
      worker: this.#options.pool.workerOf(router),
      levels,
      heard: [],
      seats: new Set(),
      pipes: new Map(),
    };
    levels.on('volumes', (volumes) => {
      slot.heard = volumes.map((v) => ({ producer: v.producer, volume: v.volume }));
      this.#speakers();
    });
    levels.on('silence', () => {
      slot.heard = [];
      this.#speakers();
    });
    router.on('workerclose', () => void this.#lose(slot));
    this.#slots.push(slot);
    return slot;
  }

  #speakers(): void {
    const all = this.#slots.flatMap((s) => s.heard);
    all.sort((a, b) => b.volume - a.volume);
    this.safeEmit('speakers', all.slice(0, 4));
  }

  /** A router's worker died: its seats lose their media; with no router left, a new one opens. */
  async #lose(slot: Slot): Promise<void> {
    if (this.#closed) return;
    const index = this.#slots.indexOf(slot);
    if (index !== -1) this.#slots.splice(index, 1);
    const lost = [...slot.seats];
    for (const seat of lost) this.#seatOf.delete(seat.id);
    this.#options.logger.warn(
      { room: this.#options.room, seats: lost.length },
      'a router of the classroom lost its worker; its participants move',
    );
    if (this.#slots.length === 0 && !this.#recovering) {
      this.#recovering = true;
      try {
        await this.#recover();
      } catch {
        return;
      } finally {
        this.#recovering = false;
      }
    }
    if (!this.#closed) this.safeEmit('lost', lost);
  }
}
