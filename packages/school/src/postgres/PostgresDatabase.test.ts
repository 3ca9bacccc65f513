import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../repositories.js';
import { tempPostgresSchema } from '../testing.js';
import { PostgresChatRepository } from './PostgresChatRepository.js';
import { PostgresDatabase, openPostgresDatabase } from './PostgresDatabase.js';
import { PostgresDeliveryRepository } from './PostgresDeliveryRepository.js';
import { PostgresNoticeRepository } from './PostgresNoticeRepository.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from './migrations.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../../..');

/**
 * Another server of the cluster: a Node process that loads this package's sources (through
 * Vitest's Vite) and runs tasks against the database, one JSON line in, one JSON line out. Its
 * tasks wait at a barrier (an advisory lock the test holds) so that both nodes start together.
 */
const NODE_SCRIPT = `
import { createInterface } from 'node:readline';
const [vitestNode, config, dir] = process.argv.slice(1);
const { createViteServer } = await import(vitestNode);
const vite = await createViteServer({
  configFile: config, appType: 'custom', logLevel: 'silent',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
});
const { PostgresDatabase } = await vite.ssrLoadModule(dir + '/PostgresDatabase.ts');
const { migratePostgres } = await vite.ssrLoadModule(dir + '/migrations.ts');
const { PostgresDeliveryRepository } = await vite.ssrLoadModule(dir + '/PostgresDeliveryRepository.ts');
const { PostgresChatRepository } = await vite.ssrLoadModule(dir + '/PostgresChatRepository.ts');
const { PostgresNoticeRepository } = await vite.ssrLoadModule(dir + '/PostgresNoticeRepository.ts');
process.stdout.write('ready\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const t = JSON.parse(line);
  let out;
  const db = new PostgresDatabase(t.url);
  try {
    if (t.barrier !== undefined) {
      db.query('SELECT pg_advisory_lock_shared($1)', [t.barrier]);
      db.query('SELECT pg_advisory_unlock_shared($1)', [t.barrier]);
    }
    if (t.task === 'migrate') out = { ran: migratePostgres(db) };
    if (t.task === 'claim') {
      const repo = new PostgresDeliveryRepository(db);
      const claimed = [];
      for (let rows; (rows = repo.claimDue(t.now, t.limit)).length > 0; )
        claimed.push(...rows.map((d) => d.personId));
      out = { claimed };
    }
    if (t.task === 'chat') {
      const repo = new PostgresChatRepository(db);
      const seqs = [];
      for (let i = 0; i < t.count; i++)
        seqs.push(repo.append({ id: t.prefix + i, room: t.room, personId: t.prefix, name: t.prefix,
          text: String(i), toPerson: '', sentAt: i }).seq);
      out = { seqs };
    }
    if (t.task === 'notice') {
      const { notice, created } = new PostgresNoticeRepository(db).create(t.notice, t.recipients);
      out = { id: notice.id, created };
    }
    if (t.task === 'receipts') {
      const repo = new PostgresNoticeRepository(db);
      const outcomes = [];
      for (const r of t.receipts) outcomes.push(...repo.recordReceipts([r]));
      out = { outcomes };
    }
  } catch (err) {
    out = { error: err.message };
  } finally {
    db.close();
  }
  process.stdout.write(JSON.stringify(out) + '\\n');
}
await vite.close();
`;

class ClusterNode {
  readonly #child: ChildProcess;
  readonly #answers: ((line: string) => void)[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.#answers.shift()?.(line));
  }

  static start(): Promise<ClusterNode> {
    const vitestNode = createRequire(import.meta.url).resolve('vitest/node');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        NODE_SCRIPT,
        vitestNode,
        join(repoRoot, 'vitest.config.ts'),
        here,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const node = new ClusterNode(child);
    return new Promise((resolve, reject) => {
      node.#answers.push(() => resolve(node));
      child.once('exit', (code) => reject(new Error(`a cluster node exited (${code})`)));
    });
  }

  ask<T>(task: Record<string, unknown>): Promise<T> {
    return new Promise((resolve) => {
      this.#answers.push((line) => resolve(JSON.parse(line) as T));
      this.#child.stdin!.write(JSON.stringify(task) + '\n');
    });
  }

  close(): void {
    this.#child.stdin!.end();
  }
}

/** Waits until `count` sessions wait for the advisory lock `key` (a bigint of SQL). */
async function waiters(db: PostgresDatabase, keySql: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [row] = db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM pg_locks, (SELECT (${keySql})::bigint AS k) AS key
       WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
         AND classid::text::bigint = (key.k >> 32) & 4294967295 AND objid::text::bigint = key.k & 4294967295`,
    );
    if (row!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} nodes at a lock`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const delivery = (personId: string, dueAt: number) => ({
  noticeId: 'n1',
  personId,
  channel: 'push' as const,
  round: 0,
  dueAt,
});

/** A notice with `people` recipients, straight in SQL (the repositories have their own tests). */
function seedNotice(db: PostgresDatabase, people: number): string[] {
  const ids = Array.from({ length: people }, (_, i) => `p${String(i).padStart(4, '0')}`);
  db.exec(`
    INSERT INTO schools VALUES ('tokyo', 'Tokyo');
    INSERT INTO people SELECT 'p' || lpad(i::text, 4, '0'), 'tokyo', 'P', 'student'
      FROM generate_series(0, ${people - 1}) AS i;
    INSERT INTO notices (id, school_id, audience, sender_id, sender_name, title, body, urgent, sent_at)
      VALUES ('n1', 'tokyo', 'school:tokyo', 't', 'T', 'Drill', '', true, 1);
  `);
  return ids;
}

describe('the PostgreSQL store', () => {
  let schema: ReturnType<typeof tempPostgresSchema> | undefined;
  const open: PostgresDatabase[] = [];
  const connect = (url = schema!.url) => {
    const db = new PostgresDatabase(url);
    open.push(db);
    return db;
  };
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    schema?.drop();
    schema = undefined;
  });

  it('applies the migrations once, and refuses a schema newer than it knows', () => {
    schema = tempPostgresSchema();
    const db = connect();
    expect(migratePostgres(db)).toBe(POSTGRES_MIGRATIONS.length);
    expect(migratePostgres(db)).toBe(0);
    expect(db.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })),
    );
    db.query("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)");
    expect(() => openPostgresDatabase(schema!.url)).toThrow(
      `the database is at schema 99, newer than this server knows (${POSTGRES_MIGRATIONS.length}): upgrade Cosmo`,
    );
  });

  it('returns a BIGINT timestamp as a number, and refuses one beyond the safe integers', () => {
    schema = tempPostgresSchema();
    const db = connect();
    migratePostgres(db);
    const farFuture = Date.parse('2262-04-11T23:47:16Z');
    db.query('INSERT INTO ended_classes (room, ended_at) VALUES ($1, $2)', ['r', farFuture]);
    expect(db.query('SELECT ended_at FROM ended_classes')).toEqual([{ ended_at: farFuture }]);
    expect(db.query('SELECT $1::bigint AS n', [Number.MAX_SAFE_INTEGER])).toEqual([
      { n: Number.MAX_SAFE_INTEGER },
    ]);
    expect(() => db.query("SELECT '9007199254740993'::bigint AS n")).toThrow(
      "the BIGINT 9007199254740993 is beyond JavaScript's safe integers",
    );
  });

  it('rolls a transaction back when its function throws', () => {
    schema = tempPostgresSchema();
    const db = connect();
    migratePostgres(db);
    expect(() =>
      db.transaction(() => {
        db.query("INSERT INTO ended_classes VALUES ('r', 1)");
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(db.query('SELECT room FROM ended_classes')).toEqual([]);
    const err = (() => {
      try {
        db.query("INSERT INTO ended_classes VALUES ('r', 1), ('r', 2)");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ name: 'PostgresQueryError', sqlState: '23505' });
  });

  it('reconnects once when its connection was lost, and says so when lost in a transaction', () => {
    schema = tempPostgresSchema();
    const db = connect();
    const killer = connect();
    const kill = () => {
      const [{ pid }] = db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid') as [
        { pid: number },
      ];
      killer.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
    };
    kill();
    expect(db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(() =>
      db.transaction(() => {
        kill();
        db.query('SELECT 1');
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('was lost during a transaction'),
      }),
    );
    expect(db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });

  it('names the host and not the password when it cannot connect', () => {
    expect(() => new PostgresDatabase('postgresql://cosmo:s3cret@127.0.0.1:1/school')).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(
          /^cannot connect to PostgreSQL at cosmo@127\.0\.0\.1:1\/school: /,
        ),
      }),
    );
    expect(() => new PostgresDatabase('postgresql://cosmo:s3cret@127.0.0.1:1/school')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
    expect(() => new PostgresDatabase('mysql://x@y/z')).toThrow(TypeError);
  });

  it('claims a delivery for one node only: another skips the rows being claimed', () => {
    schema = tempPostgresSchema();
    const a = connect();
    migratePostgres(a);
    const b = connect();
    // Were the rows not skipped, b would wait for a's transaction until its statement timeout.
    b.exec('SET statement_timeout = 5000');
    seedNotice(a, 4);
    const queueA = new PostgresDeliveryRepository(a);
    const queueB = new PostgresDeliveryRepository(b);
    queueA.enqueue(['p0000', 'p0001', 'p0002', 'p0003'].map((p, i) => delivery(p, i)));
    let byB: Delivery[] = [];
    const byA = a.transaction(() => {
      const rows = queueA.claimDue(10, 2);
      byB = queueB.claimDue(10, 10);
      return rows;
    });
    expect(byA.map((d) => d.personId)).toEqual(['p0000', 'p0001']);
    expect(byB.map((d) => d.personId)).toEqual(['p0002', 'p0003']);
    expect(queueB.claimDue(10, 10)).toEqual([]);
    expect(byA.every((d) => d.state === 'sending' && d.attempts === 1)).toBe(true);
  });

  it('requeues only the claims of a node whose session is gone', async () => {
    schema = tempPostgresSchema();
    const a = connect();
    migratePostgres(a);
    const b = connect();
    seedNotice(a, 2);
    new PostgresDeliveryRepository(a).enqueue([delivery('p0000', 1), delivery('p0001', 1)]);
    expect(new PostgresDeliveryRepository(a).claimDue(5, 10)).toHaveLength(2);
    const queueB = new PostgresDeliveryRepository(b);
    expect(queueB.requeueInterrupted()).toBe(0);
    a.close();
    const deadline = Date.now() + 10_000;
    let requeued = 0;
    while ((requeued = queueB.requeueInterrupted()) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(requeued).toBe(2);
    expect(queueB.claimDue(5, 10).map((d) => d.attempts)).toEqual([2, 2]);
  });

  describe('with two server processes at once', () => {
    const nodes: ClusterNode[] = [];
    beforeAll(async () => {
      nodes.push(...(await Promise.all([ClusterNode.start(), ClusterNode.start()])));
    });
    afterAll(() => {
      for (const node of nodes) node.close();
    });

    /** Holds the barrier while both nodes are sent `task`; lets them go together. */
    async function together<T>(taskOf: (node: number) => Record<string, unknown>): Promise<T[]> {
      const barrier = Math.floor(Math.random() * 2 ** 31);
      const db = connect(schema!.url);
      db.query('SELECT pg_advisory_lock($1)', [barrier]);
      const answers = nodes.map((n, i) => n.ask<T>({ ...taskOf(i), url: schema!.url, barrier }));
      await waiters(db, String(barrier), nodes.length);
      db.query('SELECT pg_advisory_unlock($1)', [barrier]);
      return Promise.all(answers);
    }

    it('the first to start migrates, and the second finds it done', async () => {
      schema = tempPostgresSchema();
      // Both nodes wait for the migration lock, which the test holds, then race for it.
      const db = connect();
      const lock = `hashtext('cosmo schema_migrations ${schema.schema}')`;
      db.exec('BEGIN');
      db.query(`SELECT pg_advisory_xact_lock(${lock})`);
      const answers = nodes.map((n) =>
        n.ask<{ ran: number }>({ task: 'migrate', url: schema!.url }),
      );
      await waiters(db, lock, nodes.length);
      db.exec('COMMIT');
      const ran = (await Promise.all(answers)).map((a) => a.ran);
      expect(ran.sort((x, y) => x - y)).toEqual([0, POSTGRES_MIGRATIONS.length]);
      expect(db.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([
        { n: POSTGRES_MIGRATIONS.length },
      ]);
    });

    it('two nodes claiming the queue at once never claim the same row', async () => {
      schema = tempPostgresSchema();
      const db = connect();
      migratePostgres(db);
      const people = seedNotice(db, 300);
      new PostgresDeliveryRepository(db).enqueue(people.map((p, i) => delivery(p, i)));
      const answers = await together<{ claimed: string[] }>(() => ({
        task: 'claim',
        now: 1e6,
        limit: 3,
      }));
      const [first, second] = answers.map((a) => a.claimed) as [string[], string[]];
      expect(first.length).toBeGreaterThan(0);
      expect(second.length).toBeGreaterThan(0);
      expect(first.filter((p) => second.includes(p))).toEqual([]);
      expect([...first, ...second].sort()).toEqual(people);
    });

    it('two nodes appending to one room at once get distinct, increasing seqs', async () => {
      schema = tempPostgresSchema();
      const db = connect();
      migratePostgres(db);
      const count = 60;
      const [first, second] = (
        await together<{ seqs: number[] }>((i) => ({
          task: 'chat',
          room: 'r',
          count,
          prefix: `node${i}-`,
        }))
      ).map((a) => a.seqs) as [number[], number[]];
      for (const seqs of [first, second]) expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect([...first, ...second].sort((x, y) => x - y)).toEqual(
        Array.from({ length: 2 * count }, (_, i) => i + 1),
      );
      const page = new PostgresChatRepository(db).page('r', 'node0-', 200);
      expect(page.map((m) => m.seq)).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
    });

    it('the same idempotency key sent from two nodes at once is one notice', async () => {
      schema = tempPostgresSchema();
      const db = connect();
      migratePostgres(db);
      const people = seedNotice(db, 3);
      const answers = await together<{ id: string; created: boolean }>((i) => ({
        task: 'notice',
        recipients: people,
        notice: {
          id: `notice-${i}`,
          schoolId: 'tokyo',
          audience: 'school:tokyo',
          senderId: 't',
          senderName: 'T',
          title: 'Storm',
          body: '',
          urgent: true,
          sentAt: 5,
          idempotencyKey: 'tokyo:t:storm',
          emailAfterMs: null,
        },
      }));
      expect(answers.map((a) => a.created).sort()).toEqual([false, true]);
      expect(answers[0]!.id).toBe(answers[1]!.id);
      expect(
        db.query('SELECT recipient_count FROM notices WHERE idempotency_key IS NOT NULL'),
      ).toEqual([{ recipient_count: 3 }]);
    });

    it('receipts recorded by two nodes at once add up exactly', async () => {
      schema = tempPostgresSchema();
      const db = connect();
      migratePostgres(db);
      const people = seedNotice(db, 40);
      db.query(
        "INSERT INTO notice_recipients (notice_id, person_id) SELECT 'n1', p FROM unnest($1::text[]) AS p",
        [people],
      );
      db.query("UPDATE notices SET recipient_count = 40 WHERE id = 'n1'");
      // Both nodes hear every student read it (a phone and a laptop): each read counts once.
      const answers = await together<{ outcomes: string[] }>((i) => ({
        task: 'receipts',
        receipts: people.map((p, j) => ({
          noticeId: 'n1',
          personId: p,
          kind: (i + j) % 2 === 0 ? 'read' : 'delivered',
          at: 100 + j,
        })),
      }));
      const changed = answers.flatMap((a) => a.outcomes).filter((o) => o === 'changed');
      expect(changed.length).toBeGreaterThanOrEqual(40);
      expect(
        db.query(
          "SELECT recipient_count, delivered_count, read_count FROM notices WHERE id = 'n1'",
        ),
      ).toEqual([{ recipient_count: 40, delivered_count: 40, read_count: 40 }]);
      expect(
        db.query(
          "SELECT COUNT(delivered_at) AS delivered, COUNT(read_at) AS read FROM notice_recipients WHERE notice_id = 'n1'",
        ),
      ).toEqual([{ delivered: 40, read: 40 }]);
    });
  });

  it('gives notices stored before the receipt counters their true totals', () => {
    schema = tempPostgresSchema();
    const db = connect();
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    for (const m of POSTGRES_MIGRATIONS.filter((m) => m.version <= 3)) {
      db.exec(m.sql);
      db.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
    }
    db.exec(`
      INSERT INTO schools VALUES ('tokyo', 'Tokyo');
      INSERT INTO people VALUES ('t', 'tokyo', 'T', 'teacher'), ('a', 'tokyo', 'A', 'student'),
        ('b', 'tokyo', 'B', 'student'), ('c', 'tokyo', 'C', 'student');
      INSERT INTO notices (id, school_id, audience, sender_id, sender_name, title, body, urgent, sent_at)
        VALUES ('n1', 'tokyo', 'school:tokyo', 't', 'T', 'Drill', '', true, 1);
      INSERT INTO notice_recipients (notice_id, person_id, delivered_at, read_at)
        VALUES ('n1', 'a', 5, 6), ('n1', 'b', 5, NULL), ('n1', 'c', NULL, NULL);
    `);
    expect(migratePostgres(db)).toBe(POSTGRES_MIGRATIONS.length - 3);
    const notices = new PostgresNoticeRepository(db);
    expect(notices.receipts('n1')).toEqual({ recipients: 3, delivered: 2, read: 1 });
    expect(
      notices.recordReceipts([
        { noticeId: 'n1', personId: 'c', kind: 'read', at: 9 },
        { noticeId: 'n1', personId: 'b', kind: 'delivered', at: 9 },
        { noticeId: 'n1', personId: 'x', kind: 'read', at: 9 },
        { noticeId: 'n1', personId: 'b', kind: 'read', at: 10 },
        { noticeId: 'n1', personId: 'b', kind: 'read', at: 11 },
      ]),
    ).toEqual(['changed', 'unchanged', 'unknown', 'changed', 'unchanged']);
    expect(notices.receipts('n1')).toEqual({ recipients: 3, delivered: 3, read: 3 });
    expect(notices.progress('n1', 'b')).toEqual({ delivered: true, read: true });
    expect(
      notices.recipientStatuses('n1').map((r) => [r.personId, r.deliveredAt, r.readAt]),
    ).toEqual([
      ['a', 5, 6],
      ['b', 5, 10],
      ['c', 9, 9],
    ]);
  });
});
