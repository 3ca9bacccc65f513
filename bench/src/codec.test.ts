import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/codec.mjs';
// @ts-expect-error: the bench is plain JavaScript
import { writeResult } from './results.mjs';

describe('the codec bench scenario (smoke)', () => {
  it('measures every message both ways and writes its JSON and chart', async () => {
    const result = await run({ maxTime: 0.02, classSize: 20, log: () => undefined });
    expect(result.table).toHaveLength(3);
    for (const row of result.table) {
      expect(row.protobufBytes).toBeGreaterThan(0);
      expect(row.jsonBytes).toBeGreaterThan(row.protobufBytes);
      expect(row.decodeOpsPerSec.protobuf).toBeGreaterThan(0);
      expect(row.decodeOpsPerSec.json).toBeGreaterThan(0);
    }
    const dir = mkdtempSync(join(tmpdir(), 'cosmo-bench-'));
    const paths = writeResult('codec', result, dir);
    expect(JSON.parse(readFileSync(paths.json, 'utf8')).table).toHaveLength(3);
    expect(readFileSync(paths.svg, 'utf8')).toContain('<svg');
  });
});
