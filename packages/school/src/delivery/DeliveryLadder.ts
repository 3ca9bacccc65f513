import { TypedEmitter } from '@cosmo/core';
import type { Delivery, Notice } from '../repositories.js';
import type { SchoolRepositories } from '../School.js';
import type { EmailChannel, PushChannel, RecipientLink } from './channels.js';
import { localDay } from './digestTime.js';
import { digestEmail, noticeEmail, pushPayload, pushTopic } from './messages.js';

/** How the ladder sends. */
export interface DeliveryLadderOptions {
  push?: PushChannel;
  /** Closed with the ladder. */
  email?: EmailChannel;
  /** The inbox link and receipt token of a recipient (signed by the server). */
  link(notice: Notice, personId: string): Promise<RecipientLink>;
  /** Sends at once at most (pushes to one person's devices count once). */
  concurrency: number;
  /** How often the queue is looked at for rows that came due, in ms. */
  pollMs: number;
  /** A push service keeps a push for an offline device this long, in seconds. */
  pushTtlSeconds: number;
  /** Tries per row before it is given up (`failed`); waits double from `retryBaseMs`. */
  maxAttempts: number;
  retryBaseMs: number;
  /** The school's time zone, which names a digest's day. */
  timeZone: string;
  now: () => number;
}

/** Defaults: 16 at once, a look every half second, pushes kept a day, 6 tries from 5 s. */
export const DEFAULT_LADDER_OPTIONS = {
  concurrency: 16,
  pollMs: 500,
  pushTtlSeconds: 86_400,
  maxAttempts: 6,
  retryBaseMs: 5_000,
  timeZone: 'UTC',
  now: Date.now,
} satisfies Partial<DeliveryLadderOptions>;

/** Events for metrics and tests. */
export type DeliveryLadderEvents = {
  /** A row was sent, skipped or given up, or will be tried again (`queued`). */
  done: [delivery: Delivery];
  /** Something failed that no row explains (the database closed under a send). */
  error: [error: Error];
};

/**
 * Sends the ladder's queue (one row per notice, recipient, channel and round, in SQLite): pushes to
 * every device of a recipient, emails to their addresses. Each row is claimed (committed as
 * `sending`) before it is sent and finished after. A crash between the two leaves it `sending`;
 * on the next start it is sent again (at least once), and the copy collapses: the push has the
 * same `topic` (the push service replaces a pending one; the service worker shows it under the
 * notice's id as tag, replacing a shown one) and the email the same Message-ID. A row whose
 * recipient has meanwhile read the notice (or, for the first push, received it) is skipped.
 */
export class DeliveryLadder extends TypedEmitter<DeliveryLadderEvents> {
  readonly #repos: SchoolRepositories;
  readonly #options: DeliveryLadderOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight = 0;
  #digesting = false;
  #closed = false;
  /** Draining before a shutdown: no row is claimed, the sends in progress are recorded. */
  #stopping = false;

  constructor(
    repos: SchoolRepositories,
    options: Partial<DeliveryLadderOptions> & Pick<DeliveryLadderOptions, 'link'>,
  ) {
    super();
    this.#repos = repos;
    this.#options = { ...DEFAULT_LADDER_OPTIONS, ...options };
  }

  /** Whether pushes can be sent. */
  get pushes(): boolean {
    return !!this.#options.push;
  }

  /** Whether emails can be sent. */
  get emails(): boolean {
    return !!this.#options.email;
  }

  /** Sends still in progress. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes back the rows a crash interrupted, then sends what is due, now and as it comes due. */
  start(): number {
    const requeued = this.#repos.deliveries.requeueInterrupted();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.kick(), this.#options.pollMs);
    this.#timer.unref?.();
    this.kick();
    return requeued;
  }

  /** Sends the rows due now (after a notice was queued, or a row came due). */
  kick(): void {
    if (this.#closed || this.#stopping) return;
    const free = this.#options.concurrency - this.#inFlight;
    if (free <= 0) return;
    let rows: Delivery[];
    try {
      rows = this.#repos.deliveries.claimDue(this.#options.now(), free);
    } catch (err) {
      this.safeEmit('error', err as Error);
      return;
    }
    for (const d of rows) {
      this.#inFlight++;
      void this.#send(d)
        .catch((err: Error) => this.#safely(() => this.#retryOrFail(d, err.message)))
        .finally(() => {
          this.#inFlight--;
          this.kick();
        });
    }
    if (!this.#digesting) this.#digests();
  }

  /** Claims the digest rows that came due and sends each person's as one email. */
  #digests(): void {
    let rows: Delivery[];
    try {
      rows = this.#repos.deliveries.claimDueDigests(this.#options.now());
    } catch (err) {
      this.safeEmit('error', err as Error);
      return;
    }
    if (rows.length === 0) return;
    this.#digesting = true;
    const byPerson = new Map<string, Delivery[]>();
    for (const d of rows) byPerson.set(d.personId, [...(byPerson.get(d.personId) ?? []), d]);
    void (async () => {
      for (const [personId, own] of byPerson) {
        if (this.#closed) return;
        await this.#digest(personId, own).catch((err: Error) =>
          this.#safely(() => own.forEach((d) => this.#retryOrFail(d, err.message))),
        );
      }
    })().finally(() => {
      this.#digesting = false;
    });
  }

  async #digest(personId: string, rows: Delivery[]): Promise<void> {
    const email = this.#options.email;
    const notices = this.#repos.notices;
    const items: { d: Delivery; notice: Notice }[] = [];
    for (const d of rows) {
      const notice = notices.get(d.noticeId);
      if (!notice || !notices.progress(d.noticeId, personId)) {
        this.#finish(d, 'skipped', 'not a recipient');
      } else if (notices.progress(d.noticeId, personId)!.read) {
        this.#finish(d, 'skipped', 'read');
      } else items.push({ d, notice });
    }
    if (items.length === 0) return;
    const contact = this.#repos.roster.contact(personId);
    const to = [...new Set([contact.email, contact.guardianEmail].filter((a): a is string => !!a))];
    const skip = !email
      ? 'email is off'
      : contact.notifyEmail !== 'all'
        ? 'no digest for this person'
        : to.length === 0
          ? 'no address'
          : undefined;
    if (skip || !email) return items.forEach(({ d }) => this.#finish(d, 'skipped', skip ?? ''));
    const person = this.#repos.roster.person(personId);
    const linked = await Promise.all(
      items.map(async ({ notice }) => ({
        notice,
        link: await this.#options.link(notice, personId),
      })),
    );
    const day = localDay(Math.max(...items.map(({ d }) => d.dueAt)), this.#options.timeZone);
    const outcome = await email.send(
      digestEmail(
        linked,
        to,
        { id: personId, name: person?.name ?? personId },
        day,
        this.#options.timeZone,
      ),
    );
    if (this.#closed) return;
    for (const { d } of items) {
      if (outcome.ok) this.#finish(d, 'sent', `digest of ${day}`);
      else if (outcome.retry) this.#retryOrFail(d, outcome.detail);
      else this.#finish(d, 'failed', outcome.detail);
    }
  }

  /**
   * Before a planned shutdown (SIGTERM, a deploy): claims no more rows and waits, at most
   * `timeoutMs`, for the sends in progress to be answered and recorded, so that only a crash
   * (or a send slower than that) repeats one on the next start.
   */
  async drain(timeoutMs = 20_000): Promise<void> {
    this.#stopping = true;
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight > 0 && !this.#closed && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
  }

  /**
   * Stops sending. Sends still in progress finish, but their outcome is not recorded: those rows
   * stay `sending` and go again on the next start (collapsing as above). `drain` first avoids that.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#options.email?.close();
    this.removeAllListeners();
  }

  async #send(d: Delivery): Promise<void> {
    const notices = this.#repos.notices;
    const notice = notices.get(d.noticeId);
    const progress = notices.progress(d.noticeId, d.personId);
    if (!notice || !progress) return this.#finish(d, 'skipped', 'not a recipient');
    if (progress.read) return this.#finish(d, 'skipped', 'read');
    if (d.channel === 'push') {
      // The first push is for who has not got the notice; a reminder, for who has not read it.
      if (d.round === 0 && progress.delivered) return this.#finish(d, 'skipped', 'delivered');
      return this.#push(d, notice);
    }
    return this.#email(d, notice);
  }

  async #push(d: Delivery, notice: Notice): Promise<void> {
    const push = this.#options.push;
    const devices = this.#repos.pushSubscriptions.forPerson(d.personId);
    if (!push) return this.#finish(d, 'skipped', 'push is off');
    if (devices.length === 0) return this.#finish(d, 'skipped', 'no device');
    const link = await this.#options.link(notice, d.personId);
    const message = {
      payload: pushPayload(notice, link, d.round > 0),
      urgency: notice.urgent ? ('high' as const) : ('normal' as const),
      topic: pushTopic(notice.id),
      ttlSeconds: this.#options.pushTtlSeconds,
    };
    const outcomes = await Promise.all(devices.map((s) => push.send(s, message)));
    if (this.#closed) return;
    let ok = 0;
    let retry = false;
    const problems: string[] = [];
    outcomes.forEach((o, i) => {
      if (o.ok) return void ok++;
      if (o.gone) this.#repos.pushSubscriptions.remove(devices[i]!.id);
      retry ||= o.retry;
      problems.push(o.detail);
    });
    if (ok > 0) return this.#finish(d, 'sent', `${ok}/${devices.length} devices`);
    if (retry) return this.#retryOrFail(d, problems.join('; '));
    return this.#finish(d, 'failed', problems.join('; ') || 'no device took it');
  }

  async #email(d: Delivery, notice: Notice): Promise<void> {
    const email = this.#options.email;
    if (!email) return this.#finish(d, 'skipped', 'email is off');
    const contact = this.#repos.roster.contact(d.personId);
    if (contact.notifyEmail === 'none') return this.#finish(d, 'skipped', 'opted out');
    const to = [contact.email, contact.guardianEmail].filter((a): a is string => !!a);
    if (to.length === 0) return this.#finish(d, 'skipped', 'no address');
    const person = this.#repos.roster.person(d.personId);
    const link = await this.#options.link(notice, d.personId);
    const outcome = await email.send(
      noticeEmail(
        notice,
        link,
        [...new Set(to)],
        d.round,
        { id: d.personId, name: person?.name ?? d.personId },
        this.#options.timeZone,
      ),
    );
    if (this.#closed) return;
    if (outcome.ok) return this.#finish(d, 'sent', `to ${to.length} address(es)`);
    if (outcome.retry) return this.#retryOrFail(d, outcome.detail);
    return this.#finish(d, 'failed', outcome.detail);
  }

  #finish(d: Delivery, state: 'sent' | 'skipped' | 'failed', detail: string): void {
    if (this.#closed) return;
    const at = this.#options.now();
    this.#repos.deliveries.finish(d, state, at, detail);
    this.safeEmit('done', { ...d, state, doneAt: at, detail });
  }

  #retryOrFail(d: Delivery, detail: string): void {
    if (this.#closed) return;
    const { maxAttempts, retryBaseMs, now } = this.#options;
    if (d.attempts >= maxAttempts) return this.#finish(d, 'failed', detail);
    const dueAt = now() + Math.min(retryBaseMs * 2 ** (d.attempts - 1), 5 * 60_000);
    this.#repos.deliveries.retry(d, dueAt, detail);
    this.safeEmit('done', { ...d, state: 'queued', dueAt, detail });
  }

  #safely(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.safeEmit('error', err as Error);
    }
  }
}
