import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// scripts/setup.sh records where it cached the mediasoup worker it built.
const workerRecord = fileURLToPath(new URL('./.cosmo/mediasoup-worker-bin', import.meta.url));
const workerBin =
  process.env['MEDIASOUP_WORKER_BIN'] ??
  (existsSync(workerRecord) ? readFileSync(workerRecord, 'utf8').trim() : undefined);

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling packages, not their build output.
    alias: [
      { find: '@cosmo/client/node', replacement: src('client/src/node/index.ts') },
      {
        find: '@cosmo/client/element',
        replacement: src('client/src/classroom/cosmo-classroom.ts'),
      },
      { find: '@cosmo/school/testing', replacement: src('school/src/testing.ts') },
      {
        find: /^@cosmo\/(core|sfu|client|translate|school|testkit)$/,
        replacement: src('$1/src/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    env: workerBin ? { MEDIASOUP_WORKER_BIN: workerBin } : {},
  },
});
