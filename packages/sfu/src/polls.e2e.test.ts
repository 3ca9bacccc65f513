import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, cosmo, type Role, type ServerFrame } from '@cosmo/core';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import { rosterCsv } from '@cosmo/school/testing';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { mintAdminToken } from './tokens.js';

const { POLL_KIND_SINGLE, POLL_KIND_MULTIPLE, POLL_KIND_TEXT } = cosmo.v1.PollKind;
type Results = cosmo.v1.PollResults.$Shape;

/** One signalling socket in the lecture, and every event it got (with when it got it). */
interface Socket {
  c: SignallingClient;
  join: cosmo.v1.JoinResponse.$Shape;
  events: { frame: ServerFrame; at: number }[];
}

/** A server whose school has class 2B (teacher tanaka, students s1…s12) and its lecture opt-1. */
async function lectureServer(overrides: Parameters<typeof startEphemeralServer>[0] = {}) {
  const t = await startEphemeralServer({ captions: false, ...overrides });
  const school = t.server.school!;
  if (!school.repos.roster.lecture('opt-1')) {
    school.importRosterCsv(rosterCsv(12));
    const start = Date.now() - 60_000;
    school.addLecture({
      id: 'opt-1',
      classId: '2B',
      title: 'Optics',
      startsAt: start,
      endsAt: start + 3_600_000,
    });
  }
  return t;
}

function sockets(get: () => EphemeralServer) {
  const open: Socket[] = [];
  const join = async (identity: string, role: Role, room = 'opt-1'): Promise<Socket> => {
    const c = await SignallingClient.connect({
      url: get().url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const s: Socket = { c, join: {}, events: [] };
    c.on('event', (frame) => s.events.push({ frame, at: Date.now() }));
    open.push(s);
    s.join = (
      await c.request('join', {
        token: await get().token(room, identity, role),
        protocolVersion: PROTOCOL_VERSION,
      })
    ).join!;
    return s;
  };
  const closeAll = () => {
    for (const s of open.splice(0)) s.c.close();
  };
  return { join, closeAll };
}

/** The `pollResults` events of a poll a socket got, oldest first. */
function resultsOf(s: Socket, pollId: string): (Results & { at: number })[] {
  return s.events
    .filter((e) => e.frame.body === 'pollResults' && e.frame.pollResults.pollId === pollId)
    .map((e) => ({ ...(e.frame.pollResults as Results), at: e.at }));
}

function eventsOf<K extends 'pollStarted' | 'pollClosed' | 'quizScore'>(s: Socket, kind: K) {
  return s.events
    .filter((e) => e.frame.body === kind)
    .map((e) => (e.frame as Record<string, unknown>)[kind] as NonNullable<ServerFrame[K]>);
}

const question = (over: cosmo.v1.PollQuestion.$Properties = {}) => ({
  question: 'Which colour bends most in a prism?',
  kind: POLL_KIND_SINGLE,
  options: ['Red', 'Green', 'Violet'],
  ...over,
});

describe('polls and quizzes', () => {
  let t: EphemeralServer;
  const { join, closeAll } = sockets(() => t);

  beforeAll(async () => {
    t = await lectureServer();
  });
  afterEach(closeAll);
  afterAll(async () => {
    await t?.close();
  });

  it('an anonymous poll: the teacher sees totals live, students only once shown', async () => {
    const teacher = await join('tanaka', 'teacher');
    const students = await Promise.all(['s1', 's2', 's3'].map((id) => join(id, 'student')));
    const observer = await join('visitor', 'observer');
    const started = await teacher.c.request('startPoll', {
      question: question({ anonymous: true }),
    });
    const poll = started.poll!;
    expect(poll).toMatchObject({ open: true, resultsShown: false, quiz: false });
    for (const s of students)
      await waitFor('the poll to reach the students', () => eventsOf(s, 'pollStarted').length > 0);
    expect(eventsOf(students[0]!, 'pollStarted')[0]!.poll!.question!.options).toEqual([
      'Red',
      'Green',
      'Violet',
    ]);

    await Promise.all(
      students.map((s, i) => s.c.request('vote', { pollId: poll.id!, choices: [i === 0 ? 0 : 2] })),
    );
    await waitFor('the teacher to see every answer', () =>
      resultsOf(teacher, poll.id!).some((r) => r.answered === 3),
    );
    expect(resultsOf(teacher, poll.id!).at(-1)).toMatchObject({
      answered: 3,
      eligible: 3,
      counts: [1, 0, 2],
      votes: [],
    });
    // An anonymous answer cannot be changed (nobody knows which one was theirs).
    await expect(
      students[0]!.c.request('vote', { pollId: poll.id!, choices: [1] }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(
      observer.c.request('vote', { pollId: poll.id!, choices: [1] }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    for (const s of [...students, observer]) expect(resultsOf(s, poll.id!)).toEqual([]);

    const shown = await teacher.c.request('showPollResults', { pollId: poll.id!, shown: true });
    expect(shown.poll!.resultsShown).toBe(true);
    for (const s of students) {
      await waitFor('the students to see the totals', () => resultsOf(s, poll.id!).length > 0);
      expect(resultsOf(s, poll.id!)[0]).toMatchObject({ answered: 3, counts: [1, 0, 2] });
      expect(eventsOf(s, 'pollStarted').at(-1)!.poll!.resultsShown).toBe(true);
    }

    const closed = await teacher.c.request('closePoll', { pollId: poll.id! });
    expect(closed.poll!.open).toBe(false);
    await waitFor('everyone to hear it closed', () =>
      students.every((s) => eventsOf(s, 'pollClosed').length > 0),
    );
    await expect(
      students[1]!.c.request('vote', { pollId: poll.id!, choices: [1] }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Nobody was scored: it was not a quiz.
    for (const s of students) expect(eventsOf(s, 'quizScore')).toEqual([]);
  });

  it('coalesces the totals of a vote storm to one update per 250 ms', async () => {
    const teacher = await join('tanaka', 'teacher');
    const ids = Array.from({ length: 12 }, (_, i) => `s${i + 1}`);
    const students = await Promise.all(ids.map((id) => join(id, 'student')));
    const poll = (await teacher.c.request('startPoll', { question: question() })).poll!;
    for (let round = 0; round < 3; round++) {
      // Named: each answer replaces the last, so the storm can go on.
      await Promise.all(
        students.map((s, i) =>
          s.c.request('vote', { pollId: poll.id!, choices: [(i + round) % 3] }),
        ),
      );
    }
    await waitFor('the final totals', () =>
      resultsOf(teacher, poll.id!).some((r) => r.answered === 12 && r.counts![0] === 4),
    );
    await new Promise((r) => setTimeout(r, 400));
    const updates = resultsOf(teacher, poll.id!);
    // 36 votes: far fewer updates, each at least ~250 ms after the one before.
    expect(updates.length).toBeLessThan(10);
    for (let i = 1; i < updates.length; i++)
      expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(200);
    expect(updates.at(-1)).toMatchObject({ answered: 12, eligible: 12, counts: [4, 4, 4] });
    expect(updates.at(-1)!.votes).toHaveLength(12);
  });

  it('a named quiz: answers stay hidden until it closes, then each student gets their own score', async () => {
    const teacher = await join('tanaka', 'teacher');
    const [s1, s2, s3] = await Promise.all(['s1', 's2', 's3'].map((id) => join(id, 'student')));
    const quiz = (await teacher.c.request('startPoll', { question: question({ correct: [2] }) }))
      .poll!;
    expect(quiz).toMatchObject({ quiz: true, question: { correct: [2] } });
    await waitFor('the quiz to reach s1', () => eventsOf(s1!, 'pollStarted').length > 0);
    const seen = eventsOf(s1!, 'pollStarted')[0]!.poll!;
    expect(seen.quiz).toBe(true);
    expect(seen.question!.correct).toEqual([]);

    await s1!.c.request('vote', { pollId: quiz.id!, choices: [0] });
    // A second answer to a named poll replaces the first.
    await s1!.c.request('vote', { pollId: quiz.id!, choices: [2] });
    await s2!.c.request('vote', { pollId: quiz.id!, choices: [1] });
    await waitFor('the teacher to see both answers', () =>
      resultsOf(teacher, quiz.id!).some((r) => r.answered === 2),
    );
    expect(
      resultsOf(teacher, quiz.id!)
        .at(-1)!
        .votes!.map((v) => [v.identity, v.choices])
        .sort(),
    ).toEqual([
      ['s1', [2]],
      ['s2', [1]],
    ]);
    await teacher.c.request('closePoll', { pollId: quiz.id! });
    for (const s of [s1!, s2!, s3!])
      await waitFor('each student’s score', () => eventsOf(s, 'quizScore').length > 0);
    expect(eventsOf(s1!, 'quizScore')).toEqual([
      { pollId: quiz.id, answered: true, correct: true, score: 1, quizzes: 1 },
    ]);
    expect(eventsOf(s2!, 'quizScore')[0]).toMatchObject({
      answered: true,
      correct: false,
      score: 0,
    });
    expect(eventsOf(s3!, 'quizScore')[0]).toMatchObject({ answered: false, correct: false });
    expect(eventsOf(teacher, 'quizScore')).toEqual([]);
    expect(eventsOf(s1!, 'pollClosed')[0]!.poll!.question!.correct).toEqual([2]);

    // A text quiz: case, width and spaces do not matter; the running score counts both quizzes.
    const text = (
      await teacher.c.request('startPoll', {
        question: { question: 'Capital of Japan?', kind: POLL_KIND_TEXT, accepted: ['Tokyo'] },
      })
    ).poll!;
    await s2!.c.request('vote', { pollId: text.id!, text: '  ＴＯＫＹＯ ' });
    await s1!.c.request('vote', { pollId: text.id!, text: 'Kyoto' });
    await teacher.c.request('closePoll', { pollId: text.id! });
    await waitFor('the second scores', () =>
      [s1!, s2!].every((s) => eventsOf(s, 'quizScore').length === 2),
    );
    expect(eventsOf(s1!, 'quizScore')[1]).toMatchObject({ correct: false, score: 1, quizzes: 2 });
    expect(eventsOf(s2!, 'quizScore')[1]).toMatchObject({ correct: true, score: 1, quizzes: 2 });
  });

  it('refuses what breaks the rules, with clear codes', async () => {
    const teacher = await join('tanaka', 'teacher');
    const student = await join('s4', 'student');
    await expect(student.c.request('startPoll', { question: question() })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const bad: [cosmo.v1.PollQuestion.$Properties, string][] = [
      [question({ options: ['Only one'] }), 'OPTION_COUNT'],
      [question({ options: Array.from({ length: 11 }, (_, i) => `o${i}`) }), 'OPTION_COUNT'],
      [question({ options: ['x'.repeat(201), 'y'] }), 'OPTION_LENGTH'],
      [question({ question: 'q'.repeat(501) }), 'QUESTION_TOO_LONG'],
      [question({ question: '  ' }), 'QUESTION_EMPTY'],
      [question({ correct: [0, 1] }), 'ONE_CORRECT'],
      [question({ correct: [3] }), 'CORRECT_OUT_OF_RANGE'],
      [question({ anonymous: true, correct: [0] }), 'ANONYMOUS_QUIZ'],
      [question({ kind: 0 }), 'POLL_KIND'],
      [{ question: 'Why?', kind: POLL_KIND_TEXT, options: ['a', 'b'] }, 'TEXT_WITH_OPTIONS'],
    ];
    for (const [q, reason] of bad)
      await expect(teacher.c.request('startPoll', { question: q }), reason).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        reason,
      });

    const multi = (
      await teacher.c.request('startPoll', { question: question({ kind: POLL_KIND_MULTIPLE }) })
    ).poll!;
    const words = (
      await teacher.c.request('startPoll', {
        question: { question: 'One word?', kind: POLL_KIND_TEXT },
      })
    ).poll!;
    const refusals: [cosmo.v1.VoteRequest.$Properties, string][] = [
      [{ pollId: 'forged', choices: [0] }, 'NOT_FOUND'],
      [{ pollId: multi.id!, choices: [3] }, 'INVALID_ARGUMENT'],
      [{ pollId: multi.id!, choices: [] }, 'INVALID_ARGUMENT'],
      [{ pollId: multi.id!, choices: [1, 1] }, 'INVALID_ARGUMENT'],
      [{ pollId: multi.id!, text: 'Red' }, 'INVALID_ARGUMENT'],
      [{ pollId: words.id!, text: 'w'.repeat(201) }, 'INVALID_ARGUMENT'],
      [{ pollId: words.id!, text: '   ' }, 'INVALID_ARGUMENT'],
      [{ pollId: words.id!, choices: [0] }, 'INVALID_ARGUMENT'],
    ];
    for (const [vote, code] of refusals)
      await expect(student.c.request('vote', vote), JSON.stringify(vote)).rejects.toMatchObject({
        code,
      });
    await student.c.request('vote', { pollId: multi.id!, choices: [0, 2] });
    await teacher.c.request('closePoll', { pollId: multi.id! });
    await expect(
      student.c.request('vote', { pollId: multi.id!, choices: [1] }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(student.c.request('closePoll', { pollId: words.id! })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await expect(
      student.c.request('showPollResults', { pollId: words.id!, shown: true }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('keeps prepared questions per class and starts one by id', async () => {
    const teacher = await join('tanaka', 'teacher');
    const student = await join('s5', 'student');
    const saved = await teacher.c.request('savePreparedPoll', {
      question: question({ question: 'Prepared?' }),
    });
    const [prepared] = saved.preparedPolls!.polls!;
    expect(prepared!.question!.question).toBe('Prepared?');
    await expect(student.c.request('preparedPolls', {})).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const started = await teacher.c.request('startPoll', { preparedId: prepared!.id! });
    expect(started.poll!.question!.question).toBe('Prepared?');
    await expect(teacher.c.request('startPoll', { preparedId: 'forged' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const removed = await teacher.c.request('savePreparedPoll', {
      id: prepared!.id!,
      remove: true,
    });
    expect(removed.preparedPolls!.polls ?? []).toEqual([]);
  });
});

describe('polls across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-polls-'));
  let t: EphemeralServer | undefined;
  const { join: joinLecture, closeAll } = sockets(() => t!);
  afterAll(async () => {
    closeAll();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a restarted server lists the lecture’s polls and their totals', async () => {
    t = await lectureServer({ dataDir });
    const teacher = await joinLecture('tanaka', 'teacher');
    const [s1, s2] = await Promise.all(['s1', 's2'].map((id) => joinLecture(id, 'student')));
    const anon = (await teacher.c.request('startPoll', { question: question({ anonymous: true }) }))
      .poll!;
    const named = (
      await teacher.c.request('startPoll', { question: question({ question: 'Named?' }) })
    ).poll!;
    await s1!.c.request('vote', { pollId: anon.id!, choices: [1] });
    await s2!.c.request('vote', { pollId: anon.id!, choices: [1] });
    await s1!.c.request('vote', { pollId: named.id!, choices: [0] });
    await teacher.c.request('showPollResults', { pollId: named.id!, shown: true });
    await teacher.c.request('closePoll', { pollId: named.id! });
    closeAll();
    await t.close();

    t = await lectureServer({ dataDir });
    const back = await joinLecture('tanaka', 'teacher');
    expect(back.join.polls!.map((p) => [p.id, p.open])).toEqual([
      [anon.id, true],
      [named.id, false],
    ]);
    const totals = new Map(back.join.pollResults!.map((r) => [r.pollId, r]));
    expect(totals.get(anon.id!)).toMatchObject({ answered: 2, counts: [0, 2, 0] });
    expect(totals.get(named.id!)).toMatchObject({ answered: 1, counts: [1, 0, 0] });
    expect(totals.get(named.id!)!.votes).toMatchObject([{ identity: 's1', choices: [0] }]);
    // A student sees only the totals that were shown, and still cannot answer twice.
    const student = await joinLecture('s2', 'student');
    expect(student.join.pollResults!.map((r) => r.pollId)).toEqual([named.id]);
    expect(student.join.pollResults![0]!.votes ?? []).toEqual([]);
    await expect(
      student.c.request('vote', { pollId: anon.id!, choices: [0] }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });

    // The school's admin downloads the results; another school's admin gets a 404.
    const csv = async (schoolId: string) =>
      fetch(`${t!.httpUrl}/api/admin/lectures/opt-1/polls.csv`, {
        headers: {
          authorization: `Bearer ${await mintAdminToken(t!.server.tokens, { schoolId, identity: 'principal' })}`,
        },
      });
    const ok = await csv('tokyo');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await ok.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'poll_id,started_at,question,kind,anonymous,quiz,row,option,answer,count,person_id,name,correct',
    );
    // The anonymous poll's three totals; the named poll's three totals and s1's answer.
    expect(lines.slice(1).map((l) => l.split(',').slice(6).join(','))).toEqual([
      'total,1,Red,0,,,',
      'total,2,Green,2,,,',
      'total,3,Violet,0,,,',
      'total,1,Red,1,,,',
      'total,2,Green,0,,,',
      'total,3,Violet,0,,,',
      'answer,1,Red,,s1,s1,',
    ]);
    const other = await csv('osaka');
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
