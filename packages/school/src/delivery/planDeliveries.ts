import type {
  Contact,
  Delivery,
  Notice,
  PushSubscriptionRepository,
  RosterRepository,
} from '../repositories.js';

/** A row of the ladder's queue before it is queued. */
export type PlannedDelivery = Omit<Delivery, 'state' | 'attempts' | 'doneAt' | 'detail'>;

/** What the plan needs to know of the school and its server. */
export interface PlanContext {
  roster: Pick<RosterRepository, 'contacts'>;
  pushSubscriptions: Pick<PushSubscriptionRepository, 'counts'>;
  /** The channels the server sends on. */
  pushes: boolean;
  emails: boolean;
  isOnline(personId: string): boolean;
  pushGraceMs: number;
  /** When the next daily digest goes. */
  digestAt: number;
}

/**
 * The ladder's rows for a notice to `personIds` in `round`: a push to whoever has a device
 * (urgent notices; at once for who is not connected, after `pushGraceMs` for who is), an email
 * after the notice's delay to whoever has an address and has not opted out, or (a non-urgent
 * notice with no delay) a line in the next daily digest of whoever takes it.
 */
export function planDeliveries(
  ctx: PlanContext,
  notice: Notice,
  personIds: readonly string[],
  round: number,
  now: number,
): PlannedDelivery[] {
  const rows: PlannedDelivery[] = [];
  const key = { noticeId: notice.id, round };
  // Two queries for the whole audience (a school-wide notice has thousands of recipients).
  const devices =
    ctx.pushes && notice.urgent
      ? ctx.pushSubscriptions.counts(personIds)
      : new Map<string, number>();
  const contacts = ctx.emails ? ctx.roster.contacts(personIds) : new Map<string, Contact>();
  for (const personId of personIds) {
    if (devices.has(personId)) {
      const dueAt = ctx.isOnline(personId) ? now + ctx.pushGraceMs : now;
      rows.push({ ...key, personId, channel: 'push', dueAt });
    }
    const c = contacts.get(personId);
    if (!c || c.notifyEmail === 'none' || !(c.email || c.guardianEmail)) continue;
    if (notice.emailAfterMs !== null)
      rows.push({ ...key, personId, channel: 'email', dueAt: now + notice.emailAfterMs });
    else if (round === 0 && !notice.urgent && c.notifyEmail === 'all')
      rows.push({ ...key, personId, channel: 'digest', dueAt: ctx.digestAt });
  }
  return rows;
}
