// Requests about reactions: 👍 👏 😂 ❓ 🙋, counted by the classroom, never stored.
import { OK, type Handlers } from './context.js';

/** Handlers of reaction requests. */
export const reactionHandlers: Handlers = {
  react({ classroom, participant }, req) {
    classroom.reactions.react(participant, req.emoji ?? '');
    return OK;
  },
};
