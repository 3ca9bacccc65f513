import { describe, expect, it } from 'vitest';
import type { Notice } from '../repositories.js';
import { checkDigestTime, localDay, nextDigestAt } from './digestTime.js';
import { MAX_PUSH_PAYLOAD_BYTES, noticeEmail, pushPayload, pushTopic } from './messages.js';
import { DEFAULT_PUSH_ENDPOINT_HOSTS, checkPushEndpoint } from './pushEndpoints.js';

const notice: Notice = {
  id: 'n1',
  schoolId: 'tokyo',
  audience: 'class:2B',
  senderId: 'tanaka',
  senderName: 'Tanaka <Yui>',
  title: '台風のため休校',
  body: '明日は休校です。'.repeat(600),
  urgent: true,
  sentAt: Date.parse('2026-04-08T01:00:00Z'),
  idempotencyKey: null,
  emailAfterMs: 600_000,
};
const link = { url: 'https://c.example/inbox?notice=n1&receipt=t', token: 't' };

describe('what a push and an email say', () => {
  it('keeps a push payload under the push services’ limit, shortening only the body', () => {
    const json = pushPayload(notice, link, false);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
    const payload = JSON.parse(json) as { title: string; body: string; receipt: string };
    expect(payload.title).toBe(notice.title);
    expect(payload.receipt).toBe('t');
    expect(payload.body.endsWith('…')).toBe(true);
    expect(notice.body.startsWith(payload.body.slice(0, -1))).toBe(true);
  });

  it('says when it was sent in the school’s time zone (a Tokyo morning is not yesterday in UTC)', () => {
    const late = { ...notice, sentAt: Date.parse('2026-11-30T15:45:00Z') };
    const person = { id: 'ken', name: 'Ken' };
    expect(noticeEmail(late, link, ['k@b.example'], 0, person, 'Asia/Tokyo').text).toContain(
      '2026-12-01 00:45 (Asia/Tokyo)',
    );
    expect(noticeEmail(late, link, ['k@b.example'], 0, person).text).toContain(
      '2026-11-30 15:45 (UTC)',
    );
  });

  it('gives a notice one topic of at most 32 URL-safe characters', () => {
    expect(pushTopic('n1')).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(pushTopic('n1')).toBe(pushTopic('n1'));
    expect(pushTopic('n2')).not.toBe(pushTopic('n1'));
  });

  it('escapes the notice in the HTML of its email and names the round in its Message-ID', () => {
    const mail = noticeEmail({ ...notice, body: '<script>x</script>' }, link, ['a@b.example'], 2, {
      id: 's1',
      name: 'Aiko',
    });
    expect(mail.subject).toBe('[Urgent] 台風のため休校 (reminder 2)');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Tanaka &#60;Yui&#62;');
    expect(mail.text).toContain(link.url);
    expect(mail.messageId).toBe('notice.n1.s1.r2');
  });

  it('accepts subscriptions on the known push services only, over https', () => {
    const ok = (u: string) => checkPushEndpoint(u, DEFAULT_PUSH_ENDPOINT_HOSTS);
    expect(ok('https://fcm.googleapis.com/fcm/send/abc').hostname).toBe('fcm.googleapis.com');
    expect(ok('https://web.push.apple.com/QG').hostname).toBe('web.push.apple.com');
    expect(ok('https://db5p.notify.windows.com/w/?token=1').hostname).toBe(
      'db5p.notify.windows.com',
    );
    for (const bad of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://fcm.googleapis.com.evil.example/x',
      'https://169.254.169.254/latest/meta-data',
      'https://notify.windows.com/',
      'https://user:pw@fcm.googleapis.com/x',
      'https://fcm.googleapis.com:8443/x',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(() => ok(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // A loopback push service (tests) may be plain http when it is listed.
    expect(checkPushEndpoint('http://127.0.0.1:9/push/a', ['127.0.0.1']).port).toBe('9');
  });

  it('sends the digest at the school’s wall-clock time, across a change of daylight saving', () => {
    const tokyo = nextDigestAt(Date.parse('2026-04-08T09:00:00Z'), '17:00', 'Asia/Tokyo');
    expect(new Date(tokyo).toISOString()).toBe('2026-04-09T08:00:00.000Z');
    // London moves to summer time on 2026-03-29: 17:00 is 17:00 UTC before, 16:00 UTC after.
    const before = nextDigestAt(Date.parse('2026-03-28T12:00:00Z'), '17:00', 'Europe/London');
    expect(new Date(before).toISOString()).toBe('2026-03-28T17:00:00.000Z');
    const after = nextDigestAt(before, '17:00', 'Europe/London');
    expect(new Date(after).toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect(localDay(after, 'Asia/Tokyo')).toBe('2026-03-30');
    expect(() => checkDigestTime('25:00', 'UTC')).toThrow(TypeError);
    expect(() => checkDigestTime('17:00', 'Mars/Olympus')).toThrow(TypeError);
  });
});
