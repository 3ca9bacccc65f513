import type { Logger } from 'pino';
import { CosmoError, ErrorCode, isModerator } from '@cosmo/core';
import {
  ApertiumTranslator,
  CombinedTranslator,
  PocketsphinxSpeechToText,
  borrowEngine,
  type SpeechToText,
  type Translator,
  type WhisperSpeechToText,
} from '@cosmo/translate';
import type { School } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { ClassroomDirectory } from '../rooms/ClassroomDirectory.js';
import { ClassroomCaptions, type Lesson } from './ClassroomCaptions.js';
import type { VoiceProfiles } from './VoiceProfiles.js';

/** What the caption service runs on. */
export interface CaptionServiceOptions {
  /** pocketsphinx's cepstral mean for a voice it has not learnt yet. */
  cmnInit: string | undefined;
  /** The lesson model's share of the recogniser's language model (0–1). */
  lessonWeight: number | undefined;
  /** Utterances whose confidence is below this are shown as uncertain and not translated. */
  uncertainBelow: number | undefined;
  /** Each teacher's voice as the recogniser learnt it; absent: every lecture starts afresh. */
  voices: VoiceProfiles | undefined;
  /** The whisper engine for lessons in languages pocketsphinx does not know, shared by all rooms. */
  whisper: WhisperSpeechToText | undefined;
  /** Machine translation on the operator's models, for pairs apertium does not have. */
  machineTranslator: Translator | undefined;
  /** Where final lines are kept for transcripts (the school's records). */
  school: School | undefined;
  logger: Logger;
}

/**
 * Live captions for every classroom: one `ClassroomCaptions` per open classroom, the engines
 * they share (a recogniser chosen by the lesson's language, one translator), and the rule that
 * a moderator's microphone is what gets captioned.
 */
export class CaptionService {
  readonly #options: CaptionServiceOptions;
  readonly #rooms = new Map<string, ClassroomCaptions>();
  #translator: CombinedTranslator | undefined;
  #closed = false;

  constructor(classrooms: ClassroomDirectory, options: CaptionServiceOptions) {
    this.#options = options;
    classrooms.on('opened', (classroom) => this.#attach(classroom));
  }

  /** A classroom's lesson as a moderator set it, when it has one. */
  lessonOf(room: string): Lesson | undefined {
    const lesson = this.#rooms.get(room)?.lesson;
    return lesson?.text ? lesson : undefined;
  }

  /** The captions of an open classroom. */
  forRoom(room: string): ClassroomCaptions | undefined {
    return this.#rooms.get(room);
  }

  /**
   * Sets a classroom's lesson (text, spoken language, glossary, reviewed translations): everyone
   * learns the languages they can now read, and a moderator's microphone already live is
   * captioned from now on. Throws INVALID_ARGUMENT, changing nothing, when the translations do not
   * line up with the lesson's sentences.
   */
  setLesson(classroom: Classroom, lesson: Lesson): void {
    const captions = this.#rooms.get(classroom.room);
    if (!captions) throw new CosmoError(ErrorCode.UNAVAILABLE, 'captions are off on this server');
    // No recogniser for the language: refused now, so students are not offered captions that
    // would never come.
    if (lesson.text.trim()) this.#recognizerFor(lesson.language || 'en');
    captions.setLesson(lesson.text, lesson.language, lesson.glossary, lesson.translations ?? {});
    classroom.setCaptionLanguages(captions.languages());
    for (const p of classroom.participants.values()) {
      if (!isModerator(p.role)) continue;
      p.send({ lessonChanged: captions.lesson });
      const mic = p.producerBySource('microphone');
      if (mic) void captions.tapProducer(p, mic.producer);
    }
  }

  /** Stops every classroom's captions and the shared engines. No-op when already closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const captions of this.#rooms.values()) captions.close();
    this.#rooms.clear();
    await (this.#translator ?? this.#options.machineTranslator)?.close();
    await this.#options.whisper?.close();
    this.#options.voices?.close();
  }

  #attach(classroom: Classroom): void {
    if (this.#closed) return;
    const { logger, school } = this.#options;
    // apertium's pairs first (milliseconds a sentence), the machine-translation models for the rest.
    this.#translator ??= new CombinedTranslator([
      new ApertiumTranslator(),
      ...(this.#options.machineTranslator ? [this.#options.machineTranslator] : []),
    ]);
    const captions = new ClassroomCaptions(
      classroom,
      {
        recognizer: (text, language) => this.#recognizer(text, language),
        translator: this.#translator,
        voices: this.#options.voices && ((identity) => this.#options.voices!.calibration(identity)),
      },
      logger,
    );
    this.#rooms.set(classroom.room, captions);
    captions.onLine = (line) => {
      classroom.safeEmit('captionLine', line);
      if (!school) return;
      try {
        school.storeCaption(line);
      } catch (err) {
        logger.error({ err }, 'cannot store a transcript line');
      }
    };
    classroom.on('producerAdded', (p, producer, source) => {
      if (source === 'microphone' && isModerator(p.role)) void captions.tapProducer(p, producer);
    });
    classroom.once('closed', () => {
      captions.close();
      if (this.#rooms.get(classroom.room) === captions) this.#rooms.delete(classroom.room);
    });
  }

  /**
   * Which engine hears `language`: the shared whisper model (returned), or pocketsphinx for
   * English (undefined). Throws MODEL_MISSING when none does.
   */
  #recognizerFor(language: string): WhisperSpeechToText | undefined {
    if (language === 'en') return undefined;
    const whisper = this.#options.whisper;
    if (whisper?.capabilities.languages.includes(language)) return whisper;
    throw new CosmoError(
      ErrorCode.MODEL_MISSING,
      whisper
        ? `the whisper model ${whisper.options.model} does not know '${language}'`
        : `no offline recogniser for '${language}': configure a whisper model (captionWhisperModel)`,
    );
  }

  /**
   * English lessons use pocketsphinx with the lesson's vocabulary; other languages the
   * configured whisper model, shared by every classroom.
   */
  #recognizer(lessonText: string, language: string): SpeechToText {
    const whisper = this.#recognizerFor(language);
    if (whisper) return borrowEngine(whisper, { prompt: lessonText });
    const { cmnInit, lessonWeight, uncertainBelow } = this.#options;
    return new PocketsphinxSpeechToText({
      lessonText,
      ...(cmnInit && { cmnInit }),
      ...(lessonWeight !== undefined && { lessonWeight }),
      ...(uncertainBelow !== undefined && { uncertainBelow }),
    });
  }
}
