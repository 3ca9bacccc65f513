// What the delivery ladder sends through: a push service and a mail server, each behind a small
// interface so that the ladder's rules do not depend on web-push or nodemailer.
import type { PushSubscriptionRecord } from '../repositories.js';

/** One push, encrypted to each device by the channel. */
export interface PushMessage {
  /** The JSON the service worker gets (at most about 3 KB: push services take 4 KB). */
  payload: string;
  /** `high` for an urgent notice: the push service wakes a sleeping phone for it. */
  urgency: 'high' | 'normal';
  /** Collapses repeats: a newer push with the same topic replaces one not yet delivered. */
  topic: string;
  /** How long the push service keeps it for a device that is offline, in seconds. */
  ttlSeconds: number;
}

/** How a push to one device went. `gone`: the push service no longer knows it (404/410). */
export type PushOutcome =
  { ok: true } | { ok: false; gone: boolean; retry: boolean; detail: string };

/** Sends Web Push messages to a browser's push service. */
export interface PushChannel {
  /** The VAPID public key (base64url) a browser subscribes with (`applicationServerKey`). */
  readonly publicKey: string;
  send(subscription: PushSubscriptionRecord, message: PushMessage): Promise<PushOutcome>;
}

/** One email. */
export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The left part of the Message-ID: the same for a retried send, so a mail system can drop the copy. */
  messageId: string;
  /** The recipient's one-click opt-out URL (`List-Unsubscribe`, `List-Unsubscribe-Post`). */
  optOut?: string;
}

/** How a send went: `retry` for a temporary failure (no answer, a 4xx reply). */
export type EmailOutcome = { ok: true } | { ok: false; retry: boolean; detail: string };

/** Sends email through a mail server. */
export interface EmailChannel {
  send(message: EmailMessage): Promise<EmailOutcome>;
  close(): void;
}

/** Where a recipient opens a notice: the inbox link, with the token that lets them acknowledge it. */
export interface RecipientLink {
  /** The classroom's inbox on this notice (`…?notice=ID&receipt=TOKEN`). */
  url: string;
  /** Authorizes `POST /api/notices/:id/receipts` and `GET /api/notices/:id` for this recipient only. */
  token: string;
  /** A one-click opt-out from email (RFC 8058), for the `List-Unsubscribe` header. */
  optOut?: string;
}
