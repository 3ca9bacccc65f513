// Keeping a board's Yjs document in step with the server's: y-protocols sync messages, sent as
// requests on the classroom's socket, and the local changes the server has not confirmed yet.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import { BOARD_MESSAGE_SYNC, CosmoError, ErrorCode } from '@cosmo/core';

/** The origin of changes that came from the server: they are never sent back. */
export const REMOTE_ORIGIN = Symbol('cosmo-board-remote');

/** Sends one board message; resolves with the server's reply messages, rejects with a CosmoError. */
export type SendBoardMessage = (message: Uint8Array) => Promise<Uint8Array[]>;

/** What a BoardSync needs and tells. */
export interface BoardSyncOptions {
  send: SendBoardMessage;
  /** The largest message the server takes, in bytes. */
  maxMessageBytes: () => number;
  /** The document changed: by this client (`local`) or from the server (`remote`). */
  onChange: (origin: 'local' | 'remote') => void;
  /** The document was replaced (the server's state after a refusal, or a new classroom's). */
  onReset: (doc: Y.Doc) => void;
  /** The server refused a change (the document is then rebuilt from the server's). */
  onRefused: (error: CosmoError) => void;
  /** How long to wait after RATE_LIMITED, times the attempt; default 500 ms. */
  rateLimitDelayMs?: number;
}

/** Errors that say nothing about the change: it is sent again once the connection is back. */
const TRANSIENT = new Set<string>([ErrorCode.CLOSED, ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE]);

/** RATE_LIMITED this many times in a row: the change is treated as refused. */
const RATE_LIMIT_TRIES = 5;

/**
 * A board document and its sync with the server. The document outlives connections: local changes
 * are kept (`pending`) until the server confirms them, so what is drawn offline goes out when the
 * connection is back; after each (re)connect the client sends sync step 1 and answers the server's
 * step 1 with exactly its unconfirmed changes (nothing twice, nothing lost). A refused change is
 * dropped by rebuilding the document from the server's state.
 */
export class BoardSync {
  readonly #options: BoardSyncOptions;
  #doc: Y.Doc;
  /** Local updates the server has not confirmed, oldest first. */
  #pending: Uint8Array[] = [];
  #online = false;
  #synced = false;
  #rebuild = false;
  #pumping = false;
  #closed = false;
  /** Counts (re)connections: work begun on an older connection does not count for this one. */
  #generation = 0;
  #rateLimited = 0;
  /** Server updates received while a rebuild is in flight: applied to the new document too. */
  #duringRebuild: Uint8Array[] | undefined;

  constructor(options: BoardSyncOptions) {
    this.#options = options;
    this.#doc = this.#watch(new Y.Doc());
  }

  /** The document (replaced after a refusal or a move to another classroom: see `onReset`). */
  get doc(): Y.Doc {
    return this.#doc;
  }

  /** Whether the server has everything this client drew, and this client what the server had. */
  get synced(): boolean {
    return this.#online && this.#synced && !this.#rebuild && this.#pending.length === 0;
  }

  /** Local updates not yet confirmed by the server (tests). */
  get pendingForTesting(): number {
    return this.#pending.length;
  }

  /** The connection is (back) up: sync, then send what was drawn meanwhile. */
  start(): void {
    if (this.#closed) return;
    this.#generation++;
    this.#online = true;
    this.#synced = false;
    this.#rateLimited = 0;
    void this.#pump();
  }

  /** The connection is down: local changes are kept until `start()`. */
  stop(): void {
    this.#generation++;
    this.#online = false;
    this.#synced = false;
  }

  /** Starts over with an empty document (another classroom's board); unsent changes are dropped. */
  reset(): void {
    this.#replace(new Y.Doc());
  }

  /** A sync message from the server outside a reply (another participant's change). */
  receive(message: Uint8Array): void {
    if (this.#closed) return;
    try {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) !== BOARD_MESSAGE_SYNC) return;
      if (decoding.peekVarUint(decoder) === sync.messageYjsSyncStep1) {
        // The server asks what this client has: a sync round answers it.
        this.#resync();
        return;
      }
      this.#duringRebuild?.push(message.slice());
      sync.readSyncMessage(decoder, encoding.createEncoder(), this.#doc, REMOTE_ORIGIN);
    } catch {
      return;
    }
    // The update builds on something this client never got: ask the server again.
    const store = this.#doc.store;
    if (store.pendingStructs || store.pendingDs) this.#resync();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#online = false;
    this.#pending = [];
  }

  #resync(): void {
    if (!this.#online || !this.#synced) return;
    this.#synced = false;
    void this.#pump();
  }

  /** One loop does all sending, one request at a time, while there is something to do. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#online && !this.#closed) {
        const generation = this.#generation;
        try {
          if (this.#rebuild) await this.#rebuildFromServer(generation);
          else if (!this.#synced) await this.#sync(generation);
          else if (this.#pending.length) await this.#flush();
          else break;
          this.#rateLimited = 0;
        } catch (err) {
          await this.#failed(asCosmoError(err), generation);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Sync step 1; applies the server's step 2; answers its step 1 with our unconfirmed changes. */
  async #sync(generation: number): Promise<void> {
    const replies = await this.#options.send(syncMessage(sync.writeSyncStep1, this.#doc));
    const serverState = this.#apply(replies, this.#doc);
    if (generation !== this.#generation) return;
    if (serverState) {
      while (this.#pending.length) {
        await this.#sendBatch(sync.messageYjsSyncStep2, serverState);
        if (generation !== this.#generation) return;
      }
    }
    this.#synced = true;
  }

  async #flush(): Promise<void> {
    await this.#sendBatch(sync.messageYjsUpdate);
  }

  /**
   * Sends the oldest unconfirmed changes that fit in one message (what the server lacks of them,
   * when its state is known); they are forgotten once the server took them, kept when not.
   */
  async #sendBatch(kind: number, serverState?: Uint8Array): Promise<void> {
    const batch = this.#take();
    const merged = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
    const update = serverState ? Y.diffUpdate(merged, serverState) : merged;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
    encoding.writeVarUint(e, kind);
    encoding.writeVarUint8Array(e, update);
    try {
      await this.#options.send(encoding.toUint8Array(e));
    } catch (err) {
      this.#pending.unshift(...batch);
      throw err;
    }
  }

  /** The oldest pending updates whose sum fits in a message (at least one). */
  #take(): Uint8Array[] {
    const budget = this.#options.maxMessageBytes() - 64;
    let size = this.#pending[0]!.length;
    let n = 1;
    while (n < this.#pending.length && size + this.#pending[n]!.length <= budget)
      size += this.#pending[n++]!.length;
    return this.#pending.splice(0, n);
  }

  /** Drops what the server refused: a new document holding exactly the server's state. */
  async #rebuildFromServer(generation: number): Promise<void> {
    const fresh = new Y.Doc();
    this.#duringRebuild = [];
    let during: Uint8Array[];
    try {
      const replies = await this.#options.send(syncMessage(sync.writeSyncStep1, fresh));
      if (generation !== this.#generation) return;
      this.#apply(replies, fresh);
    } finally {
      during = this.#duringRebuild;
      this.#duringRebuild = undefined;
    }
    // Others' changes that arrived while the answer was on its way, maybe after it.
    this.#apply(during, fresh);
    this.#replace(fresh);
    this.#synced = true;
  }

  #replace(fresh: Y.Doc): void {
    const old = this.#doc;
    old.off('update', this.#onUpdate);
    this.#doc = this.#watch(fresh);
    this.#pending = [];
    this.#rebuild = false;
    this.#synced = false;
    this.#options.onReset(fresh);
    old.destroy();
  }

  /** Applies the server's sync messages to `doc`; returns the server's state vector if it sent one. */
  #apply(messages: Uint8Array[], doc: Y.Doc): Uint8Array | undefined {
    let serverState: Uint8Array | undefined;
    for (const m of messages) {
      try {
        const decoder = decoding.createDecoder(m);
        if (decoding.readVarUint(decoder) !== BOARD_MESSAGE_SYNC) continue;
        if (decoding.peekVarUint(decoder) === sync.messageYjsSyncStep1) {
          decoding.readVarUint(decoder);
          serverState = decoding.readVarUint8Array(decoder);
        } else sync.readSyncMessage(decoder, encoding.createEncoder(), doc, REMOTE_ORIGIN);
      } catch {
        continue;
      }
    }
    return serverState;
  }

  async #failed(err: CosmoError, generation: number): Promise<void> {
    if (TRANSIENT.has(err.code)) {
      if (generation !== this.#generation) return;
      this.#synced = false;
      // A slow answer on a live socket: sync again at once. Otherwise wait for `start()`.
      if (err.code !== ErrorCode.TIMEOUT) this.#online = false;
      return;
    }
    if (err.code === ErrorCode.RATE_LIMITED && ++this.#rateLimited < RATE_LIMIT_TRIES) {
      const delay = (this.#options.rateLimitDelayMs ?? 500) * this.#rateLimited;
      await new Promise((resolve) => setTimeout(resolve, delay));
      return;
    }
    this.#rateLimited = 0;
    this.#rebuild = true;
    this.#options.onRefused(err);
  }

  #watch(doc: Y.Doc): Y.Doc {
    doc.on('update', this.#onUpdate);
    return doc;
  }

  readonly #onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === REMOTE_ORIGIN) {
      this.#options.onChange('remote');
      return;
    }
    if (this.#closed) return;
    this.#pending.push(update);
    this.#options.onChange('local');
    void this.#pump();
  };
}

function syncMessage(write: (e: encoding.Encoder, doc: Y.Doc) => void, doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
  write(e, doc);
  return encoding.toUint8Array(e);
}

function asCosmoError(err: unknown): CosmoError {
  if (err instanceof CosmoError) return err;
  return new CosmoError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err));
}
