// The built `cosmo` command, run as a child process: found by path, so that the test kit does not
// depend on @cosmo/sfu (whose tests depend on the kit).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Role } from '@cosmo/core';

/** The built CLI of @cosmo/sfu (scripts/setup.sh runs pnpm build before the tests). */
export const COSMO_CLI = fileURLToPath(new URL('../../sfu/dist/cli.js', import.meta.url));

/** `cosmo serve` running as a child process. */
export interface ServeProcess {
  child: ChildProcess;
  /** The port it listens on. */
  port: number;
  /** What it has printed so far, stdout then stderr. */
  logs(): string;
}

/**
 * Starts `cosmo serve --port 0` (one worker, on 127.0.0.1) with `env` and extra `args`; resolves
 * once it listens.
 */
export async function serve(
  env: Record<string, string>,
  args: string[] = [],
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [COSMO_CLI, 'serve', '--port', '0', ...args], {
    env: {
      ...process.env,
      COSMO_WORKERS: '1',
      COSMO_HOST: '127.0.0.1',
      // Servers run side by side in tests: each worker's media port is a free one.
      COSMO_MEDIA_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`cosmo serve did not start:\n${stderr}`)),
      20_000,
    );
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /serving on https?:\/\/[^:]+:(\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cosmo serve exited with ${code}:\n${stderr}`));
    });
  });
  return { child, port, logs: () => stdout + stderr };
}

/** What `cosmo token` puts in a join token. */
export interface TokenRequest {
  room: string;
  identity: string;
  role: Role;
  /** Shown to the others; the identity when absent. */
  name?: string;
  /** Permissions beyond the role's. */
  grants?: ('speak' | 'video' | 'screen')[];
}

const run = promisify(execFile);

/** Mints a join token with `cosmo token`, signed with `secret` (the server's COSMO_API_SECRET). */
export async function mintToken(secret: string, request: TokenRequest): Promise<string> {
  const args = [COSMO_CLI, 'token', '--room', request.room, '--identity', request.identity];
  args.push('--role', request.role);
  if (request.name !== undefined) args.push('--name', request.name);
  if (request.grants?.length) args.push('--grant', request.grants.join(','));
  const { stdout } = await run(process.execPath, args, {
    env: { ...process.env, COSMO_API_SECRET: secret },
  });
  return stdout.trim();
}
