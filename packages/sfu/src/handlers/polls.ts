// Requests about polls and quizzes: moderators start, close, show and prepare them; everyone
// who may answers them.
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { ClassroomPolls } from '../rooms/ClassroomPolls.js';
import { OK, type Handlers, type JoinedContext } from './context.js';

function pollsOf({ polls, classroom }: JoinedContext): ClassroomPolls {
  const found = polls?.forRoom(classroom.room);
  if (!found) throw new CosmoError(ErrorCode.UNAVAILABLE, 'polls are off on this server');
  return found;
}

/** Handlers of poll requests. */
export const pollHandlers: Handlers = {
  startPoll(ctx, req) {
    const poll = pollsOf(ctx).start(ctx.participant, req.question, req.preparedId ?? '');
    ctx.classroom.safeEmit('pollStarted', poll.question?.question ?? '');
    return { poll };
  },
  vote(ctx, req) {
    pollsOf(ctx).vote(ctx.participant, req.pollId ?? '', req.choices ?? [], req.text ?? '');
    return OK;
  },
  closePoll(ctx, req) {
    return { poll: pollsOf(ctx).closePoll(ctx.participant, req.pollId ?? '') };
  },
  showPollResults(ctx, req) {
    return { poll: pollsOf(ctx).show(ctx.participant, req.pollId ?? '', Boolean(req.shown)) };
  },
  savePreparedPoll(ctx, req) {
    const polls = pollsOf(ctx).savePrepared(
      ctx.participant,
      req.id ?? '',
      req.question,
      Boolean(req.remove),
    );
    return { preparedPolls: { polls } };
  },
  preparedPolls(ctx) {
    return { preparedPolls: { polls: pollsOf(ctx).preparedPolls(ctx.participant) } };
  },
};
