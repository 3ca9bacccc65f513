// Test helper: `cosmo serve` as a real child process, from the built CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (scripts/setup.sh runs pnpm build before the tests). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Starts `cosmo serve --port 0` with `env`; resolves once it listens, with its port and output. */
export async function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; logs: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, COSMO_WORKERS: '1', COSMO_HOST: '127.0.0.1', ...env },
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
      const m = /serving on http:\/\/[^:]+:(\d+)/.exec(stderr);
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
