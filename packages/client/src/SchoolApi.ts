import { cosmo } from '@cosmo/core';
import type { CosmoClient } from './CosmoClient.js';
import {
  chatFromProto,
  leaveFromProto,
  type AttendanceInfo,
  type ChatMessage,
  type LeaveInfo,
} from './wire.js';

/** The school features of a connected client: `client.school`. */
export class SchoolApi {
  readonly #client: CosmoClient;

  constructor(client: CosmoClient) {
    this.#client = client;
  }

  /** Older chat of the class, before the message with position `beforeSeq`. */
  async chatHistory(beforeSeq = 0, limit = 50): Promise<ChatMessage[]> {
    const res = await this.#client.request('chatHistory', { beforeSeq, limit });
    return (res.chatHistory?.messages ?? []).map(chatFromProto);
  }

  /** Students: asks the class teacher for leave (dates as YYYY-MM-DD, inclusive). */
  async requestLeave(
    classId: string,
    fromDate: string,
    toDate: string,
    reason: string,
  ): Promise<LeaveInfo> {
    const res = await this.#client.request('requestLeave', { classId, fromDate, toDate, reason });
    return leaveFromProto(res.leaveRequest!);
  }

  /** Teachers: approves or rejects a leave request. */
  async decideLeave(requestId: string, approve: boolean, comment = ''): Promise<LeaveInfo> {
    const res = await this.#client.request('decideLeave', { requestId, approve, comment });
    return leaveFromProto(res.leaveRequest!);
  }

  /** Leave requests of a class: all of them for its teachers, one's own for a student. */
  async leaveRequests(classId: string): Promise<LeaveInfo[]> {
    const res = await this.#client.request('listLeaveRequests', { classId });
    return (res.leaveRequests?.requests ?? []).map(leaveFromProto);
  }

  /** Teachers: the attendance report of a lecture, and the same report as CSV. */
  async attendance(lectureId: string): Promise<{ rows: AttendanceInfo[]; csv: string }> {
    const res = await this.#client.request('attendanceReport', { lectureId });
    const rows = (res.attendanceReport?.rows ?? []).map((r) => ({
      personId: r.personId ?? '',
      name: r.name ?? '',
      className: r.className ?? '',
      lecture: r.lecture ?? '',
      status: r.status ?? '',
      firstJoin: r.firstJoin ?? 0,
      lastLeave: r.lastLeave ?? 0,
      minutes: r.minutes ?? 0,
    }));
    // The server's CSV export of the same report, so the download matches the school's records.
    return { rows, csv: res.attendanceReport?.csv ?? '' };
  }

  /** Teachers: sends a notice to a class (`class:<id>`); a retry with the same key is not resent. */
  async sendNotice(
    audience: string,
    title: string,
    body: string,
    urgent: boolean,
    idempotencyKey = crypto.randomUUID(),
  ): Promise<{ id: string; recipients: number }> {
    const res = await this.#client.request('sendNotification', {
      audience,
      title,
      body,
      priority: urgent
        ? cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT
        : cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_NORMAL,
      idempotencyKey,
    });
    return {
      id: res.sendNotification?.notificationId ?? '',
      recipients: res.sendNotification?.recipients ?? 0,
    };
  }

  /** Marks a notice delivered or read (the inbox does this). */
  async acknowledgeNotice(notificationId: string, read: boolean): Promise<void> {
    await this.#client.request('notificationReceipt', {
      notificationId,
      kind: read
        ? cosmo.v1.ReceiptKind.RECEIPT_KIND_READ
        : cosmo.v1.ReceiptKind.RECEIPT_KIND_DELIVERED,
    });
  }

  /** The URL that opens a handout (counted as a download of this participant). */
  handoutUrl(handoutId: string, print = false): string {
    const http = this.#client.options.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
    return `${http}/api/handouts/${encodeURIComponent(handoutId)}${print ? '/print' : ''}?token=${encodeURIComponent(this.#client.options.token)}`;
  }
}
