// Janus 1.1 (Debian's `janus`) as the fan-out baseline: the streaming plugin with one RTP
// mountpoint fed the same RTP as Cosmo, the HTTP transport, in a network namespace the bench
// makes. Janus skips loopback interfaces when it gathers ICE candidates, so the namespace gets a
// veth pair carrying 127.0.0.1/32 and Janus is told to use only that address; its viewers and its
// feeder run in the same namespace, so nothing leaves the machine.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIO, VIDEO } from './teacher.mjs';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';
export const JANUS_AUDIO_PORT = 5002;
export const JANUS_VIDEO_PORT = 5004;
export const JANUS_MOUNTPOINT = 1;

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Deletes namespaces left by bench runs that were killed (their process is gone). */
function removeStaleNamespaces() {
  let listed = '';
  try {
    listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const [, name, pid] of listed.matchAll(/^(cosmo-bench-(\d+))\b/gm)) {
    if (existsSync(`/proc/${pid}`)) continue;
    try {
      ip('netns', 'del', name);
    } catch {
      // someone else removed it
    }
  }
}

/** Makes the namespace; returns the prefix that runs a command inside it. */
function makeNamespace(name) {
  removeStaleNamespaces();
  try {
    ip('netns', 'add', name);
  } catch (err) {
    throw new Error(
      `cannot create the network namespace Janus runs in (${String(err.stderr ?? err.message).trim()}); ` +
        'the fan-out baseline needs root and iproute2',
    );
  }
  const inside = (...args) => ip('-n', name, ...args);
  inside('link', 'set', 'lo', 'up');
  inside('link', 'add', 'cb0', 'type', 'veth', 'peer', 'name', 'cb1');
  inside('addr', 'add', '127.0.0.1/32', 'dev', 'cb0');
  inside('link', 'set', 'cb0', 'up');
  inside('link', 'set', 'cb1', 'up');
  return ['ip', 'netns', 'exec', name];
}

function writeConfig(dir) {
  const folder = (name, libs) => {
    const path = join(dir, name);
    mkdirSync(path);
    for (const lib of libs) symlinkSync(join(LIB, name, lib), join(path, lib));
    return path;
  };
  const plugins = folder('plugins', ['libjanus_streaming.so']);
  const transports = folder('transports', ['libjanus_http.so']);
  const empty = join(dir, 'none');
  mkdirSync(empty);
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${plugins}"
  transports_folder = "${transports}"
  events_folder = "${empty}"
  loggers_folder = "${empty}"
  debug_level = 4
}
media: {
  rtp_port_range = "30000-39999"
}
nat: {
  ice_enforce_list = "127.0.0.1"
}
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = 8088
  ip = "127.0.0.1"
}
admin: {
  admin_http = false
}
`,
  );
  writeFileSync(
    join(dir, 'janus.plugin.streaming.jcfg'),
    `general: {
}
teacher: {
  type = "rtp"
  id = ${JANUS_MOUNTPOINT}
  description = "Cosmo bench teacher"
  media = (
    { type = "audio", mid = "a", label = "teacher audio", port = ${JANUS_AUDIO_PORT}, pt = ${AUDIO.payloadType}, codec = "opus" },
    { type = "video", mid = "v", label = "teacher video", port = ${JANUS_VIDEO_PORT}, pt = ${VIDEO.payloadType}, codec = "vp8" }
  )
}
`,
  );
}

/**
 * Starts Janus in a new namespace; resolves once its HTTP API answers.
 * @returns {Promise<{ pid: number, url: string, netns: string[], stop(): Promise<void> }>}
 */
export async function startJanus() {
  if (!existsSync(join(LIB, 'plugins', 'libjanus_streaming.so')))
    throw new Error(
      'Janus is not installed: run `bash scripts/setup.sh` (Debian: apt-get install janus)',
    );
  const name = `cosmo-bench-${process.pid}`;
  const netns = makeNamespace(name);
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-bench-janus-'));
  writeConfig(dir);
  const child = spawn(
    netns[0],
    [...netns.slice(1), 'janus', '-C', join(dir, 'janus.jcfg'), '-F', dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (log = (log + c).slice(-4000)));
  child.stderr.setEncoding('utf8').on('data', (c) => (log = (log + c).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    try {
      ip('netns', 'del', name);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = 'http://127.0.0.1:8088/janus';
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`janus exited with ${child.exitCode}: ${log}`);
    }
    if (/HTTP webserver started/.test(log) && /Streaming plugin initialized/i.test(log)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`janus did not start within 15 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid, url, netns, stop };
}
