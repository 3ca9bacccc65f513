/**
 * @cosmo/school/testing: test helpers: a school on a real SQLite file in a temporary folder, with
 * a settable clock, and a sample roster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { School, type SchoolOptions } from './School.js';

/** A school on a fresh SQLite file; `clock.now` is the time it sees. */
export function tempSchool(options: Partial<SchoolOptions> = {}): {
  school: School;
  dir: string;
  clock: { now: number };
  reopen(): School;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-school-'));
  const clock = { now: Date.parse('2026-04-08T00:00:00Z') };
  const open = () => School.open(dir, { ...options, now: () => clock.now });
  let school = open();
  return {
    get school() {
      return school;
    },
    dir,
    clock,
    reopen: () => {
      school.close();
      school = open();
      return school;
    },
    cleanup: () => {
      school.close();
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
