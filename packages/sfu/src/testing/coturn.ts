// Debian's coturn for tests: TURN over UDP and TCP on 3478 and over TLS on 443, with the shared
// secret the server mints credentials from, and a self-signed certificate made with openssl.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@cosmo/testkit';
import { selfSignedCertificate } from './certificate.js';

/** A running coturn. */
export interface Coturn {
  secret: string;
  /** UDP and TCP on 3478, TLS on 443. */
  urls: { udp: string; tcp: string; tls: string };
  /**
   * The base64 SHA-256 of the certificate's public key, for Chromium's
   * `--ignore-certificate-errors-spki-list`: the test trusts exactly this certificate.
   */
  spki: string;
  /** What coturn logged. */
  log(): string;
  close(): Promise<void>;
}

/** Why coturn cannot run here, or undefined. */
export function coturnUnavailable(): string | undefined {
  for (const tool of ['turnserver', 'openssl']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} is missing (apt install coturn openssl)`;
    }
  }
  return undefined;
}

const listening = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

/** Starts coturn on `ip` (both listening and relaying there). */
export async function startCoturn(ip: string): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-coturn-'));
  const { cert, key } = selfSignedCertificate(dir, 'turn', ip);
  const publicKey = execFileSync('openssl', ['x509', '-in', cert, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: publicKey });
  const spki = createHash('sha256').update(der).digest('base64');
  const secret = randomBytes(24).toString('hex');
  const conf = join(dir, 'turnserver.conf');
  writeFileSync(
    conf,
    [
      `listening-ip=${ip}`,
      `relay-ip=${ip}`,
      'listening-port=3478',
      'tls-listening-port=443',
      `cert=${cert}`,
      `pkey=${key}`,
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'realm=cosmo.test',
      'fingerprint',
      'no-cli',
      'no-dtls',
      // The media server is on a private address: coturn relays to it only when allowed.
      `allowed-peer-ip=${ip}`,
      'min-port=49152',
      'max-port=49999',
      `userdb=${join(dir, 'turndb')}`,
      `pidfile=${join(dir, 'turnserver.pid')}`,
      'simple-log',
      `log-file=${join(dir, 'turn.log')}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('turnserver', ['-c', conf], { stdio: 'ignore' });
  const log = () => {
    try {
      return readFileSync(join(dir, 'turn.log'), 'utf8');
    } catch {
      return '';
    }
  };
  await waitFor('coturn to listen', async () => (await listening(ip, 3478)) && listening(ip, 443));
  return {
    secret,
    urls: {
      udp: `turn:${ip}:3478?transport=udp`,
      tcp: `turn:${ip}:3478?transport=tcp`,
      tls: `turns:${ip}:443?transport=tcp`,
    },
    spki,
    log,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
