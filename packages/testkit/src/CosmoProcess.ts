import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken, serve, type TokenRequest } from './cli.js';

/** What GET /healthz answers. */
export interface Health {
  status: string;
  /** Open classrooms. */
  rooms: number;
  /** Participants across every classroom. */
  participants: number;
  workers: number;
}

/** `cosmo serve` in a child process, seen from outside: its URLs, tokens for it and its health. */
export interface CosmoProcess {
  child: ChildProcess;
  /** The WebSocket URL, e.g. `ws://127.0.0.1:40123/ws`. */
  url: string;
  /** The HTTP base URL, e.g. `http://127.0.0.1:40123`. */
  httpUrl: string;
  /** What the server has printed so far. */
  logs(): string;
  /** Mints a join token for this server with `cosmo token`. */
  token(
    room: string,
    identity: string,
    role: TokenRequest['role'],
    grants?: TokenRequest['grants'],
  ): Promise<string>;
  /** GET /healthz. */
  health(): Promise<Health>;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its data dir. */
  close(): Promise<void>;
}

/**
 * Starts `cosmo serve` on a free loopback port with one worker, a random secret, a temporary data
 * dir, no resume grace and silent logs, unless `config` (the JSON file it reads) says otherwise.
 */
export async function startCosmoProcess(
  config: Record<string, unknown> = {},
): Promise<CosmoProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-process-'));
  const configFile = join(dataDir, 'cosmo.json');
  writeFileSync(configFile, JSON.stringify({ resumeGraceMs: 0, logLevel: 'silent', ...config }));
  const secret = `cosmo-process-${randomUUID()}`;
  const remove = () => rmSync(dataDir, { recursive: true, force: true });
  const started = await serve({ COSMO_API_SECRET: secret, COSMO_DATA_DIR: dataDir }, [
    '--config',
    configFile,
  ]).catch((err: unknown) => {
    remove();
    throw err;
  });
  const { child, port, logs } = started;
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    child,
    url: `ws://127.0.0.1:${port}/ws`,
    httpUrl,
    logs,
    token: (room, identity, role, grants) =>
      mintToken(secret, { room, identity, role, ...(grants ? { grants } : {}) }),
    health: async () => (await fetch(`${httpUrl}/healthz`)).json() as Promise<Health>,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // A server stuck in its shutdown must not outlive the test.
        const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(stuck);
      }
      remove();
    },
  };
}
