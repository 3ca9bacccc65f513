// A student's network for tests: a network namespace joined to this host by a veth pair, with an
// nftables firewall on the student's side, and a Chromium that runs inside it.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from '@cosmo/testkit';

/** A namespace for one student, with its addresses and its firewall. */
export interface StudentNetwork {
  /** This host's end of the link: where the server, the TURN server and the page listen. */
  hostIp: string;
  studentIp: string;
  /** A Chromium executable that runs inside the namespace (for playwright's `executablePath`). */
  chromium: string;
  /**
   * Replaces the firewall on what the student sends: `allow` lists what may leave (nftables rule
   * bodies, e.g. `tcp dport { 8080, 443 }`); everything else is dropped. No argument: all open.
   */
  firewall(allow?: string[]): void;
  close(): void;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });

/** Why namespaces cannot be made here, or undefined when they can. */
export function namespacesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, nftables)';
  for (const tool of ['ip', 'nft']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing`;
  }
  const probe = `cosmo-probe-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) return `ip netns add fails: ${made.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

/** Creates the namespace, the link (a /30 of 10.88.x.y) and an open firewall. */
export function createStudentNetwork(): StudentNetwork {
  const id = process.pid % 60_000;
  const name = `cosmo-student-${process.pid}`;
  const hostIf = `cz${id}h`;
  const studentIf = `cz${id}s`;
  const base = (id % 16_000) * 4;
  const prefix = `10.88.${Math.floor(base / 256)}.`;
  const hostIp = `${prefix}${(base % 256) + 1}`;
  const studentIp = `${prefix}${(base % 256) + 2}`;
  const inside = (...args: string[]) => run('ip', ['netns', 'exec', name, ...args]);
  spawnSync('ip', ['netns', 'del', name]);
  spawnSync('ip', ['link', 'del', hostIf]);
  run('ip', ['netns', 'add', name]);
  run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', studentIf]);
  run('ip', ['link', 'set', studentIf, 'netns', name]);
  run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
  run('ip', ['link', 'set', hostIf, 'up']);
  inside('ip', 'addr', 'add', `${studentIp}/30`, 'dev', studentIf);
  inside('ip', 'link', 'set', studentIf, 'up');
  inside('ip', 'link', 'set', 'lo', 'up');
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-netns-'));
  const chromium = join(dir, 'chromium');
  writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM} "$@"\n`);
  chmodSync(chromium, 0o755);
  const firewall = (allow?: string[]) => {
    const rules = allow
      ? [
          // Loopback and answers to what was allowed out stay open.
          'oif "lo" accept',
          'ct state established,related accept',
          ...allow.map((r) => `${r} accept`),
          'counter drop',
        ]
      : [];
    const script = [
      'table inet cosmo_fw',
      'delete table inet cosmo_fw',
      'table inet cosmo_fw {',
      '  chain out {',
      '    type filter hook output priority 0; policy accept;',
      ...rules.map((r) => `    ${r}`),
      '  }',
      '}',
    ].join('\n');
    execFileSync('ip', ['netns', 'exec', name, 'nft', '-f', '-'], { input: script });
  };
  firewall();
  return {
    hostIp,
    studentIp,
    chromium,
    firewall,
    close() {
      spawnSync('ip', ['netns', 'del', name]);
      spawnSync('ip', ['link', 'del', hostIf]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
