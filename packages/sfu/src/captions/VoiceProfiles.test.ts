import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { VoiceProfiles } from './VoiceProfiles.js';

const logger = pino({ level: 'silent' });

describe('voice profiles', () => {
  const dirs: string[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosmo-voices-'));
    dirs.push(dir);
    return join(dir, 'voices.json');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps each teacher's calibration apart, and her next lecture starts from her own", () => {
    const path = file();
    const first = new VoiceProfiles(path, logger);
    expect(first.calibration('ms-tanaka').initial).toBeUndefined();
    first.calibration('ms-tanaka').update('41.1,-5.2,0.1');
    first.calibration('mr-li').update('38.0,-4.0,1.5');
    first.close();
    // A restart reads what the last run learnt.
    const next = new VoiceProfiles(path, logger);
    expect(next.calibration('ms-tanaka').initial).toBe('41.1,-5.2,0.1');
    expect(next.calibration('mr-li').initial).toBe('38.0,-4.0,1.5');
    expect(next.calibration('someone-else').initial).toBeUndefined();
    next.close();
  });

  it('a corrupt file is reported and every voice starts from the default, then it is rewritten whole', () => {
    const path = file();
    writeFileSync(path, '{"ms-tanaka": "41.1,');
    const warnings: string[] = [];
    const profiles = new VoiceProfiles(path, {
      ...logger,
      warn: (_: unknown, message: string) => warnings.push(message),
    } as unknown as typeof logger);
    expect(warnings).toHaveLength(1);
    expect(profiles.calibration('ms-tanaka').initial).toBeUndefined();
    profiles.calibration('ms-tanaka').update('40,1,2');
    profiles.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'ms-tanaka': '40,1,2' });
  });
});
