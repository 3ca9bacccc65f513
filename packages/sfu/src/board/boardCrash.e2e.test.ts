import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  BOARD_MESSAGE_SYNC,
  BOARD_PAGES,
  PROTOCOL_VERSION,
  boardPageKey,
  type BoardShape,
} from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { serve } from '@cosmo/testkit';
import { TokenService } from '../tokens.js';

const secret = 'board-crash-secret-board-crash-secret-0123456789';
const tokens = new TokenService(secret);

/** `cosmo serve` on `dataDir`, snapshotting the board every 10 changes. */
const serveOn = (dataDir: string) =>
  serve({
    COSMO_API_SECRET: secret,
    COSMO_DATA_DIR: dataDir,
    COSMO_LOG_LEVEL: 'error',
    COSMO_CAPTIONS: 'false',
    COSMO_BOARD: JSON.stringify({ snapshotEvery: 10, changesPerSecond: 500 }),
  });

async function teacherOn(port: number): Promise<SignallingClient> {
  const client = await SignallingClient.connect({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  await client.request('join', {
    token: await tokens.mint({ room: 'kana', identity: 'tanaka', name: 'Tanaka', role: 'teacher' }),
    protocolVersion: PROTOCOL_VERSION,
  });
  return client;
}

/** The framed y-protocols update of a change to `doc`. */
function changeOf(doc: Y.Doc, f: (doc: Y.Doc) => void): Uint8Array {
  let update: Uint8Array | undefined;
  const grab = (u: Uint8Array) => (update = u);
  doc.on('update', grab);
  doc.transact(() => f(doc));
  doc.off('update', grab);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
  sync.writeUpdate(e, update!);
  return encoding.toUint8Array(e);
}

describe('the board across a crash', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-board-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged change (snapshot + log) when the server is killed with SIGKILL', async () => {
    const first = await serveOn(dataDir);
    children.push(first.child);
    const teacher = await teacherOn(first.port);
    const doc = new Y.Doc();
    await teacher.request('boardMessage', {
      message: changeOf(doc, (d) => {
        d.getArray(BOARD_PAGES).push(['1']);
        d.getArray(boardPageKey('1')).push([
          {
            t: 'text',
            id: 'jp',
            by: 'tanaka',
            at: 1,
            color: '#000000',
            size: 40,
            x: 80,
            y: 80,
            text: '日本語',
          },
        ]);
      }),
    });
    // 24 more changes: two snapshots (after 10 and 20), then 5 in the log only; the last erases one.
    for (let i = 0; i < 23; i++) {
      const stroke: BoardShape = {
        t: 'stroke',
        id: `s${i}`,
        by: 'tanaka',
        at: Date.now(),
        color: '#223344',
        size: 3,
        points: [i, i, 0.5, i + 10, i + 20, 0.5, i + 30, i + 5, 0.5],
      };
      await teacher.request('boardMessage', {
        message: changeOf(doc, (d) => d.getArray(boardPageKey('1')).push([stroke])),
      });
    }
    await teacher.request('boardMessage', {
      message: changeOf(doc, (d) => d.getArray(boardPageKey('1')).delete(1, 1)),
    });
    // Every change above was acknowledged; the server dies at once.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    teacher.close();

    const second = await serveOn(dataDir);
    children.push(second.child);
    const again = await teacherOn(second.port);
    const fresh = new Y.Doc();
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
    sync.writeSyncStep1(e, fresh);
    const reply = await again.request('boardMessage', { message: encoding.toUint8Array(e) });
    const d = decoding.createDecoder(reply.boardReply!.messages![0]!);
    decoding.readVarUint(d);
    sync.readSyncMessage(d, encoding.createEncoder(), fresh, 'server');
    const ids = fresh
      .getArray<BoardShape>(boardPageKey('1'))
      .toArray()
      .map((s) => s.id);
    expect(ids).toEqual(['jp', ...Array.from({ length: 22 }, (_, i) => `s${i + 1}`)]);
    expect(fresh.getArray(BOARD_PAGES).toArray()).toEqual(['1']);
    // The same document the teacher's copy holds.
    expect(Y.encodeStateVector(fresh)).toEqual(Y.encodeStateVector(doc));
    again.close();
    second.child.kill('SIGTERM');
  }, 90_000);
});
