import type { SchoolRepositories } from '../School.js';
import { PostgresAttendanceRepository } from './PostgresAttendanceRepository.js';
import { PostgresBoardRepository } from './PostgresBoardRepository.js';
import { PostgresChatRepository } from './PostgresChatRepository.js';
import type { PostgresDatabase } from './PostgresDatabase.js';
import { PostgresDeliveryRepository } from './PostgresDeliveryRepository.js';
import { PostgresEndedClassRepository } from './PostgresEndedClassRepository.js';
import { PostgresHandoutRepository } from './PostgresHandoutRepository.js';
import { PostgresLeaveRepository } from './PostgresLeaveRepository.js';
import { PostgresNoticeRepository } from './PostgresNoticeRepository.js';
import { PostgresPollRepository } from './PostgresPollRepository.js';
import { PostgresPushSubscriptionRepository } from './PostgresPushSubscriptionRepository.js';
import { PostgresRecordingRepository } from './PostgresRecordingRepository.js';
import { PostgresRosterRepository } from './PostgresRosterRepository.js';
import { PostgresTranscriptRepository } from './PostgresTranscriptRepository.js';
import { PostgresWaitingRoomRepository } from './PostgresWaitingRoomRepository.js';

/** Every repository of a school, on one PostgreSQL connection. */
export function postgresRepositories(db: PostgresDatabase): SchoolRepositories {
  return {
    roster: new PostgresRosterRepository(db),
    attendance: new PostgresAttendanceRepository(db),
    leave: new PostgresLeaveRepository(db),
    notices: new PostgresNoticeRepository(db),
    chat: new PostgresChatRepository(db),
    handouts: new PostgresHandoutRepository(db),
    transcripts: new PostgresTranscriptRepository(db),
    endedClasses: new PostgresEndedClassRepository(db),
    waitingRooms: new PostgresWaitingRoomRepository(db),
    pushSubscriptions: new PostgresPushSubscriptionRepository(db),
    deliveries: new PostgresDeliveryRepository(db),
    polls: new PostgresPollRepository(db),
    recordings: new PostgresRecordingRepository(db),
    boards: new PostgresBoardRepository(db),
  };
}
