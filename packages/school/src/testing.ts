/**
 * @cosmo/school/testing: test helpers: a school on a real SQLite file in a temporary folder, or in
 * a fresh schema of the test PostgreSQL database, with a settable clock, and a sample roster.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresDatabase } from './postgres/PostgresDatabase.js';
import { School, type SchoolOptions } from './School.js';

/** Where a school's records are kept. */
export type SchoolStore = 'sqlite' | 'postgres';

/** Both stores, for `describe.each(SCHOOL_STORES)`. */
export const SCHOOL_STORES: readonly SchoolStore[] = ['sqlite', 'postgres'];

/** The test database: `COSMO_TEST_POSTGRES_URL`, or the local server that scripts/services.sh starts. */
export function testPostgresUrl(): string {
  return process.env['COSMO_TEST_POSTGRES_URL'] || 'postgresql://postgres@127.0.0.1:5432/test';
}

/**
 * A fresh schema `cosmo_t_<random>` in the test database: `url` connects with it as the search
 * path, so tests running in parallel never see each other's tables. `drop()` removes it. Fails
 * (never skips) when PostgreSQL is not reachable, saying how to start it.
 */
export function tempPostgresSchema(): { schema: string; url: string; drop(): void } {
  const base = testPostgresUrl();
  const schema = `cosmo_t_${randomBytes(6).toString('hex')}`;
  const admin = connectForTests(base);
  try {
    admin.exec(`CREATE SCHEMA ${schema}`);
  } finally {
    admin.close();
  }
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return {
    schema,
    url: `${base}${base.includes('?') ? '&' : '?'}options=${options}`,
    drop: () => {
      const db = connectForTests(base);
      try {
        db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        db.close();
      }
    },
  };
}

function connectForTests(url: string): PostgresDatabase {
  try {
    return new PostgresDatabase(url);
  } catch (err) {
    throw new Error(
      `the PostgreSQL tests need a server (${err instanceof Error ? err.message : String(err)}). ` +
        'Start it with `bash scripts/services.sh` (PostgreSQL on 127.0.0.1:5432 with a database ' +
        '`test` for user postgres), or point COSMO_TEST_POSTGRES_URL at another one.',
      { cause: err },
    );
  }
}

/**
 * A school on a fresh SQLite file (the default) or PostgreSQL schema; `clock.now` is the time it
 * sees. `reopen()` closes it and opens the same records again (a restart); `otherNode()` opens a
 * second school on the same PostgreSQL schema (another server of a cluster; with SQLite, which
 * one server owns, it is `reopen()`); `cleanup()` closes them all and removes the records.
 */
export function tempSchool(options: Partial<SchoolOptions> & { store?: SchoolStore } = {}): {
  school: School;
  dir: string;
  /** The PostgreSQL schema's URL (undefined with SQLite). */
  postgresUrl: string | undefined;
  clock: { now: number };
  reopen(): School;
  otherNode(): School;
  cleanup(): void;
} {
  const { store = 'sqlite', ...schoolOptions } = options;
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-school-'));
  const clock = { now: Date.parse('2026-04-08T00:00:00Z') };
  const pg = store === 'postgres' ? tempPostgresSchema() : undefined;
  const open = () => {
    const opts = { ...schoolOptions, now: () => clock.now };
    return pg ? School.openPostgres(pg.url, opts) : School.open(dir, opts);
  };
  let school: School;
  try {
    school = open();
  } catch (err) {
    pg?.drop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const others: School[] = [];
  const reopen = () => {
    school.close();
    school = open();
    return school;
  };
  return {
    get school() {
      return school;
    },
    dir,
    postgresUrl: pg?.url,
    clock,
    reopen,
    otherNode: () => {
      if (!pg) return reopen();
      const other = open();
      others.push(other);
      return other;
    },
    cleanup: () => {
      for (const other of others) other.close();
      school.close();
      pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A roster CSV: Tokyo school with class 2B (teacher Tanaka, students), class 3A (teacher Ito). */
export function rosterCsv(students = 3): string {
  const lines = [
    'school_id,school_name,class_id,class_name,person_id,person_name,role',
    'tokyo,Tokyo International,2B,Physics 2B,tanaka,Tanaka Yui,teacher',
    'tokyo,Tokyo International,3A,History 3A,ito,Ito Ken,teacher',
    'tokyo,Tokyo International,2B,Physics 2B,principal,Mori Aya,admin',
    'osaka,Osaka Academy,9Z,Art 9Z,kato,Kato Jun,teacher',
  ];
  for (let i = 1; i <= students; i++)
    lines.push(`tokyo,Tokyo International,2B,Physics 2B,s${i},Student ${i},student`);
  return lines.join('\n') + '\n';
}
