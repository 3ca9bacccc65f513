import webpush from 'web-push';
import type { PushSubscriptionRecord } from '../repositories.js';
import type { PushChannel, PushMessage, PushOutcome } from './channels.js';
import type { VapidKeys } from './VapidKeys.js';

/** How the server signs and sends its pushes. */
export interface WebPushOptions {
  keys: VapidKeys;
  /** Who runs this server, for the push service's operators: `mailto:` or an `https:` URL. */
  subject: string;
  /** A push service that has not answered in this long has failed (tried again later), in ms. */
  timeoutMs: number;
}

/**
 * Web Push with the `web-push` package: it encrypts the payload to the device's keys (aes128gcm)
 * and signs the VAPID header; the request itself is sent here with `fetch`, with a timeout and
 * without following redirects (a push service never redirects; an endpoint that does is not one).
 */
export class WebPushChannel implements PushChannel {
  readonly publicKey: string;
  readonly #options: WebPushOptions;

  constructor(options: WebPushOptions) {
    this.#options = options;
    this.publicKey = options.keys.publicKey;
  }

  async send(sub: PushSubscriptionRecord, message: PushMessage): Promise<PushOutcome> {
    const { keys, subject, timeoutMs } = this.#options;
    let details: webpush.RequestDetails;
    try {
      details = webpush.generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        message.payload,
        {
          vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
          TTL: message.ttlSeconds,
          urgency: message.urgency,
          topic: message.topic,
          contentEncoding: 'aes128gcm',
        },
      );
    } catch (err) {
      // Keys a browser never made (a bad p256dh): the subscription is useless.
      return { ok: false, gone: true, retry: false, detail: (err as Error).message };
    }
    let res: Response;
    try {
      res = await fetch(details.endpoint, {
        method: details.method,
        headers: Object.fromEntries(
          Object.entries(details.headers).map(([k, v]) => [k, String(v)]),
        ),
        body: details.body ? new Uint8Array(details.body) : null,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      return { ok: false, gone: false, retry: true, detail: (err as Error).message };
    }
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const detail = `push service answered ${res.status}`;
    // 404/410: the browser unsubscribed or the subscription expired. 413/400: this payload will
    // never go. 429 and 5xx: later.
    if (res.status === 404 || res.status === 410)
      return { ok: false, gone: true, retry: false, detail };
    return { ok: false, gone: false, retry: res.status === 429 || res.status >= 500, detail };
  }
}
