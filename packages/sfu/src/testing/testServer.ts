// Test helper: a real Cosmo server on a free loopback port, with a known secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Role } from '@cosmo/core';
import { CosmoServer } from '../CosmoServer.js';
import { loadConfig, type ConfigInput } from '../config.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** A running server plus helpers to mint tokens and find its URL. */
export interface TestServer {
  server: CosmoServer;
  url: string;
  token(
    room: string,
    identity: string,
    role: Role,
    grants?: { speak?: boolean; video?: boolean },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Starts a server on an ephemeral port with a temporary data dir. */
export async function startTestServer(overrides: ConfigInput = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-test-'));
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      apiSecret: TEST_SECRET,
      dataDir,
      workers: 1,
      resumeGraceMs: 0,
      logLevel: 'silent',
      ...overrides,
    },
  });
  const server = await CosmoServer.start({ config, logger: pino({ level: config.logLevel }) });
  return {
    server,
    url: `ws://127.0.0.1:${server.port}/ws`,
    token: (room, identity, role, grants) =>
      server.tokens.mint({ room, identity, name: identity, role, ...(grants ? { grants } : {}) }),
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
