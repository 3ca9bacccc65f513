import { html, nothing, type TemplateResult } from 'lit';
import type { LeaveInfo } from '../wire.js';
import type { ClassroomController } from './classroom.controller.js';
import type { MessageKey } from './i18n.js';

type T = (key: MessageKey) => string;

/** The class's handouts, each with open and print links. */
export function renderHandouts(room: ClassroomController, t: T): TemplateResult {
  const client = room.client;
  const handouts = client?.handouts ?? [];
  if (!client || handouts.length === 0) return html`<p class="role">${t('noHandouts')}</p>`;
  return html`<ul>
    ${handouts.map(
      (h) =>
        html`<li class="person">
          <span class="who"
            >${h.filename}<br /><span class="role"
              >${Math.max(1, Math.round(h.size / 1024))} KB</span
            ></span
          >
          <a
            class="small button"
            href=${client.school.handoutUrl(h.id)}
            target="_blank"
            rel="noopener"
            >${t('open')}</a
          >
          <a
            class="small button"
            href=${client.school.handoutUrl(h.id, true)}
            target="_blank"
            rel="noopener"
            >${t('print')}</a
          >
        </li>`,
    )}
  </ul>`;
}

/** Leave requests (a form for students, decisions for teachers) and, for teachers, attendance. */
export function renderClassPanel(room: ClassroomController, t: T): TemplateResult {
  const classroom = room.classroom;
  if (!classroom?.classId) return html`<p class="role">${t('noLeave')}</p>`;
  const requestLeave = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    void room.run(async (c) => {
      await c.school.requestLeave(classroom.classId, value('from'), value('to'), value('reason'));
      form.reset();
      await room.loadClassPanel();
    });
  };
  return html`
    ${room.moderator && classroom.lectureId ? renderAttendance(room, t) : nothing}
    <h3>${t('leave_')}</h3>
    ${
      room.moderator
        ? nothing
        : html`<form class="leave" @submit=${requestLeave}>
            <label>${t('fromDate')} <input name="from" type="date" required /></label>
            <label>${t('toDate')} <input name="to" type="date" required /></label>
            <label>${t('reason')} <input name="reason" required maxlength="1000" /></label>
            <button type="submit">${t('requestLeave')}</button>
          </form>`
    }
    ${
      room.leaveRequests.length === 0
        ? html`<p class="role">${t('noLeave')}</p>`
        : html`<ul>
            ${room.leaveRequests.map((r) => renderLeave(room, t, r))}
          </ul>`
    }
  `;
}

function renderLeave(room: ClassroomController, t: T, r: LeaveInfo): TemplateResult {
  const decide = (approve: boolean) =>
    room.run(async (c) => {
      await c.school.decideLeave(r.id, approve);
      await room.loadClassPanel();
    });
  return html`<li class="person" data-leave=${r.id}>
    <span class="who"
      >${room.moderator ? html`<b>${r.personName}</b> ` : nothing}${r.fromDate} – ${r.toDate}
      <br /><span class="role">${r.reason} · ${t(r.status)}</span></span
    >
    ${
      room.moderator && r.status === 'pending'
        ? html`<button class="small" @click=${() => decide(true)}>${t('approve')}</button>
            <button class="small" @click=${() => decide(false)}>${t('reject')}</button>`
        : nothing
    }
  </li>`;
}

function renderAttendance(room: ClassroomController, t: T): TemplateResult {
  const rows = room.attendanceRows;
  const time = (ms: number) =>
    ms ? new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '–';
  return html`<h3>${t('attendance')}</h3>
    <table class="attendance">
      ${rows.map(
        (r) =>
          html`<tr data-status=${r.status}>
            <td>${r.name}</td>
            <td>${t(r.status as MessageKey)}</td>
            <td>${time(r.firstJoin)}</td>
            <td>${r.minutes} ${t('minutes')}</td>
          </tr>`,
      )}
    </table>
    <p>
      <button class="small" @click=${() => room.loadClassPanel()}>${t('refresh')}</button>
      <a
        class="small button"
        download="attendance.csv"
        href=${`data:text/csv;charset=utf-8,${encodeURIComponent(room.attendanceCsv)}`}
        >${t('downloadCsv')}</a
      >
    </p>`;
}

/** Notices received (mark as read) and, for teachers, a composer with live read counts. */
export function renderInbox(room: ClassroomController, t: T): TemplateResult {
  const compose = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    void room
      .sendNotice(field('title').value, field('body').value, field('urgent').checked)
      .then(() => form.reset());
  };
  const composer =
    room.moderator && room.classroom?.classId
      ? html`<form class="leave" @submit=${compose}>
            <input
              name="title"
              required
              maxlength="200"
              aria-label=${t('noticeTitle')}
              placeholder=${t('noticeTitle')}
            />
            <input
              name="body"
              maxlength="5000"
              aria-label=${t('noticeBody')}
              placeholder=${t('noticeBody')}
            />
            <label><input name="urgent" type="checkbox" /> ${t('urgent')}</label>
            <button type="submit">${t('sendNotice')}</button>
          </form>
          ${room.sent.map(
            (n) =>
              html`<div class="notice" data-notice=${n.id}>
                <b>${n.title}</b>
                <div class="role receipts">${n.read} / ${n.recipients} ${t('read')}</div>
              </div>`,
          )}`
      : nothing;
  if (room.notices.length === 0)
    return html`${composer}
      <p class="role">${t('noNotices')}</p>`;
  return html`${composer}${room.notices.map(
    (n) =>
      html`<div class="notice ${n.read ? '' : 'unread'} ${n.urgent ? 'urgent' : ''}">
        ${n.urgent ? html`<b>${t('urgent')}</b> ` : nothing}<b>${n.title}</b>
        <div>${n.body}</div>
        <div class="role">${n.sender}</div>
        ${n.read ? nothing : html`<button class="small" @click=${() => room.markRead(n.id)}>${t('markRead')}</button>`}
      </div>`,
  )}`;
}
