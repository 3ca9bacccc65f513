// Protocol messages to the client's plain types.
import { leaveStatusFromProto, type LeaveStatus, type cosmo } from '@cosmo/core';

/** A chat message. */
export interface ChatMessage {
  id: string;
  participantId: string;
  name: string;
  text: string;
  sentAt: number;
  /** Empty for everyone, otherwise a private message. */
  toParticipantId: string;
}

/** A handout of the class. */
export interface HandoutInfo {
  id: string;
  filename: string;
  mime: string;
  size: number;
  createdAt: number;
}

/** A leave request. */
export interface LeaveInfo {
  id: string;
  personId: string;
  personName: string;
  classId: string;
  fromDate: string;
  toDate: string;
  reason: string;
  status: LeaveStatus;
  comment: string;
}

/** One row of a lecture's attendance report. */
export interface AttendanceInfo {
  personId: string;
  name: string;
  className: string;
  lecture: string;
  status: string;
  firstJoin: number;
  lastLeave: number;
  minutes: number;
}

export function leaveFromProto(m: cosmo.v1.LeaveRequestInfo.$Properties): LeaveInfo {
  return {
    id: m.id ?? '',
    personId: m.personId ?? '',
    personName: m.personName || m.personId || '',
    classId: m.classId ?? '',
    fromDate: m.fromDate ?? '',
    toDate: m.toDate ?? '',
    reason: m.reason ?? '',
    status: leaveStatusFromProto(m.status),
    comment: m.comment ?? '',
  };
}

export function handoutFromProto(m: cosmo.v1.Handout.$Properties): HandoutInfo {
  return {
    id: m.id ?? '',
    filename: m.filename ?? '',
    mime: m.mime ?? '',
    size: m.size ?? 0,
    createdAt: m.createdAt ?? 0,
  };
}

export function chatFromProto(c: cosmo.v1.ChatMessage.$Properties): ChatMessage {
  return {
    id: c.id ?? '',
    participantId: c.participantId ?? '',
    name: c.name ?? '',
    text: c.text ?? '',
    sentAt: c.sentAt ?? 0,
    toParticipantId: c.toParticipantId ?? '',
  };
}

/** Receipt totals of a sent notice. */
export interface ReceiptInfo {
  notificationId: string;
  recipients: number;
  delivered: number;
  read: number;
}

export function receiptFromProto(r: cosmo.v1.ReceiptSummary.$Properties): ReceiptInfo {
  return {
    notificationId: r.notificationId ?? '',
    recipients: r.recipients ?? 0,
    delivered: r.delivered ?? 0,
    read: r.read ?? 0,
  };
}

/** A classroom's lesson as a moderator set it (the captions tab shows it to every moderator). */
export interface LessonInfo {
  text: string;
  /** The spoken language (BCP 47). */
  language: string;
  glossary: Record<string, string>;
  /** Reviewed translations: BCP 47 tag to one line per lesson sentence. */
  translations: Record<string, string>;
}

export function lessonFromProto(l: cosmo.v1.Lesson.$Properties): LessonInfo {
  return {
    text: l.text ?? '',
    language: l.language || 'en',
    glossary: { ...(l.glossary ?? {}) },
    translations: { ...(l.translations ?? {}) },
  };
}
