import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(process.platform === 'linux')('helper processes tied to the server', () => {
  it('die within 2 s when the process that spawned them is killed with SIGKILL', async () => {
    // A parent that spawns a long sleep through spawnTied (the build, which scripts/setup.sh makes
    // before the tests: node 20 cannot import TypeScript), prints its pid, and waits.
    const module = fileURLToPath(new URL('../../dist/process/spawnTied.js', import.meta.url));
    const parent = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { spawnTied } = await import(${JSON.stringify(module)});
         const child = spawnTied('sleep', ['60'], { stdio: 'ignore' });
         console.log(child.pid);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
    );
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 2000;
    while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(childPid)).toBe(false);
  });
});
