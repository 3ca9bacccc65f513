import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import { BOARD_MESSAGE_SYNC, CosmoError, ErrorCode } from '@cosmo/core';
import { waitFor } from '@cosmo/testkit';
import { BoardSync } from './BoardSync.js';

/** The server's side of the sync, as y-protocols prescribes it (the rules are the server's tests). */
class SyncServer {
  readonly doc = new Y.Doc();
  online = true;
  refuse: ((update: Uint8Array) => CosmoError | undefined) | undefined;
  /** The sync kind of each message received. */
  readonly kinds: number[] = [];
  /** How many structs the changes it applied added (to see nothing is sent twice). */
  structsReceived = 0;

  send = async (message: Uint8Array): Promise<Uint8Array[]> => {
    await Promise.resolve();
    if (!this.online) throw new CosmoError(ErrorCode.CLOSED, 'the connection closed');
    const d = decoding.createDecoder(message);
    expect(decoding.readVarUint(d)).toBe(BOARD_MESSAGE_SYNC);
    const kind = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    this.kinds.push(kind);
    if (kind === sync.messageYjsSyncStep1) {
      const step2 = encoding.createEncoder();
      encoding.writeVarUint(step2, BOARD_MESSAGE_SYNC);
      sync.writeSyncStep2(step2, this.doc, payload);
      const step1 = encoding.createEncoder();
      encoding.writeVarUint(step1, BOARD_MESSAGE_SYNC);
      sync.writeSyncStep1(step1, this.doc);
      return [encoding.toUint8Array(step2), encoding.toUint8Array(step1)];
    }
    const refused = this.refuse?.(payload);
    if (refused) throw refused;
    const before = Y.encodeStateVector(this.doc);
    this.structsReceived += Y.decodeUpdate(Y.diffUpdate(payload, before)).structs.length;
    Y.applyUpdate(this.doc, payload, 'client');
    return [];
  };
}

const shapes = (doc: Y.Doc) =>
  doc
    .getArray<{ id: string }>('page:1')
    .toArray()
    .map((s) => s.id);

describe('BoardSync', () => {
  const syncs: BoardSync[] = [];
  afterEach(() => syncs.splice(0).forEach((s) => s.close()));

  function client(server: SyncServer) {
    const told = { refused: [] as CosmoError[], resets: 0, changes: [] as string[] };
    const s = new BoardSync({
      send: (m) => server.send(m),
      maxMessageBytes: () => 64 * 1024,
      onChange: (origin) => told.changes.push(origin),
      onReset: () => told.resets++,
      onRefused: (err) => told.refused.push(err),
      rateLimitDelayMs: 5,
    });
    syncs.push(s);
    return { s, told };
  }

  it('sends what was drawn offline once, in the answer to the server step 1, and gets what it lacked', async () => {
    const server = new SyncServer();
    server.doc.getArray('page:1').push([{ id: 'teacher-1' }]);
    const { s } = client(server);
    s.doc.getArray('page:1').push([{ id: 'offline-1' }]);
    s.doc.getArray('page:1').push([{ id: 'offline-2' }]);
    expect(s.pendingForTesting).toBe(2);

    s.start();
    await waitFor('the sync', () => s.synced);
    expect(shapes(s.doc).sort()).toEqual(['offline-1', 'offline-2', 'teacher-1']);
    expect(shapes(server.doc).sort()).toEqual(shapes(s.doc).sort());
    expect(server.kinds).toEqual([sync.messageYjsSyncStep1, sync.messageYjsSyncStep2]);
    expect(server.structsReceived).toBe(2);

    // A reconnect with nothing new sends only step 1.
    s.stop();
    s.start();
    await waitFor('the second sync', () => s.synced);
    expect(server.kinds).toEqual([
      sync.messageYjsSyncStep1,
      sync.messageYjsSyncStep2,
      sync.messageYjsSyncStep1,
    ]);
    expect(server.structsReceived).toBe(2);
  });

  it('sends a change made online as an update, and keeps one the dropped connection did not deliver', async () => {
    const server = new SyncServer();
    const { s, told } = client(server);
    s.start();
    await waitFor('the sync', () => s.synced);
    s.doc.getArray('page:1').push([{ id: 'a' }]);
    await waitFor('the update', () => s.synced);
    expect(server.kinds.at(-1)).toBe(sync.messageYjsUpdate);
    expect(told.changes).toEqual(['local']);

    server.online = false;
    s.doc.getArray('page:1').push([{ id: 'b' }]);
    await waitFor('the failed send', () => server.kinds.length === 2 && s.pendingForTesting === 1);
    server.online = true;
    s.start();
    await waitFor('the sync', () => s.synced);
    expect(shapes(server.doc)).toEqual(['a', 'b']);
    expect(server.structsReceived).toBe(2);
  });

  it('applies another participant’s update, and re-syncs when one builds on something it missed', async () => {
    const server = new SyncServer();
    const { s, told } = client(server);
    s.start();
    await waitFor('the sync', () => s.synced);
    const other = new Y.Doc();
    const updates: Uint8Array[] = [];
    other.on('update', (u: Uint8Array) => updates.push(u));
    other.getArray('page:1').push([{ id: 'x' }]);
    other.getArray('page:1').push([{ id: 'y' }]);
    for (const u of updates) Y.applyUpdate(server.doc, u);
    const relay = (u: Uint8Array) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
      sync.writeUpdate(e, u);
      return encoding.toUint8Array(e);
    };
    // The first one was lost: the second cannot be applied alone.
    s.receive(relay(updates[1]!));
    await waitFor('the re-sync', () => shapes(s.doc).length === 2);
    expect(shapes(s.doc)).toEqual(['x', 'y']);
    expect(server.structsReceived).toBe(0);
    expect(told.changes).toContain('remote');
  });

  it('drops a refused change by rebuilding the document from the server', async () => {
    const server = new SyncServer();
    server.doc.getArray('page:1').push([{ id: 'teacher-1' }]);
    const { s, told } = client(server);
    s.start();
    await waitFor('the sync', () => s.synced);
    const before = s.doc;
    server.refuse = () =>
      new CosmoError(ErrorCode.PERMISSION_DENIED, 'a teacher has not let you draw', {
        reason: 'BOARD_NOT_ALLOWED',
      });
    s.doc.getArray('page:1').push([{ id: 'mine' }]);
    await waitFor('the rebuild', () => told.resets === 1 && s.synced);
    expect(told.refused.map((e) => e.code)).toEqual([ErrorCode.PERMISSION_DENIED]);
    expect(s.doc).not.toBe(before);
    expect(shapes(s.doc)).toEqual(['teacher-1']);
    expect(Y.encodeStateVector(s.doc)).toEqual(Y.encodeStateVector(server.doc));

    // The new document syncs as usual.
    server.refuse = undefined;
    s.doc.getArray('page:1').push([{ id: 'later' }]);
    await waitFor('the next change', () => shapes(server.doc).length === 2);
    expect(shapes(server.doc)).toEqual(['teacher-1', 'later']);
  });

  it('waits and tries again when the server says too fast', async () => {
    const server = new SyncServer();
    const { s, told } = client(server);
    s.start();
    await waitFor('the sync', () => s.synced);
    let refusals = 2;
    server.refuse = () =>
      refusals-- > 0 ? new CosmoError(ErrorCode.RATE_LIMITED, 'too many board changes') : undefined;
    s.doc.getArray('page:1').push([{ id: 'a' }]);
    await waitFor('the change', () => shapes(server.doc).length === 1);
    expect(told.refused).toEqual([]);
    expect(told.resets).toBe(0);
  });

  it('splits what was drawn offline into messages the server takes', async () => {
    const server = new SyncServer();
    const s = new BoardSync({
      send: (m) => server.send(m),
      maxMessageBytes: () => 2000,
      onChange: () => undefined,
      onReset: () => undefined,
      onRefused: () => undefined,
    });
    syncs.push(s);
    const sizes: number[] = [];
    const send = server.send;
    server.send = (m) => {
      sizes.push(m.length);
      return send(m);
    };
    for (let i = 0; i < 20; i++)
      s.doc.getArray('page:1').push([{ id: `s${i}`, pad: 'x'.repeat(300) }]);
    s.start();
    await waitFor('the sync', () => s.synced);
    expect(shapes(server.doc)).toHaveLength(20);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2000);
    expect(server.kinds.filter((k) => k === sync.messageYjsSyncStep2).length).toBeGreaterThan(1);
  });
});
