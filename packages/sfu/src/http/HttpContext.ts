import type { Logger } from 'pino';
import type { School } from '@cosmo/school';
import type { AddressLimits } from '../AddressLimits.js';
import type { Config } from '../config.js';
import type { WorkerUsage } from '../MediaWorkerPool.js';
import type { Metrics } from '../metrics.js';
import type { TokenService } from '../tokens.js';

/** What `/healthz` reports. */
export interface HealthCounts {
  rooms: number;
  /** Participants connected to this node (not those of other nodes in its classrooms). */
  participants: number;
  workers: number;
  /** Cluster mode: this node's id and state, how many nodes are live, whether Redis answers. */
  cluster?: { node: string; state: 'active' | 'draining'; nodes: number; connected: boolean };
}

/**
 * What the HTTP routes may see and do of the server: the server builds one, and each route takes
 * only the part of it it needs.
 */
export interface HttpContext {
  /**
   * The settings the routes read: whether the demo API is on, where the app's files are, the
   * data dir (recordings).
   */
  readonly config: Pick<Config, 'demo' | 'staticDir' | 'host' | 'publicUrl' | 'dataDir'>;
  /** Mints join tokens and checks join and admin tokens. */
  readonly tokens: TokenService;
  /** The school, or undefined when its features are off (`school: false`). */
  readonly school: School | undefined;
  /** Where failures a client sees only as INTERNAL are logged. */
  readonly logger: Pick<Logger, 'error'>;
  /** Each address's allowance of requests without a credential. */
  readonly limits: Pick<
    AddressLimits,
    'takeHttp' | 'takeWrongCredential' | 'wrongCredentialsSpent'
  >;
  /** The Prometheus registry `/metrics` serves, and the worker CPU gauge it refreshes first. */
  readonly metrics: Pick<Metrics, 'registry' | 'workerCpu'>;
  /** CPU use of each media worker, read when `/metrics` is scraped. */
  workerUsage(): Promise<WorkerUsage[]>;
  /** Rooms, participants and workers right now. */
  counts(): HealthCounts;
  /** The class a room belongs to: the class of its lecture, or the class it is named after. */
  classOfRoom(room: string): string | undefined;
  /** Whether a moderator ended the class `room` (and nobody has started it again). */
  isEnded(room: string): boolean;
  /** Names a room before or after its classroom opens. */
  setRoomTitle(room: string, title: string): void;
  /** Forgets a room's title once the room is gone for good. */
  forgetRoomTitle(room: string): void;
  /** Web Push: the VAPID public key and the push services subscriptions may use (off: undefined). */
  readonly push: { publicKey: string; endpointHosts: readonly string[] } | undefined;
}
