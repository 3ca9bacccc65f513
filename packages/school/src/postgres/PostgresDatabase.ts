/**
 * The school's records in PostgreSQL, shared by a cluster of servers: one connection per node
 * through libpq's synchronous API (pg-native's `connectSync`, `prepareSync`, `executeSync`).
 *
 * Why synchronous: the repository interfaces and `School` are synchronous, written for an embedded
 * SQLite file, and a loopback round trip measured 0.06–0.09 ms per query (0.4 ms on a loaded
 * 2-core machine). The trade-off: each query holds the node's event loop for one round trip to the
 * server, fine with the database on the same LAN; an asynchronous repository interface is the next
 * step for a database further away. Writes of many rows are one statement (arrays bound to
 * `unnest`), not a round trip per row.
 */
import { createRequire } from 'node:module';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { migratePostgres } from './migrations.js';

/** A value bound to a query parameter (an array becomes a PostgreSQL array, a Buffer a bytea). */
export type SqlValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Buffer
  | readonly (string | number | boolean | null)[];

/** A query the server refused (its SQLSTATE in `sqlState`, e.g. `23505` for a unique key). */
export class PostgresQueryError extends Error {
  readonly sqlState: string | undefined;

  constructor(message: string, sqlState: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostgresQueryError';
    this.sqlState = sqlState;
  }
}

/** The part of pg-native's Client this module uses (the package ships no types). */
interface NativeClient {
  connectSync(url: string): void;
  querySync(sql: string, params?: (string | null)[]): Record<string, unknown>[];
  prepareSync(name: string, sql: string, nParams: number): void;
  executeSync(name: string, params: (string | null)[]): Record<string, unknown>[];
  end(): void;
  pq: {
    /** 0 idle, 1 active, 2 in a transaction, 3 in a failed transaction, 4 connection bad. */
    transactionStatus(): number;
    resultErrorFields(): { sqlState?: string } | null;
  };
}

interface TypeParsers {
  getTypeParser(oid: number): (text: string) => unknown;
}

const oneLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).trim().replace(/\s*\n\s*/g, ' ');

type NativeClientClass = new (config?: { types?: TypeParsers }) => NativeClient;

let nativeClientClass: NativeClientClass | undefined;

/** pg-native, loaded on first use: a server on SQLite never needs libpq. */
function loadClient(): NativeClientClass {
  try {
    nativeClientClass ??= createRequire(import.meta.url)('pg-native') as NativeClientClass;
  } catch (err) {
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      `the PostgreSQL client (pg-native on libpq) cannot be loaded: ${oneLine(err)}; install libpq (scripts/setup.sh does)`,
      { cause: err },
    );
  }
  return nativeClientClass;
}

const PQTRANS_INTRANS = 2;
const PQTRANS_INERROR = 3;
const PQTRANS_UNKNOWN = 4;

/** BIGINT columns hold ms timestamps and counts: numbers, refused beyond the safe integers. */
function parseBigint(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`the BIGINT ${text} is beyond JavaScript's safe integers`);
  return n;
}

/** A bytea column's text (hex, the session's `bytea_output`: see `#connect`) as bytes. */
function parseBytea(text: string): Buffer {
  if (!text.startsWith('\\x')) throw new TypeError('a bytea value must come back in hex');
  return Buffer.from(text.slice(2), 'hex');
}

/**
 * Column values by type: libpq answers in text, and pg-native's default turns BIGINT into strings.
 * Integers and booleans become numbers and booleans, bytea a Buffer; every other type stays text.
 */
const TYPES: TypeParsers = {
  getTypeParser(oid) {
    switch (oid) {
      case 16: // bool
        return (text) => text === 't';
      case 17: // bytea
        return parseBytea;
      case 20: // int8
        return parseBigint;
      case 21: // int2
      case 23: // int4
      case 700: // float4
      case 701: // float8
        return Number;
      default:
        return (text) => text;
    }
  },
};

/**
 * Ends a connection and keeps it referenced until the event loop has closed its socket watcher:
 * libpq's addon frees the watcher with the object, and a garbage collection before the loop's
 * close phase would leave the loop a freed handle (a crash in libuv).
 */
function finish(client: NativeClient): void {
  client.end();
  setImmediate(() => setImmediate(() => void client));
}

/** A PostgreSQL array literal: every element quoted (the element type parses it), NULL as is. */
function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  const element = (v: string | number | boolean | null) =>
    v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`;
  return `{${values.map(element).join(',')}}`;
}

function encode(value: SqlValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  // libpq sends parameters as C strings: a Buffer given as is ends at its first zero byte (a
  // bytea silently cut short), so it travels as bytea's hex text.
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store ${value} in PostgreSQL`);
    return String(value);
  }
  return arrayLiteral(value);
}

/**
 * Where a PostgreSQL URL points, for messages: `user@host:port/database`, never the password.
 * Throws a TypeError for anything but a `postgresql://` (or `postgres://`) URL.
 */
export function describePostgresUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    u = new URL('invalid:');
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:')
    throw new TypeError(
      'a PostgreSQL URL is required: postgresql://user[:password]@host[:port]/database',
    );
  const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
  const host = u.hostname || u.searchParams.get('host') || 'localhost';
  const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username);
  return `${user}${host}:${u.port || '5432'}/${database}`;
}

/**
 * One connection to PostgreSQL with a small typed wrapper: `query` (each SQL text prepared once
 * per connection), `exec` for scripts, and `transaction`. A connection found lost (a restarted
 * server, a failover, an idle timeout) is opened again once; the statement is sent again when it
 * was not inside a transaction, whose loss is reported instead (the server rolled it back).
 */
export class PostgresDatabase {
  /** `user@host:port/database`, for messages (never the password). */
  readonly where: string;
  readonly #url: string;
  #client: NativeClient;
  /** Prepared statement names by SQL text, for this connection. */
  #statements = new Map<string, string>();
  #depth = 0;
  #closed = false;

  /** Connects to `url` (a `postgresql://` URL); does not migrate (see `openPostgresDatabase`). */
  constructor(url: string) {
    this.where = describePostgresUrl(url);
    this.#url = url;
    this.#client = this.#connect();
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one statement with `$1…` parameters; returns its rows (BIGINT columns as numbers). */
  query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): T[] {
    const values = params.map(encode);
    return this.#attempt(this.#depth === 0, () => {
      let name = this.#statements.get(sql);
      if (name === undefined) {
        name = `cosmo_${this.#statements.size + 1}`;
        this.#client.prepareSync(name, sql, values.length);
        this.#statements.set(sql, name);
      }
      return this.#client.executeSync(name, values);
    }) as T[];
  }

  /** Runs a script of statements without parameters (a migration). */
  exec(sql: string): void {
    this.#attempt(this.#depth === 0, () => this.#client.querySync(sql));
  }

  /**
   * Runs `fn` in a transaction: committed when it returns, rolled back when it throws. A
   * transaction inside another is a savepoint of it.
   */
  transaction<T>(fn: () => T): T {
    const depth = this.#depth;
    const savepoint = `cosmo_sp_${depth}`;
    this.#attempt(depth === 0, () =>
      this.#client.querySync(depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`),
    );
    this.#depth = depth + 1;
    try {
      const out = fn();
      if (out instanceof Promise) throw new TypeError('a transaction function must be synchronous');
      this.#depth = depth;
      this.#attempt(false, () =>
        this.#client.querySync(depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`),
      );
      return out;
    } catch (err) {
      this.#depth = depth;
      const status = this.#client.pq.transactionStatus();
      if (status === PQTRANS_INTRANS || status === PQTRANS_INERROR) {
        try {
          this.#client.querySync(
            depth === 0
              ? 'ROLLBACK'
              : `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`,
          );
        } catch {
          // Only a lost connection fails a rollback, and the server rolls back what it loses.
        }
      }
      throw err;
    }
  }

  /** Closes the connection. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    finish(this.#client);
  }

  #connect(): NativeClient {
    const Client = loadClient();
    const client = new Client({ types: TYPES });
    try {
      client.connectSync(this.#url);
      // NOTICEs (a `CREATE … IF NOT EXISTS` that skipped) would go to stderr; bytea comes back in
      // hex whatever the database's default (see `parseBytea`).
      client.querySync('SET client_min_messages TO warning; SET bytea_output TO hex');
    } catch (err) {
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `cannot connect to PostgreSQL at ${this.where}: ${oneLine(err)}`,
        { cause: err },
      );
    }
    return client;
  }

  /** Runs `send`; on a lost connection reconnects once and, when `resend`, sends it again. */
  #attempt(resend: boolean, send: () => Record<string, unknown>[]): Record<string, unknown>[] {
    if (this.#closed)
      throw new CosmoError(ErrorCode.CLOSED, `the connection to ${this.where} is closed`);
    try {
      return send();
    } catch (err) {
      if (this.#client.pq.transactionStatus() !== PQTRANS_UNKNOWN) throw this.#queryError(err);
      const inTransaction = this.#depth > 0 || !resend;
      this.#reconnect();
      if (inTransaction)
        throw new CosmoError(
          ErrorCode.UNAVAILABLE,
          `the connection to PostgreSQL at ${this.where} was lost during a transaction (${oneLine(err)}); it was not committed, or its commit is unknown`,
          { cause: err },
        );
      try {
        return send();
      } catch (again) {
        if (this.#client.pq.transactionStatus() !== PQTRANS_UNKNOWN) throw this.#queryError(again);
        throw new CosmoError(
          ErrorCode.UNAVAILABLE,
          `lost the connection to PostgreSQL at ${this.where} twice: ${oneLine(again)}`,
          { cause: again },
        );
      }
    }
  }

  #reconnect(): void {
    try {
      finish(this.#client);
    } catch {
      // The old connection is gone either way.
    }
    this.#statements = new Map();
    this.#depth = 0;
    this.#client = this.#connect();
  }

  #queryError(err: unknown): PostgresQueryError {
    const fields = this.#client.pq.resultErrorFields();
    return new PostgresQueryError(oneLine(err), fields?.sqlState, { cause: err });
  }
}

/**
 * Opens the school database in PostgreSQL at `url` and applies the migrations it has not seen
 * (one node at a time: see `migratePostgres`).
 */
export function openPostgresDatabase(url: string): PostgresDatabase {
  const db = new PostgresDatabase(url);
  try {
    migratePostgres(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
