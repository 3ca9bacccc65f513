import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from '@cosmo/core';
import { CloseCode, Connection, type SignallingSocket } from './Connection.js';
import { Metrics } from './metrics.js';

/** A socket of our own interface whose queue we control, to play a slow client. */
class SlowSocket implements SignallingSocket {
  readonly remoteAddress = '127.0.0.1';
  sent: Uint8Array[] = [];
  buffered = 0;
  accepts = true;
  closedWith: number | undefined;
  send(data: Uint8Array | string): boolean {
    if (!this.accepts) return false;
    this.sent.push(data as Uint8Array);
    return true;
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  close(code: number): void {
    this.closedWith = code;
  }
}

const limits = {
  maxFrameBytes: 1024,
  ratePerSecond: 10,
  rateBurst: 2,
  maxViolations: 2,
  backpressureBytes: 1000,
};

describe('a connection under backpressure', () => {
  it('drops ephemeral events while the socket is saturated and keeps state events', () => {
    const socket = new SlowSocket();
    const metrics = new Metrics();
    const conn = new Connection(socket, 'binary', limits, metrics);
    socket.buffered = 5000;
    conn.sendFrame({ activeSpeaker: { speakers: [] } }, false);
    conn.sendFrame({ seq: 1, handChanged: { participantId: 'p', raised: true } }, true);
    expect(socket.sent.map((b) => decodeServerFrame(b).body)).toEqual(['handChanged']);
    socket.buffered = 0;
    conn.sendFrame({ activeSpeaker: { speakers: [] } }, false);
    expect(socket.sent).toHaveLength(2);
  });

  it('closes a socket that refuses a state event, so memory never grows without bound', () => {
    const socket = new SlowSocket();
    const conn = new Connection(socket, 'binary', limits, new Metrics());
    socket.accepts = false;
    conn.sendFrame({ seq: 1, classEnded: {} });
    expect(socket.closedWith).toBe(CloseCode.POLICY_VIOLATION);
    expect(conn.closed).toBe(true);
  });

  it('rate-limits with a token bucket and closes after too many violations', () => {
    const socket = new SlowSocket();
    const conn = new Connection(socket, 'binary', limits, new Metrics());
    expect([conn.admit(), conn.admit(), conn.admit()]).toEqual([true, true, false]);
    expect(conn.violation('x')).toBe(false);
    expect(conn.violation('x')).toBe(false);
    expect(conn.violation('x')).toBe(true);
    expect(socket.closedWith).toBe(CloseCode.POLICY_VIOLATION);
  });
});

describe('the join timeout', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const timed = { ...limits, joinTimeoutMs: 40 };

  it('closes a connection that never joins with TIMEOUT, then close code 1008', async () => {
    const socket = new SlowSocket();
    const conn = new Connection(socket, 'binary', timed, new Metrics());
    await sleep(80);
    expect(socket.closedWith).toBe(CloseCode.POLICY_VIOLATION);
    const [frame] = socket.sent.map((b) => decodeServerFrame(b));
    expect(frame?.errorEvent?.error?.code).toBe('TIMEOUT');
    expect(conn.closed).toBe(true);
  });

  it('waits for a join under way, and closes at once if it fails after the deadline', async () => {
    const socket = new SlowSocket();
    const conn = new Connection(socket, 'binary', timed, new Metrics());
    const done = conn.joining();
    await sleep(80);
    expect(socket.closedWith).toBeUndefined();
    done();
    await sleep(5);
    expect(socket.closedWith).toBe(CloseCode.POLICY_VIOLATION);
  });

  it('leaves no timer behind once the connection is closed', async () => {
    const socket = new SlowSocket();
    const conn = new Connection(socket, 'binary', timed, new Metrics());
    conn.close(CloseCode.NORMAL, 'bye');
    await sleep(80);
    expect(socket.sent).toHaveLength(0);
    expect(socket.closedWith).toBe(CloseCode.NORMAL);
  });
});
