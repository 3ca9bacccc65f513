import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TokenService } from './tokens.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);
const secret = 'cli-test-secret-cli-test-secret-cli-test-secret';

describe('the cosmo command', () => {
  it('is built (scripts/setup.sh runs pnpm build)', () => {
    expect(existsSync(cli), `${cli} is missing: run pnpm build`).toBe(true);
  });

  it('cosmo token prints a token the server accepts', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        'token',
        '--room',
        'chem',
        '--identity',
        'yuki',
        '--name',
        'Yuki',
        '--role',
        'student',
        '--grant',
        'speak',
        '--ttl',
        '30m',
      ],
      {
        env: { ...process.env, COSMO_API_SECRET: secret },
      },
    );
    const claims = await new TokenService(secret).verify(stdout.trim(), 'chem');
    expect(claims).toEqual({
      identity: 'yuki',
      name: 'Yuki',
      room: 'chem',
      role: 'student',
      grants: { speak: true },
    });
  });

  it('cosmo token explains a bad role', async () => {
    const failure = await run(
      process.execPath,
      [cli, 'token', '--room', 'chem', '--identity', 'x', '--role', 'principal'],
      {
        env: { ...process.env, COSMO_API_SECRET: secret },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      "--role must be teacher, assistant, student or observer, not 'principal'",
    );
  });

  it('cosmo serve starts, answers /healthz and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-cli-'));
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
      env: {
        ...process.env,
        COSMO_DATA_DIR: dataDir,
        COSMO_WORKERS: '1',
        COSMO_LOG_LEVEL: 'warn',
        COSMO_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let logs = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 15 s:\n${stderr}`)), 15_000);
      child.stderr.on('data', () => {
        const m = /serving on http:\/\/[^:]+:(\d+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    // No secret configured: the server says so loudly, in its log.
    await new Promise((r) => setTimeout(r, 100));
    expect(logs).toContain('DEV MODE');
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', workers: 1 });
    const exit = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
