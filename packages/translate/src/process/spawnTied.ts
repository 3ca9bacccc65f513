import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/** util-linux's setpriv (Debian: always installed): sets the parent-death signal, then execs. */
const SETPRIV = '/usr/bin/setpriv';
const canTie = process.platform === 'linux' && existsSync(SETPRIV);

/**
 * Spawns a helper process (ffmpeg, a recogniser, a translator) tied to this one: on Linux it gets
 * SIGKILL the moment this process dies, even by SIGKILL, when no cleanup of ours can run
 * (`prctl(PR_SET_PDEATHSIG)` through setpriv, which then execs the command, so the pid and the
 * pipes are the command's own). Elsewhere it is a plain spawn.
 */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  return canTie
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], options)
    : spawn(command, args, options);
}
