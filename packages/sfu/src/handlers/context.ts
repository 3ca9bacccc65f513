import type { ClientRequestKind, cosmo } from '@cosmo/core';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { School } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { CaptionService } from '../captions/CaptionService.js';
import type { EventBody, Participant } from '../Participant.js';
import type { BreakoutService } from '../rooms/BreakoutService.js';
import type { PollService } from '../rooms/PollService.js';
import type { RecordingService } from '../recording/RecordingService.js';
import type { BoardService } from '../board/BoardService.js';

/** What a request handler works on: a joined participant in its classroom, and the services. */
export interface JoinedContext {
  classroom: Classroom;
  participant: Participant;
  school: School | undefined;
  captions: CaptionService | undefined;
  breakouts: BreakoutService;
  /** Polls and quizzes (absent: polls are off). */
  polls?: PollService;
  /** Lecture recordings (absent: recording is off). */
  recordings?: RecordingService | undefined;
  /** The shared boards. */
  boards?: BoardService | undefined;
}

type Body<K extends ClientRequestKind> = NonNullable<cosmo.v1.ClientFrame[K]>;

/** Handles one kind of request of a joined participant; resolves with the response body. */
export type Handler<K extends ClientRequestKind> = (
  ctx: JoinedContext,
  request: Body<K>,
) => EventBody | Promise<EventBody>;

/** Handlers by request kind (each area's table). */
export type Handlers = { [K in ClientRequestKind]?: Handler<K> };

/** The answer of a request that has nothing to say but that it was done. */
export const OK: EventBody = { ok: {} };

/** A required field, or INVALID_ARGUMENT naming it. */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, `${what} is required`);
  return value;
}
