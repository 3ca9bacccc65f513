// Requests about the school's records: notices, receipts, chat history, leave, attendance.
import { CosmoError, ErrorCode, cosmo } from '@cosmo/core';
import { attendanceCsv, type School } from '@cosmo/school';
import { attendanceToProto, chatToProto, leaveToProto } from '../bridge/wire.js';
import { OK, type Handlers, type JoinedContext } from './context.js';

function nameOf(ctx: JoinedContext, personId: string): string {
  return ctx.school?.repos.roster.person(personId)?.name ?? personId;
}

function schoolOf(ctx: JoinedContext): School {
  if (!ctx.school)
    throw new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server');
  return ctx.school;
}

/** Handlers of school requests. */
export const schoolHandlers: Handlers = {
  sendNotification(ctx, req) {
    ctx.classroom.authorize(ctx.participant, 'sendNotification');
    const { notice, recipients } = schoolOf(ctx).sendNotice({
      senderId: ctx.participant.identity,
      audience: req.audience ?? '',
      title: req.title ?? '',
      body: req.body ?? '',
      urgent: req.priority === cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT,
      idempotencyKey: req.idempotencyKey ?? '',
      ...(req.noEmail
        ? { emailAfterMs: null }
        : typeof req.emailAfterSeconds === 'number'
          ? { emailAfterMs: req.emailAfterSeconds * 1000 }
          : {}),
    });
    return { sendNotification: { notificationId: notice.id, recipients } };
  },
  async notificationReceipt(ctx, req) {
    const kind = req.kind === cosmo.v1.ReceiptKind.RECEIPT_KIND_READ ? 'read' : 'delivered';
    await schoolOf(ctx).receipt(ctx.participant.identity, req.notificationId ?? '', kind);
    return OK;
  },
  chatHistory(ctx, req) {
    const messages = schoolOf(ctx).chatHistory(
      ctx.classroom.room,
      ctx.participant.identity,
      req.limit || 50,
      req.beforeSeq || undefined,
    );
    return { chatHistory: { messages: messages.map(chatToProto) } };
  },
  requestLeave(ctx, req) {
    const request = schoolOf(ctx).requestLeave(ctx.participant.identity, {
      classId: req.classId ?? '',
      fromDate: req.fromDate ?? '',
      toDate: req.toDate ?? '',
      reason: req.reason ?? '',
    });
    return { leaveRequest: leaveToProto(request, nameOf(ctx, request.personId)) };
  },
  decideLeave(ctx, req) {
    const decided = schoolOf(ctx).decideLeave(
      ctx.participant.identity,
      req.requestId ?? '',
      Boolean(req.approve),
      req.comment ?? '',
    );
    return { leaveRequest: leaveToProto(decided, nameOf(ctx, decided.personId)) };
  },
  listLeaveRequests(ctx, req) {
    const school = schoolOf(ctx);
    const classId = req.classId ?? '';
    const me = ctx.participant.identity;
    // A person of another school learns nothing of this class (a guest off the roster sees none).
    if (school.repos.roster.person(me) && !school.inSameSchool(me, classId))
      throw new CosmoError(ErrorCode.NOT_FOUND, 'no such class');
    const all = school.repos.leave.forClass(classId);
    // Teachers of the class see every request; students see their own.
    let moderates = true;
    try {
      school.assertModerates(me, classId);
    } catch {
      moderates = false;
    }
    return {
      leaveRequests: {
        requests: all
          .filter((r) => moderates || r.personId === me)
          .map((r) => leaveToProto(r, nameOf(ctx, r.personId))),
      },
    };
  },
  attendanceReport(ctx, req) {
    const school = schoolOf(ctx);
    const lecture = school.repos.roster.lecture(req.lectureId ?? '');
    // Another school's lecture does not exist for this person (nor does its class).
    if (!lecture || !school.inSameSchool(ctx.participant.identity, lecture.classId))
      throw new CosmoError(ErrorCode.NOT_FOUND, 'no such lecture');
    school.assertModerates(ctx.participant.identity, lecture.classId);
    const rows = school.attendance(lecture.id);
    return {
      attendanceReport: {
        lectureId: lecture.id,
        rows: rows.map(attendanceToProto),
        csv: attendanceCsv(rows),
      },
    };
  },
};
