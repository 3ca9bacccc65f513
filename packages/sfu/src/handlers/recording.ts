// Requests about recording the lecture: moderators start and stop it.
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { RecordingService } from '../recording/RecordingService.js';
import type { Handlers, JoinedContext } from './context.js';

function recordingsOf({ recordings }: JoinedContext): RecordingService {
  if (!recordings)
    throw new CosmoError(ErrorCode.UNAVAILABLE, 'recording is turned off on this server', {
      reason: 'RECORDING_OFF',
    });
  return recordings;
}

/** Handlers of recording requests. */
export const recordingHandlers: Handlers = {
  startRecording(ctx, req) {
    const state = recordingsOf(ctx).start(
      ctx.classroom,
      ctx.participant,
      Boolean(req.allowDownload),
    );
    return { recordingChanged: { state } };
  },
  async stopRecording(ctx) {
    const state = await recordingsOf(ctx).stop(ctx.classroom, ctx.participant);
    return { recordingChanged: { state } };
  },
};
