import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CosmoError } from '@cosmo/core';
import { startCosmoProcess, waitFor, type CosmoProcess } from '@cosmo/testkit';
import { CosmoClient, type NewBoardShape, type WebSocketConstructor } from './index.js';
import { useNodeWebRtc, type NodeWebRtc } from './node/index.js';

useNodeWebRtc(wrtc as unknown as NodeWebRtc);

const stroke = (x: number): NewBoardShape => ({
  t: 'stroke',
  color: '#224466',
  size: 4,
  points: [x, 100, 0.5, x + 20, 120, 0.6, x + 40, 150, 0.7],
});

const ids = (c: CosmoClient) => c.board.shapes('1').map((s) => s.id);

// Against `cosmo serve` in its own process; what the server holds is what a fresh joiner syncs.
describe('the board in the SDK', () => {
  let t: CosmoProcess | undefined;
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    await t?.close();
    t = undefined;
  });

  async function client(
    identity: string,
    role: 'teacher' | 'student',
    firstRetryMs = 200,
  ): Promise<CosmoClient> {
    const c = new CosmoClient({
      url: t!.url,
      token: await t!.token('art', identity, role),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      handlerName: 'Chrome111',
      autoSubscribe: 'none',
      reconnectPolicy: { nextRetryDelayMs: (n) => (n === 0 ? firstRetryMs : n < 10 ? 200 : null) },
    });
    cleanup.push(() => c.close());
    return c;
  }

  async function allowDrawing(teacher: CosmoClient, student: CosmoClient, draw: boolean) {
    await teacher.setPermissions(student.self!.id, { ...student.self!.permissions, draw });
    await waitFor('the right to reach the student', () => student.self!.permissions.draw === draw);
  }

  it('teacher and student draw, a late joiner gets it all, offline strokes arrive, undo is per person', async () => {
    t = await startCosmoProcess({ resumeGraceMs: 15_000 });
    const teacher = await client('ms-ito', 'teacher');
    const dara = await client('dara', 'student', 1500);
    await teacher.connect();
    await dara.connect();

    // The teacher's first stroke makes page 1; text in any script.
    const line = teacher.board.add('', stroke(100));
    const text = teacher.board.add('1', {
      t: 'text',
      color: '#000000',
      size: 32,
      x: 200,
      y: 300,
      text: '日本語のテキスト',
    });
    expect(teacher.board.pages()).toEqual(['1']);
    await waitFor('the student to see the teacher', () => ids(dara).length === 2);
    expect(dara.board.shapes('1').find((s) => s.id === text)).toMatchObject({
      t: 'text',
      text: '日本語のテキスト',
      by: 'ms-ito',
    });

    // A student needs the right; granted, their stroke reaches the teacher.
    expect(dara.board.canDraw).toBe(false);
    expect(() => dara.board.add('1', stroke(400))).toThrow(/not let you draw/);
    await allowDrawing(teacher, dara, true);
    expect(dara.board.canDraw).toBe(true);
    const daras = dara.board.add('1', stroke(500));
    await waitFor('the teacher to see the stroke', () => ids(teacher).includes(daras));

    // Cursors are credited to who sent them.
    teacher.board.setCursor('1', 640, 360);
    await waitFor('the teacher cursor', () => dara.board.cursors.has(teacher.self!.id));
    expect(dara.board.cursors.get(teacher.self!.id)).toEqual({
      page: '1',
      x: 640,
      y: 360,
      name: 'ms-ito',
    });

    // A late joiner gets the whole board with its one sync reply.
    const mei = await client('mei', 'student');
    const meiChanges: string[] = [];
    mei.on('boardChanged', (origin) => meiChanges.push(origin));
    await mei.connect();
    await waitFor('the late joiner to sync', () => mei.board.synced);
    expect(ids(mei)).toEqual([line, text, daras]);
    expect(meiChanges).toEqual(['remote']);

    // Dara's socket drops; what she draws meanwhile reaches everyone once she is back.
    const resumed = new Promise((resolve) => dara.once('resumed', resolve));
    dara.dropConnectionForTesting();
    expect(dara.state).toBe('reconnecting');
    const offline = dara.board.add('1', stroke(700));
    expect(dara.board.synced).toBe(false);
    await resumed;
    await waitFor('the offline stroke at the teacher', () => ids(teacher).includes(offline));
    await waitFor('the offline stroke at mei', () => ids(mei).includes(offline));
    await waitFor('dara in sync', () => dara.board.synced);
    expect(ids(dara)).toEqual(ids(teacher));

    // Undo takes back only one's own last shape.
    expect(teacher.board.canUndo).toBe(true);
    teacher.board.undo();
    expect(ids(teacher)).toEqual([line, daras, offline]);
    await waitFor('the undo at dara', () => !ids(dara).includes(text));
    expect(ids(dara)).toEqual([line, daras, offline]);
    dara.board.undo();
    await waitFor('dara’s undo at the teacher', () => !ids(teacher).includes(offline));
    expect(ids(teacher)).toEqual([line, daras]);
    teacher.board.redo();
    await waitFor('the redo at mei', () => ids(mei).includes(text));
    expect(ids(mei).sort()).toEqual([line, daras, text].sort());
    // Each client's own shapes: nobody undid anyone else's.
    expect(
      teacher.board
        .shapes('1')
        .filter((s) => s.by === 'dara')
        .map((s) => s.id),
    ).toEqual([daras]);
  });

  it('a change the server refuses is reported and dropped: the student’s board is the server’s again', async () => {
    t = await startCosmoProcess({ resumeGraceMs: 15_000 });
    const teacher = await client('ms-ito', 'teacher');
    const dara = await client('dara', 'student', 1500);
    const mei = await client('mei', 'student');
    await teacher.connect();
    await dara.connect();
    await mei.connect();
    teacher.board.add('', stroke(100));
    await allowDrawing(teacher, dara, true);
    await waitFor('the page at dara', () => ids(dara).length === 1);

    // Without the right (mei never had it), a change made on the document itself is refused.
    const meiErrors: CosmoError[] = [];
    mei.on('boardError', (e) => meiErrors.push(e));
    await waitFor('the page at mei', () => ids(mei).length === 1);
    mei.board.doc.getArray('page:1').push([{ ...stroke(300), id: 'sneaky', by: 'mei', at: 1 }]);
    await waitFor('the refusal', () => meiErrors.length === 1);
    expect(meiErrors[0]!.code).toBe('PERMISSION_DENIED');
    await waitFor('mei back in sync', () => mei.board.synced && ids(mei).length === 1);
    expect(ids(mei)).toEqual(ids(teacher));

    // The right taken away while dara is offline: what she drew then is refused once she is back.
    const daraErrors: CosmoError[] = [];
    const resets: string[] = [];
    dara.on('boardError', (e) => daraErrors.push(e));
    dara.on('boardChanged', (origin) => origin === 'reset' && resets.push(origin));
    const resumed = new Promise((resolve) => dara.once('resumed', resolve));
    dara.dropConnectionForTesting();
    await teacher.setPermissions(dara.self!.id, { ...dara.self!.permissions, draw: false });
    const lost = dara.board.add('1', stroke(900));
    expect(ids(dara)).toContain(lost);
    await resumed;
    await waitFor('the refusal', () => daraErrors.length === 1);
    expect(daraErrors[0]!.code).toBe('PERMISSION_DENIED');
    await waitFor('dara rebuilt', () => resets.length === 1 && dara.board.synced);
    expect(ids(dara)).toEqual(ids(teacher));
    expect(ids(dara)).not.toContain(lost);
    expect(dara.board.canDraw).toBe(false);

    // A new joiner sees what the server holds: the same.
    const late = await client('late', 'student');
    await late.connect();
    await waitFor('the late joiner to sync', () => late.board.synced);
    expect(ids(late)).toEqual(ids(teacher));
  });
});
