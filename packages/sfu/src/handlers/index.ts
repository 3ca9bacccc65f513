import type { ClientRequestKind } from '@cosmo/core';
import { boardHandlers } from './board.js';
import { breakoutHandlers } from './breakouts.js';
import { captionHandlers } from './captions.js';
import type { Handlers } from './context.js';
import { mediaHandlers } from './media.js';
import { pollHandlers } from './polls.js';
import { reactionHandlers } from './reactions.js';
import { recordingHandlers } from './recording.js';
import { roomHandlers } from './room.js';
import { schoolHandlers } from './school.js';
import { waitingRoomHandlers } from './waitingRoom.js';

export type { Handler, Handlers, JoinedContext } from './context.js';

/**
 * Handlers of the requests a joined participant makes, by request kind, from every area. Join,
 * resume, leave, ping and event acknowledgements are the dispatcher's own.
 */
export const joinedHandlers: Handlers = {
  ...mediaHandlers,
  ...roomHandlers,
  ...captionHandlers,
  ...schoolHandlers,
  ...reactionHandlers,
  ...waitingRoomHandlers,
  ...breakoutHandlers,
  ...pollHandlers,
  ...recordingHandlers,
  ...boardHandlers,
};

/** Every request kind a joined participant may send. */
export const JOINED_REQUESTS = Object.keys(joinedHandlers) as ClientRequestKind[];
