// Requests about captions: the lesson, and the language a participant reads.
import { CosmoError, ErrorCode, canonicalLanguageTag, lessonProblems } from '@cosmo/core';
import { OK, type Handlers } from './context.js';

/** Handlers of caption requests. */
export const captionHandlers: Handlers = {
  subscribeCaptions({ classroom, participant }, req) {
    const language = req.language ? canonicalLanguageTag(req.language) : '';
    if (language === undefined) {
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
    const lesson = {
      text: req.text ?? '',
      language: req.language || 'en',
      glossary: { ...(req.glossary ?? {}) },
      translations: { ...(req.translations ?? {}) },
    };
    // The first problem, with its reason and values: the teacher's page says it in her language.
    const [problem] = lessonProblems(lesson);
    if (problem) {
      const { reason, params, message } = problem;
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, message, { reason, params });
    }
    // Tags in one form (`ZH` and `zh` are one language), translations with no text left out.
    const translations = Object.fromEntries(
      Object.entries(lesson.translations)
        .filter(([, text]) => text.trim())
        .map(([tag, text]) => [canonicalLanguageTag(tag)!, text]),
    );
    ctx.captions.setLesson(ctx.classroom, {
      ...lesson,
      language: canonicalLanguageTag(lesson.language) ?? lesson.language,
      translations,
    });
    return OK;
  },
};
