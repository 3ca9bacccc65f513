import { permissionsFromProto } from '@cosmo/core';
// Requests about the room: chat, hands, moderation, the end of class.
import { OK, required, type Handlers } from './context.js';
import { source } from './media.js';

/** Handlers of classroom requests. */
export const roomHandlers: Handlers = {
  sendChat({ classroom, participant }, req) {
    classroom.chat(participant, req.text ?? '', req.toParticipantId ?? '');
    return OK;
  },
  raiseHand({ classroom, participant }) {
    classroom.raiseHand(participant);
    return OK;
  },
  lowerHand({ classroom, participant }, req) {
    classroom.lowerHand(participant, req.participantId ?? '', Boolean(req.all));
    return OK;
  },
  mute({ classroom, participant }, req) {
    classroom.mute(
      participant,
      req.participantId ?? '',
      Boolean(req.all),
      (req.sources ?? []).map(source),
    );
    return OK;
  },
  setPermissions({ classroom, participant }, req) {
    const p = required(req.permissions, 'permissions');
    classroom.setPermissions(participant, req.participantId ?? '', permissionsFromProto(p));
    return OK;
  },
  lockRoom({ classroom, participant }, req) {
    classroom.lock(participant, Boolean(req.locked));
    return OK;
  },
  endClass({ classroom, participant }) {
    classroom.end(participant);
    return OK;
  },
};
