// Requests about captions: the lesson, and the language a participant reads.
import { CosmoError, ErrorCode, isLanguageTag } from '@cosmo/core';
import { OK, type Handlers } from './context.js';

/** Handlers of caption requests. */
export const captionHandlers: Handlers = {
  subscribeCaptions({ classroom, participant }, req) {
    const language = req.language ?? '';
    if (language && !isLanguageTag(language)) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'language must be a BCP 47 tag like "es"');
    }
    participant.setCaptionLanguage(language);
    classroom.broadcast({ participantUpdated: { participant: participant.info() } });
    return OK;
  },
  setLesson(ctx, req) {
    ctx.classroom.authorize(ctx.participant, 'manageCaptions');
    if (!ctx.captions)
      throw new CosmoError(ErrorCode.UNAVAILABLE, 'captions are off on this server');
    ctx.captions.setLesson(ctx.classroom, {
      text: req.text ?? '',
      language: req.language || 'en',
      glossary: { ...(req.glossary ?? {}) },
      translations: { ...(req.translations ?? {}) },
    });
    return OK;
  },
};
