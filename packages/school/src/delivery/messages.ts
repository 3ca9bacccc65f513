// What a push and an email say about a notice.
import { createHash } from 'node:crypto';
import type { NoticePushPayload } from '@cosmo/core';
import type { Notice } from '../repositories.js';
import type { EmailMessage, RecipientLink } from './channels.js';

/** Push payloads are kept under this many bytes of JSON (push services take 4 KB, encrypted). */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;

/** The push topic of a notice: its repeats (a retry, a reminder) replace one not yet shown. */
export function pushTopic(noticeId: string): string {
  // At most 32 characters of the URL-safe base64 alphabet (RFC 8030).
  return createHash('sha256').update(noticeId).digest('base64url').slice(0, 32);
}

/** The push payload of a notice, its body shortened to fit. */
export function pushPayload(notice: Notice, link: RecipientLink, reminder: boolean): string {
  const payload: NoticePushPayload = {
    type: 'notice',
    id: notice.id,
    title: notice.title,
    body: notice.body,
    urgent: notice.urgent,
    sender: notice.senderName,
    sentAt: notice.sentAt,
    reminder,
    url: link.url,
    receipt: link.token,
  };
  let json = JSON.stringify(payload);
  // The whole text is in the inbox: the notification shows a few lines at most.
  for (let keep = notice.body.length; Buffer.byteLength(json) > MAX_PUSH_PAYLOAD_BYTES;) {
    keep = Math.floor(keep * 0.8);
    payload.body = [...notice.body].slice(0, keep).join('') + '…';
    json = JSON.stringify(payload);
    if (keep === 0) break;
  }
  return json;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The email of a notice still unread: its text and the link that opens it in the inbox. */
/** When a notice was sent, in the school's time zone: `2026-12-01 00:45 (Asia/Tokyo)`. */
export function sentAtText(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']} (${timeZone})`;
}

export function noticeEmail(
  notice: Notice,
  link: RecipientLink,
  to: string[],
  round: number,
  person: { id: string; name: string },
  timeZone = 'UTC',
): EmailMessage {
  const personName = person.name;
  const prefix = notice.urgent ? '[Urgent] ' : '';
  const again = round > 0 ? ` (reminder ${round})` : '';
  const sent = sentAtText(notice.sentAt, timeZone);
  return {
    to,
    subject: `${prefix}${notice.title}${again}`,
    text: [
      `${notice.senderName} sent a notice to ${personName} on ${sent}:`,
      '',
      notice.title,
      '',
      notice.body,
      '',
      `Open it in the classroom: ${link.url}`,
      '',
      'You get this email because the notice has not been read in the classroom yet.',
    ].join('\n'),
    html:
      `<p>${escape(notice.senderName)} sent a notice to ${escape(personName)} on ${escape(sent)}:</p>` +
      `<h2>${escape(notice.title)}</h2>` +
      `<p style="white-space:pre-wrap">${escape(notice.body)}</p>` +
      `<p><a href="${escape(link.url)}">Open it in the classroom</a></p>` +
      '<p style="color:#666">You get this email because the notice has not been read in the classroom yet.</p>',
    // The same for a retried send of this round to this person (ids are [A-Za-z0-9._-]).
    messageId: `notice.${notice.id}.${person.id}.r${round}`,
    ...(link.optOut ? { optOut: link.optOut } : {}),
  };
}

/** The daily email of a person's unread notices that were not urgent, each with its link. */
export function digestEmail(
  items: { notice: Notice; link: RecipientLink }[],
  to: string[],
  person: { id: string; name: string },
  day: string,
  timeZone = 'UTC',
): EmailMessage {
  const line = (n: Notice) => `${n.title} (${n.senderName}, ${sentAtText(n.sentAt, timeZone)})`;
  return {
    to,
    subject: `${items.length} new notice${items.length === 1 ? '' : 's'} for ${person.name} (${day})`,
    text: [
      `Notices for ${person.name} not read in the classroom yet:`,
      '',
      ...items.flatMap(({ notice, link }) => [
        `* ${line(notice)}`,
        ...(notice.body ? [`  ${notice.body.replace(/\n/g, '\n  ')}`] : []),
        `  ${link.url}`,
        '',
      ]),
      'You get this daily email because these notices have not been read yet. Urgent notices come on their own.',
    ].join('\n'),
    html:
      `<p>Notices for ${escape(person.name)} not read in the classroom yet:</p><ul>` +
      items
        .map(
          ({ notice, link }) =>
            `<li><a href="${escape(link.url)}">${escape(line(notice))}</a>` +
            (notice.body ? `<p style="white-space:pre-wrap">${escape(notice.body)}</p>` : '') +
            '</li>',
        )
        .join('') +
      '</ul><p style="color:#666">You get this daily email because these notices have not been read yet.</p>',
    // One a day per person: a resend after a crash has the same id.
    messageId: `digest.${day}.${person.id}`,
    ...(items[0]?.link.optOut ? { optOut: items[0].link.optOut } : {}),
  };
}
