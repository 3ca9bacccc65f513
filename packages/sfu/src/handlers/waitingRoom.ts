// Requests about the waiting room: its settings, and letting people in or not.
import { OK, type Handlers } from './context.js';

/** Handlers of waiting-room requests (moderators). */
export const waitingRoomHandlers: Handlers = {
  setWaitingRoom({ classroom, participant }, req) {
    classroom.waitingRoom.configure(participant, {
      enabled: Boolean(req.enabled),
      admitRoster: Boolean(req.admitRoster),
    });
    return { waitingRoom: classroom.waitingRoom.view() };
  },
  admit({ classroom, participant }, req) {
    classroom.waitingRoom.admit(participant, req.identities ?? [], Boolean(req.all));
    return OK;
  },
  refuse({ classroom, participant }, req) {
    classroom.waitingRoom.refuse(participant, req.identity ?? '');
    return OK;
  },
};
