// Requests about the shared board: y-protocols messages inside Cosmo's frames.
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { Handlers } from './context.js';

/** Handlers of board requests. */
export const boardHandlers: Handlers = {
  async boardMessage({ boards, classroom, participant }, req) {
    if (!boards) throw new CosmoError(ErrorCode.UNAVAILABLE, 'the board is off on this server');
    const messages = await boards
      .forRoom(classroom.room)
      .receive(participant, req.message ?? new Uint8Array());
    return { boardReply: { messages } };
  },
};
