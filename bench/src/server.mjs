// What several scenarios share: `cosmo serve` in its own process (so the load generator does not
// share its CPU or memory), the server's resident memory, percentiles.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

/** The checkout the bench runs in. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const CLI = join(REPO, 'packages', 'sfu', 'dist', 'cli.js');

/** The API secret every bench server runs with (tokens are minted in the bench process). */
export const BENCH_SECRET = 'cosmo-bench-secret-cosmo-bench-secret-cosmo-bench';

/** The p-th percentile (nearest rank) of `values`. */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Resident memory of a process, in bytes (Linux). */
export const rss = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** CPU time a process has used so far (user + system), in seconds (Linux). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * What every bench server runs with unless its scenario says otherwise: thousands of students
 * connect from 127.0.0.1, which the per-address limits would otherwise (rightly) refuse.
 */
export const BENCH_CONFIG = {
  addressLimits: { sockets: 0, httpPerSecond: 100_000, httpBurst: 100_000 },
};

/**
 * Starts `cosmo serve` on a free port with one media worker; `config` (over BENCH_CONFIG) is
 * written to the JSON file the server reads.
 * BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles it.
 * @param {{ transport?: 'uws' | 'ws', config?: Record<string, unknown> }} [options]
 */
export async function serve({ transport = 'uws', config = {}, inspect = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-bench-'));
  const configFile = join(dataDir, 'cosmo.json');
  const addressLimits = { ...BENCH_CONFIG.addressLimits, ...(config.addressLimits ?? {}) };
  writeFileSync(configFile, JSON.stringify({ ...BENCH_CONFIG, ...config, addressLimits }));
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (inspect) nodeArgs.push('--inspect=127.0.0.1:0');
  const args = [...nodeArgs, CLI, 'serve', '--port', '0', '--transport', transport];
  const child = spawn(process.execPath, [...args, '--config', configFile], {
    env: {
      ...process.env,
      COSMO_API_SECRET: BENCH_SECRET,
      COSMO_DATA_DIR: dataDir,
      COSMO_WORKERS: '1',
      COSMO_MEDIA_PORT: '0',
      COSMO_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let inspector;
  const port = await new Promise((resolve, reject) => {
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      err += chunk;
      inspector ??= /Debugger listening on (ws:\/\/\S+)/.exec(err)?.[1];
      const m = /serving on http:\/\/[^:]+:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`cosmo serve exited with ${code}: ${err}`)));
  });
  return {
    pid: child.pid,
    http: `http://127.0.0.1:${port}`,
    url: `ws://127.0.0.1:${port}/ws`,
    /** A full garbage collection in the server (needs `inspect`), through the V8 inspector. */
    collectGarbage: async () => {
      if (!inspector) throw new Error('serve({ inspect: true }) is needed to collect garbage');
      const ws = new WebSocket(inspector);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      await new Promise((resolve) => {
        ws.on('message', (data) => JSON.parse(String(data)).id === 1 && resolve());
        ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
      });
      ws.close();
    },
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
