// Requests about breakout rooms: a moderator runs them, students pick a room in choose mode.
import { OK, type Handlers } from './context.js';

/** Handlers of breakout requests (the breakout service does the work and the checks). */
export const breakoutHandlers: Handlers = {
  async startBreakout({ classroom, participant, breakouts }, req) {
    await breakouts.start(classroom, participant, req);
    return OK;
  },
  extendBreakout({ classroom, participant, breakouts }, req) {
    breakouts.extend(classroom, participant, req.seconds ?? 0);
    return OK;
  },
  async endBreakout({ classroom, participant, breakouts }) {
    await breakouts.end(classroom, participant);
    return OK;
  },
  breakoutMessage({ classroom, participant, breakouts }, req) {
    breakouts.message(classroom, participant, req.text ?? '');
    return OK;
  },
  async chooseBreakoutRoom({ classroom, participant, breakouts }, req) {
    await breakouts.choose(classroom, participant, req.roomId ?? '');
    return OK;
  },
  async visitBreakoutRoom({ classroom, participant, breakouts }, req) {
    await breakouts.visit(classroom, participant, req.roomId ?? '');
    return OK;
  },
};
