// Test helper: a Web Push service on loopback, standing in for FCM or Apple's. Each device has a
// P-256 key pair and auth secret like a browser's; every push is checked (VAPID signature,
// headers) and decrypted with http_ece, as the browser would before waking its service worker.
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { importJWK, jwtVerify } from 'jose';
import type { NoticePushPayload } from '@cosmo/core';

/** A push as the device got it. */
export interface ReceivedPush {
  deviceId: string;
  at: number;
  topic: string | undefined;
  urgency: string | undefined;
  ttl: string | undefined;
  /** The VAPID public key the push was signed with (`k=` of the Authorization header). */
  vapidKey: string;
  payload: NoticePushPayload;
}

/** A browser's subscription, as `PushSubscription.toJSON()` gives it. */
export interface SubscriptionJson {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
}

/** The fake push service. */
export class TestPushService {
  readonly received: ReceivedPush[] = [];
  /** Requests that failed the checks (a bad signature, an undecryptable body). */
  readonly rejected: string[] = [];
  /** Devices that answer 410 Gone (unsubscribed browsers). */
  readonly gone = new Set<string>();
  /** Called with each push once it is decrypted, before the answer (return a promise to hold it). */
  onPush: (push: ReceivedPush) => void | Promise<void> = () => undefined;
  readonly #server: Server;
  readonly #devices = new Map<string, Device>();
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.#handle(req.url ?? '', req.headers, Buffer.concat(chunks)).then(
          (status) => {
            res.writeHead(status).end();
          },
          (err: Error) => {
            this.rejected.push(err.message);
            res.writeHead(400).end(err.message);
          },
        );
      });
    });
  }

  /** Starts on a free loopback port. */
  static async start(): Promise<TestPushService> {
    const service = new TestPushService();
    await new Promise<void>((r) => service.#server.listen(0, '127.0.0.1', r));
    service.#port = (service.#server.address() as AddressInfo).port;
    return service;
  }

  /** A new device (browser profile) and its subscription. */
  device(id: string): SubscriptionJson {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.#devices.set(id, { ecdh, auth });
    return {
      endpoint: `http://127.0.0.1:${this.#port}/push/${encodeURIComponent(id)}`,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  /** Pushes a device got. */
  pushesTo(id: string): ReceivedPush[] {
    return this.received.filter((p) => p.deviceId === id);
  }

  async #handle(
    url: string,
    headers: NodeJS.Dict<string | string[]>,
    body: Buffer,
  ): Promise<number> {
    const id = decodeURIComponent(/^\/push\/(.+)$/.exec(url)?.[1] ?? '');
    const device = this.#devices.get(id);
    if (!device) return 404;
    if (this.gone.has(id)) return 410;
    const auth = String(headers['authorization'] ?? '');
    const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(auth);
    if (!m) throw new Error(`no VAPID authorization: ${auth}`);
    const [, jwt, key] = m as unknown as [string, string, string];
    const raw = Buffer.from(key, 'base64url');
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33, 65).toString('base64url'),
      },
      'ES256',
    );
    const { payload: claims } = await jwtVerify(jwt, publicKey, {
      audience: `http://127.0.0.1:${this.#port}`,
    });
    if (typeof claims.sub !== 'string') throw new Error('the VAPID token has no subject');
    if (headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
    const plain = decrypt(body, {
      version: 'aes128gcm',
      privateKey: device.ecdh,
      authSecret: device.auth,
    });
    const push: ReceivedPush = {
      deviceId: id,
      at: Date.now(),
      topic: headers['topic'] as string | undefined,
      urgency: headers['urgency'] as string | undefined,
      ttl: headers['ttl'] as string | undefined,
      vapidKey: key,
      payload: JSON.parse(plain.toString('utf8')) as NoticePushPayload,
    };
    this.received.push(push);
    await this.onPush(push);
    return 201;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }
}
