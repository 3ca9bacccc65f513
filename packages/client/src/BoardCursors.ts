// Where everyone's pointer is on the board: y-protocols awareness, relayed by the server and never
// kept; each cursor is credited to the participant whose frame carried it.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { BOARD_MESSAGE_AWARENESS } from '@cosmo/core';

/** Someone's pointer on a page, in board units. */
export interface BoardCursor {
  page: string;
  x: number;
  y: number;
  /** Their name as the classroom knows it (not as their cursor claims). */
  name: string;
}

/** What BoardCursors needs and tells. */
export interface BoardCursorsOptions {
  /** Sends an awareness message (best effort: cursors are not retried). */
  send: (message: Uint8Array) => void;
  /** The name of a participant. */
  nameOf: (participantId: string) => string;
  onChange: () => void;
  /** At most one own cursor message per this many ms; default 100. */
  minIntervalMs?: number;
}

interface CursorState {
  cursor?: { page?: unknown; x?: unknown; y?: unknown };
}

/**
 * Own cursor out (at most ~10 times a second, the latest position), others' cursors in. The
 * awareness has its own client id, independent of the document (which a rebuild replaces).
 */
export class BoardCursors {
  /** Everyone else's cursor, by participant id. */
  readonly cursors = new Map<string, BoardCursor>();
  readonly #options: BoardCursorsOptions;
  /** Made at first use: its timer (renewing own cursor, expiring silent ones) runs until close. */
  #awarenessOrUndefined: Awareness | undefined;
  /** Which participant each remote awareness client is (the first one that used it). */
  readonly #owners = new Map<number, string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSent = 0;
  #online = false;
  #closed = false;

  constructor(options: BoardCursorsOptions) {
    this.#options = options;
  }

  get #awareness(): Awareness {
    if (this.#awarenessOrUndefined) return this.#awarenessOrUndefined;
    const awareness = new Awareness(new Y.Doc());
    // No cursor until one is set (an empty state would be sent, and renewed, for nothing).
    awareness.setLocalState(null);
    awareness.on('update', (_: unknown, origin: unknown) => {
      if (origin === 'local') this.#schedule();
    });
    awareness.on('change', (_: unknown, origin: unknown) => {
      if (origin !== 'local') this.#refresh();
    });
    this.#awarenessOrUndefined = awareness;
    return awareness;
  }

  /** Shows own cursor at `x`, `y` on `page`. */
  set(page: string, x: number, y: number): void {
    if (this.#closed) return;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError('x and y must be numbers');
    this.#awareness.setLocalState({ cursor: { page, x, y } });
  }

  /** Hides own cursor. */
  clear(): void {
    if (this.#awarenessOrUndefined?.getLocalState()) this.#awareness.setLocalState(null);
  }

  /** Connected (again): own cursor is sent; everyone else's is forgotten after a rejoin. */
  online(forgetOthers: boolean): void {
    if (this.#closed) return;
    this.#online = true;
    if (forgetOthers) this.#forget([...this.#owners.keys()]);
    if (this.#awarenessOrUndefined?.getLocalState()) this.#schedule();
  }

  offline(): void {
    this.#online = false;
  }

  /** An awareness message that `participantId` sent. */
  receive(participantId: string, message: Uint8Array): void {
    if (this.#closed) return;
    let update: Uint8Array;
    const clients: number[] = [];
    try {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) !== BOARD_MESSAGE_AWARENESS) return;
      update = decoding.readVarUint8Array(decoder);
      const inner = decoding.createDecoder(update);
      for (let n = decoding.readVarUint(inner); n > 0; n--) {
        clients.push(decoding.readVarUint(inner));
        decoding.readVarUint(inner);
        decoding.readVarString(inner);
      }
    } catch {
      return;
    }
    // Nobody speaks for someone else's cursor.
    for (const client of clients) {
      const owner = this.#owners.get(client);
      if (client === this.#awareness.clientID || (owner && owner !== participantId)) return;
    }
    for (const client of clients) this.#owners.set(client, participantId);
    try {
      applyAwarenessUpdate(this.#awareness, update, participantId);
    } catch {
      return;
    }
  }

  /** Someone left: their cursor goes. */
  forget(participantId: string): void {
    this.#forget([...this.#owners].filter(([, p]) => p === participantId).map(([c]) => c));
  }

  close(): void {
    this.#closed = true;
    this.#online = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#awarenessOrUndefined?.destroy();
  }

  #forget(clients: number[]): void {
    if (!clients.length || !this.#awarenessOrUndefined) return;
    for (const c of clients) this.#owners.delete(c);
    removeAwarenessStates(this.#awareness, clients, 'forgotten');
    this.#refresh();
  }

  #schedule(): void {
    if (this.#timer || !this.#online) return;
    const wait = Math.max(0, this.#lastSent + (this.#options.minIntervalMs ?? 100) - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#online) return;
      this.#lastSent = Date.now();
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, BOARD_MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(
        e,
        encodeAwarenessUpdate(this.#awareness, [this.#awareness.clientID]),
      );
      this.#options.send(encoding.toUint8Array(e));
    }, wait);
  }

  #refresh(): void {
    const before = JSON.stringify([...this.cursors]);
    this.cursors.clear();
    for (const [client, state] of this.#awareness.getStates()) {
      const owner = this.#owners.get(client);
      const c = (state as CursorState | null)?.cursor;
      if (!owner || client === this.#awareness.clientID || !c) continue;
      if (typeof c.page !== 'string' || !Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
      this.cursors.set(owner, {
        page: c.page,
        x: c.x as number,
        y: c.y as number,
        name: this.#options.nameOf(owner),
      });
    }
    if (JSON.stringify([...this.cursors]) !== before) this.#options.onChange();
  }
}
