import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  BOARD_LIMITS,
  BOARD_MESSAGE_SYNC,
  CosmoError,
  ErrorCode,
  TypedEmitter,
  type BoardShape,
  type ParticipantSummary,
  type Role,
} from '@cosmo/core';
import { waitFor } from '@cosmo/testkit';
import { Board, boardShapeProblem, type BoardHost, type NewBoardShape } from './Board.js';
import { BoardCursors } from './BoardCursors.js';
import type { CosmoClientEvents } from './CosmoClientOptions.js';

/** A client that is not connected: the board works locally, nothing is sent. */
class OfflineHost extends TypedEmitter<CosmoClientEvents> {
  self: ParticipantSummary | undefined;
  classroom = undefined;
  participants = new Map<string, ParticipantSummary>();
  limits = { maxFrameBytes: 64 * 1024, maxLessonBytes: 1024 * 1024 };
  constructor(identity: string, role: Role, draw = false) {
    super();
    this.self = {
      id: `p-${identity}`,
      identity,
      name: identity,
      role,
      permissions: { speak: true, video: true, screen: false, chat: true, draw },
      handRaised: false,
      joinedAt: 0,
      producers: [],
      captionLanguage: '',
    };
  }
  request = () => Promise.reject(new CosmoError(ErrorCode.CLOSED, 'not connected'));
}

const stroke: NewBoardShape = {
  t: 'stroke',
  color: '#ff0000',
  size: 3,
  points: [1, 2, 0.5, 3, 4, 0.5],
};

/** The message the server relays for a change another participant made on their copy. */
function relayed(from: Y.Doc, board: Board, change: (doc: Y.Doc) => void): Uint8Array {
  Y.applyUpdate(from, Y.encodeStateAsUpdate(board.doc));
  let update: Uint8Array | undefined;
  from.once('update', (u: Uint8Array) => (update = u));
  from.transact(() => change(from));
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
  sync.writeUpdate(e, update!);
  return encoding.toUint8Array(e);
}

describe('Board', () => {
  const boards: Board[] = [];
  afterEach(() => boards.splice(0).forEach((b) => b.close()));
  function board(identity: string, role: Role, draw = false) {
    const host = new OfflineHost(identity, role, draw);
    const b = new Board(host as unknown as BoardHost);
    boards.push(b);
    return { b, host };
  }

  it('a teacher’s first shape on an empty board creates page 1, filled in with id, author and time', () => {
    const { b, host } = board('ms-ito', 'teacher');
    const changes: string[] = [];
    host.on('boardChanged', (origin) => changes.push(origin));
    expect(b.pages()).toEqual([]);
    const id = b.add('', stroke);
    expect(b.pages()).toEqual(['1']);
    expect(b.shapes('1')).toEqual([
      { ...stroke, id, by: 'ms-ito', at: expect.any(Number) as number },
    ]);
    expect(changes).toEqual(['local']);
    expect(b.stage).toEqual({ onStage: false, page: '1' });
  });

  it('setStage on an empty board creates page 1 and puts it on stage', () => {
    const { b } = board('ms-ito', 'teacher');
    b.setStage(true);
    expect(b.pages()).toEqual(['1']);
    expect(b.stage).toEqual({ onStage: true, page: '1' });
    const second = b.addPage();
    b.setStage(true, second);
    expect(b.stage).toEqual({ onStage: true, page: second });
    b.removePage(second);
    expect(b.pages()).toEqual(['1']);
    expect(b.stage).toEqual({ onStage: true, page: '1' });
    expect(() => b.setStage(true, 'nope')).toThrow(CosmoError);
  });

  it('a student draws only with the right, on a page that exists and is not locked', () => {
    const teacher = board('ms-ito', 'teacher').b;
    teacher.addPage();
    const student = board('dara', 'student', true);
    const other = board('mei', 'student', false).b;
    for (const b of [student.b, other]) Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(teacher.doc));

    expect(other.canDraw).toBe(false);
    expect(() => other.add('1', stroke)).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED', reason: 'BOARD_NOT_ALLOWED' }),
    );
    expect(student.b.canDraw).toBe(true);
    expect(() => student.b.add('2', stroke)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', reason: 'BOARD_NO_PAGE' }),
    );
    expect(() => student.b.addPage()).toThrow(
      expect.objectContaining({ reason: 'BOARD_MODERATORS_ONLY' }),
    );
    teacher.lockPage('1', true);
    Y.applyUpdate(student.b.doc, Y.encodeStateAsUpdate(teacher.doc));
    expect(student.b.isLocked('1')).toBe(true);
    expect(student.b.canDraw).toBe(false);
    expect(() => student.b.add('1', stroke)).toThrow(
      expect.objectContaining({ reason: 'BOARD_LOCKED' }),
    );
  });

  it('refuses a shape the server would refuse, before sending it', () => {
    const { b } = board('ms-ito', 'teacher');
    expect(() => b.add('1', { ...stroke, color: 'red' })).toThrow(TypeError);
    expect(() => b.add('1', { ...stroke, points: [1, 2] })).toThrow(/triples/);
    expect(() =>
      b.add('1', { t: 'text', color: '#000000', size: 20, x: 0, y: 0, text: 'あ'.repeat(501) }),
    ).toThrow(/500 characters/);
    expect(b.pages()).toEqual([]);
  });

  it('students erase only their own shapes; undo takes back only one’s own strokes', () => {
    const { b } = board('dara', 'student', true);
    const teacherDoc = new Y.Doc();
    b.receive(
      relayed(teacherDoc, b, (d) => {
        d.getArray('pages').push(['1']);
        d.getArray('page:1').push([{ ...stroke, id: 'teachers', by: 'ms-ito', at: 1 }]);
      }),
      'p-ms-ito',
    );
    expect(b.canUndo).toBe(false);
    const mine = b.add('1', stroke);
    const second = b.add('1', stroke);
    expect(() => b.erase('1', ['teachers'])).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED', reason: 'BOARD_NOT_YOURS' }),
    );
    // A teacher's stroke arrives after the student's: undo skips it.
    b.receive(
      relayed(teacherDoc, b, (d) =>
        d.getArray('page:1').push([{ ...stroke, id: 'later', by: 'ms-ito', at: 2 }]),
      ),
      'p-ms-ito',
    );
    b.undo();
    expect(b.shapes('1').map((s) => s.id)).toEqual(['teachers', mine, 'later']);
    expect(b.erase('1', [mine])).toBe(1);
    expect(b.shapes('1').map((s) => s.id)).toEqual(['teachers', 'later']);
    b.undo();
    expect(b.shapes('1').map((s) => s.id)).toEqual(['teachers', mine, 'later']);
    b.redo();
    expect(b.shapes('1').map((s) => s.id)).toEqual(['teachers', 'later']);
    // The undone second stroke is gone from the redo stack once something new was done.
    expect(b.canRedo).toBe(false);
    expect(b.shapes('1').map((s) => s.id)).not.toContain(second);
  });

  it('a teacher’s erasing of others’ shapes is not undone (a shape names its author)', () => {
    const { b } = board('ms-ito', 'teacher');
    const own = b.add('', stroke);
    const student = new Y.Doc();
    b.receive(
      relayed(student, b, (d) =>
        d.getArray('page:1').push([{ ...stroke, id: 'daras', by: 'dara', at: 1 }]),
      ),
      'p-dara',
    );
    expect(b.erase('1', ['daras', own])).toBe(2);
    expect(b.shapes('1')).toEqual([]);
    b.undo();
    expect(b.shapes('1').map((s) => s.id)).toEqual([own]);
    b.clearPage('1');
    b.undo();
    expect(b.shapes('1').map((s) => s.id)).toEqual([]);
  });
});

describe('boardShapeProblem', () => {
  const base = { id: 'a', by: 'dara', at: 1, color: '#123456', size: 2 };
  it('accepts each kind of shape within the limits', () => {
    const shapes: BoardShape[] = [
      { ...base, t: 'stroke', points: Array(BOARD_LIMITS.strokePoints * 3).fill(1) as number[] },
      { ...base, t: 'arrow', x1: 0, y1: 0, x2: 1600, y2: 900 },
      { ...base, t: 'text', x: 1, y: 1, text: '日本語'.repeat(100) },
      { ...base, t: 'image', handoutId: 'h1', x: 0, y: 0, w: 800, h: 450 },
    ];
    expect(shapes.map(boardShapeProblem)).toEqual([undefined, undefined, undefined, undefined]);
  });
  it('names what is wrong', () => {
    const p = (s: object) => boardShapeProblem({ ...base, ...s } as BoardShape);
    expect(p({ t: 'stroke', points: Array(BOARD_LIMITS.strokePoints * 3 + 3).fill(1) })).toMatch(
      new RegExp(`at most ${BOARD_LIMITS.strokePoints} `),
    );
    expect(p({ t: 'stroke', points: [1, 2, 3], extra: 1 })).toMatch(/^extra/);
    expect(p({ t: 'line', x1: 0, y1: 0, x2: 99_999, y2: 0 })).toMatch(/on the page/);
    expect(p({ t: 'text', x: 0, y: 0, text: '' })).toMatch(/not empty/);
    expect(p({ t: 'blob' })).toMatch(/^t:/);
    expect(p({ t: 'text', x: 0, y: 0, text: 'a', size: 0 })).toMatch(/^size/);
  });
});

describe('BoardCursors', () => {
  const all: BoardCursors[] = [];
  afterEach(() => all.splice(0).forEach((c) => c.close()));
  function cursors(sent: Uint8Array[], minIntervalMs = 100) {
    let changes = 0;
    const c = new BoardCursors({
      send: (m) => sent.push(m),
      nameOf: (id) => ({ 'p-ito': 'Ms Ito', 'p-dara': 'Dara' })[id] ?? '',
      onChange: () => changes++,
      minIntervalMs,
    });
    all.push(c);
    return { c, changes: () => changes };
  }

  it('sends the latest position at most once per interval, and credits it to the sender', async () => {
    const fromIto: Uint8Array[] = [];
    const ito = cursors(fromIto, 100).c;
    ito.online(false);
    ito.set('1', 10, 10);
    ito.set('1', 20, 20);
    ito.set('1', 30, 30);
    await waitFor('the first message', () => fromIto.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    ito.set('1', 40, 40);
    expect(fromIto).toHaveLength(1);
    await waitFor('the second message', () => fromIto.length === 2);

    const { c: dara, changes } = cursors([]);
    dara.receive('p-ito', fromIto[0]!);
    expect(dara.cursors.get('p-ito')).toEqual({ page: '1', x: 30, y: 30, name: 'Ms Ito' });
    // The same awareness client sent by someone else: ignored, whatever it claims.
    dara.receive('p-dara', fromIto[1]!);
    expect([...dara.cursors.keys()]).toEqual(['p-ito']);
    dara.receive('p-ito', fromIto[1]!);
    expect(dara.cursors.get('p-ito')).toMatchObject({ x: 40, y: 40 });
    expect(changes()).toBe(2);

    ito.clear();
    await waitFor('the clear', () => fromIto.length === 3);
    dara.receive('p-ito', fromIto[2]!);
    expect(dara.cursors.size).toBe(0);
    dara.receive('p-ito', fromIto[1]!);
    dara.forget('p-ito');
    expect(dara.cursors.size).toBe(0);
  });

  it('sends nothing while offline', async () => {
    const sent: Uint8Array[] = [];
    const c = cursors(sent, 10).c;
    c.set('1', 1, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toHaveLength(0);
    c.online(false);
    await waitFor('the cursor once online', () => sent.length === 1);
  });
});
