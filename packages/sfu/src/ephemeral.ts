import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Role } from '@cosmo/core';
import { CosmoServer } from './CosmoServer.js';
import { loadConfig, type ConfigInput } from './config.js';
import type { JoinClaims } from './tokens.js';

/** A server for tests, the bench and demos, with helpers to mint tokens and find its URL. */
export interface EphemeralServer {
  server: CosmoServer;
  /** The WebSocket URL, e.g. `ws://127.0.0.1:40123/ws`. */
  url: string;
  /** The HTTP base URL, e.g. `http://127.0.0.1:40123`. */
  httpUrl: string;
  /** Mints a join token for this server. */
  token(room: string, identity: string, role: Role, grants?: JoinClaims['grants']): Promise<string>;
  /** Stops the server and deletes its data dir. */
  close(): Promise<void>;
}

/**
 * Starts a server on a free loopback port, with a random secret, a temporary data dir, one worker,
 * no resume grace and silent logs, unless `overrides` say otherwise. Ignores COSMO_* variables.
 */
export async function startEphemeralServer(overrides: ConfigInput = {}): Promise<EphemeralServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-'));
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      apiSecret: `ephemeral-${crypto.randomUUID()}`,
      dataDir,
      workers: 1,
      resumeGraceMs: 0,
      // Tests run servers side by side: each worker's media port is a free one.
      mediaPort: 0,
      logLevel: 'silent',
      ...overrides,
    },
  });
  const server = await CosmoServer.start({ config, logger: pino({ level: config.logLevel }) });
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const secure = config.tls !== undefined;
  const httpUrl = `${secure ? 'https' : 'http'}://${host}:${server.port}`;
  return {
    server,
    url: `${secure ? 'wss' : 'ws'}://${host}:${server.port}/ws`,
    httpUrl,
    token: (room, identity, role, grants) =>
      server.tokens.mint({ room, identity, name: identity, role, ...(grants ? { grants } : {}) }),
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
