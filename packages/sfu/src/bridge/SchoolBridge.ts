import type { cosmo } from '@cosmo/core';
import type { School } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { Participant } from '../Participant.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import type { Sessions } from '../sessions/Sessions.js';
import { chatToProto, handoutToProto, noticeToProto } from './wire.js';

/** What a joining participant is handed from the school's records with its join response. */
export interface JoinRecords {
  recentChat: cosmo.v1.ChatMessage.$Properties[];
  handouts: cosmo.v1.Handout.$Properties[];
}

/**
 * Where classrooms meet the school's records: notices, receipt summaries and new handouts are
 * pushed to the people they concern; a join is recorded for attendance and brings the person's
 * unread inbox, the class's recent chat and its handouts.
 */
export class SchoolBridge {
  readonly school: School;

  constructor(school: School, sessions: Sessions, classrooms: ClassroomDirectory) {
    this.school = school;
    school.on('deliver', (personId, notice, reminder) => {
      for (const p of sessions.participantsOf(personId))
        p.send({ notification: noticeToProto(notice, reminder) });
    });
    school.on('receipts', (notice, r) => {
      const summary = {
        notificationId: notice.id,
        recipients: r.recipients,
        delivered: r.delivered,
        read: r.read,
      };
      for (const p of sessions.participantsOf(notice.senderId))
        p.send({ receiptSummary: summary }, false);
    });
    school.on('handoutAdded', (handout) => {
      for (const classroom of classrooms.open.values()) {
        if (classroom.classId === handout.classId)
          classroom.broadcast({ handoutAdded: handoutToProto(handout) });
      }
    });
    school.startReminders((personId) => sessions.isConnected(personId));
  }

  /**
   * A participant joined: its presence is recorded (and its leaving, later), and its unread
   * inbox follows the join response. Returns what the response carries from the records.
   */
  admitted(participant: Participant, classroom: Classroom): JoinRecords {
    const { school } = this;
    // A breakout room's presence is its main room's lecture's (the lecture id is that room).
    const room = classroom.lectureId || classroom.room;
    school.recordPresence(room, participant.identity, 'join');
    participant.once('closed', () => school.recordPresence(room, participant.identity, 'leave'));
    const pending = school.inboxFor(participant.identity);
    if (pending.length > 0) {
      // After the join response, which goes out when the join request completes.
      setImmediate(() => {
        for (const notice of pending)
          participant.send({ notification: noticeToProto(notice, false) });
      });
    }
    return {
      recentChat: school.chatHistory(classroom.room, participant.identity, 50).map(chatToProto),
      handouts: classroom.classId
        ? school.repos.handouts.forClass(classroom.classId).map(handoutToProto)
        : [],
    };
  }
}
