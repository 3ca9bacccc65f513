import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { COSMO_CLI } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { selfSignedCertificate } from './testing/certificate.js';
import { coturnUnavailable, startCoturn, type Coturn } from './testing/coturn.js';
import { joinPeer } from './testing/peers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cosmo-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const certificate = (name: string) => selfSignedCertificate(dir, name, '127.0.0.1');

describe('TLS for signalling', () => {
  const tls = certificate('server');
  const ca = readFileSync(tls.cert);

  for (const transport of ['uws', 'ws'] as const) {
    it(`cosmo serves HTTPS and WSS itself (${transport})`, async () => {
      const t = await startEphemeralServer({ transport, tls });
      try {
        expect(t.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
        const health = await new Promise<number>((resolve, reject) => {
          request(`${t.httpUrl}/healthz`, { ca }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on('error', reject)
            .end();
        });
        expect(health).toBe(200);
        // A WebSocket over TLS that the server answers with its protocol (a join with no token
        // is refused in the protocol, which proves the socket is the server's).
        const ws = new WebSocket(t.url, ['cosmo.v1'], { ca });
        const opened = await new Promise<boolean>((resolve) => {
          ws.once('open', () => resolve(true));
          ws.once('error', () => resolve(false));
          ws.once('unexpected-response', () => resolve(false));
        });
        ws.close();
        expect(opened).toBe(true);
      } finally {
        await t.close();
      }
    });
  }

  it('refuses to start with a certificate file it cannot read, or a key of another certificate', async () => {
    await expect(
      startEphemeralServer({ tls: { cert: join(dir, 'nope.crt'), key: tls.key } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`tls.cert: cannot read ${join(dir, 'nope.crt')} (ENOENT)`),
    });
    const other = certificate('other');
    await expect(
      startEphemeralServer({ tls: { cert: tls.cert, key: other.key } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('do not make a certificate and its key'),
    });
  });
});

describe('TURN credentials the server mints', () => {
  const secret = 'turn-shared-secret-for-tests';
  let t: EphemeralServer;
  beforeAll(async () => {
    t = await startEphemeralServer({
      turn: { secret, urls: ['turn:turn.example.org:3478?transport=udp'], ttlSeconds: 600 },
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
    });
  });
  afterAll(() => t.close());

  it('each join gets its own time-limited username and the HMAC of it as password', async () => {
    const peer = await joinPeer(t, 'turn', 'wei', 'student', { autoSubscribe: 'none' });
    try {
      const [stun, turn] = peer.client.iceServers;
      expect(stun).toMatchObject({ urls: ['stun:stun.example.org:3478'] });
      expect(turn!.urls).toEqual(['turn:turn.example.org:3478?transport=udp']);
      const [expiry, who] = String(turn!.username).split(':');
      expect(who).toBe('wei');
      expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
      expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
      expect(turn!.credential).toBe(
        createHmac('sha1', secret).update(String(turn!.username)).digest('base64'),
      );
    } finally {
      await peer.close();
    }
  });
});

describe.runIf(!coturnUnavailable())('cosmo doctor against a real coturn', () => {
  let coturn: Coturn;
  beforeAll(async () => {
    coturn = await startCoturn('127.0.0.1');
  });
  afterAll(() => coturn?.close());

  /** What `cosmo doctor` prints, and its exit code (non-zero when a deployment check fails). */
  const doctor = async (secret: string) => {
    const config = join(dir, `doctor-${secret.length}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: join(dir, 'data'),
        host: '127.0.0.1',
        mediaPort: 0,
        turn: { secret, urls: [coturn.urls.udp, coturn.urls.tcp] },
      }),
    );
    return run(process.execPath, [COSMO_CLI, 'doctor', '--config', config]).then(
      ({ stdout }) => ({ out: stdout, code: 0 }),
      (e: { stdout: string; code: number }) => ({ out: e.stdout, code: e.code }),
    );
  };

  it('allocates a relay on each TURN url with the credentials the server would mint', async () => {
    const { out, code } = await doctor(coturn.secret);
    expect(code).toBe(0);
    expect(out).toMatch(/^ok\s+TURN turn:127\.0\.0\.1:3478 udp\s+allocated a relay/m);
    expect(out).toMatch(/^ok\s+TURN turn:127\.0\.0\.1:3478 tcp\s+allocated a relay/m);
  }, 30_000);

  it('reports a wrong secret as a failure naming the server', async () => {
    const { out, code } = await doctor('not-the-secret-coturn-has');
    expect(code).toBe(1);
    expect(out).toMatch(
      /^FAIL\s+TURN turn:127\.0\.0\.1:3478 udp\s+turn:127\.0\.0\.1:3478\?transport=udp refused the credentials \(401 Unauthorized\): turn\.secret is not its static-auth-secret$/m,
    );
  }, 30_000);
});
