// The school's records as the protocol carries them.
import { cosmo, leaveStatusToProto } from '@cosmo/core';
import type { AttendanceRow, Handout, LeaveRequest, Notice, StoredChat } from '@cosmo/school';

/** A stored notice as the protocol's Notification. */
export function noticeToProto(n: Notice, reminder: boolean): cosmo.v1.Notification.$Properties {
  return {
    id: n.id,
    senderName: n.senderName,
    title: n.title,
    body: n.body,
    priority: n.urgent
      ? cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT
      : cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_NORMAL,
    sentAt: n.sentAt,
    audience: n.audience,
    reminder,
  };
}

/** A stored chat message as the protocol's ChatMessage (participant ids are per session, so empty). */
export function chatToProto(m: StoredChat): cosmo.v1.ChatMessage.$Properties {
  return {
    id: m.id,
    participantId: '',
    name: m.name,
    text: m.text,
    sentAt: m.sentAt,
    toParticipantId: m.toPerson,
    seq: m.seq,
  };
}

/** A leave request as the protocol's LeaveRequestInfo. */
export function leaveToProto(
  r: LeaveRequest,
  personName = '',
): cosmo.v1.LeaveRequestInfo.$Properties {
  return {
    personName,
    id: r.id,
    personId: r.personId,
    classId: r.classId,
    fromDate: r.fromDate,
    toDate: r.toDate,
    reason: r.reason,
    status: leaveStatusToProto(r.status),
    decidedBy: r.decidedBy ?? '',
    comment: r.comment ?? '',
    createdAt: r.createdAt,
  };
}

/** An attendance row as the protocol's AttendanceRow. */
export function attendanceToProto(r: AttendanceRow): cosmo.v1.AttendanceRow.$Properties {
  return {
    personId: r.personId,
    name: r.name,
    className: r.className,
    lecture: r.lecture,
    status: r.status,
    firstJoin: r.firstJoin ?? 0,
    lastLeave: r.lastLeave ?? 0,
    minutes: r.minutes,
  };
}

/** A handout as the protocol's Handout. */
export function handoutToProto(h: Handout): cosmo.v1.Handout.$Properties {
  return {
    id: h.id,
    classId: h.classId,
    filename: h.filename,
    mime: h.mime,
    size: h.size,
    createdAt: h.createdAt,
  };
}
