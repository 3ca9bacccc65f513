import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import {
  CosmoError,
  ErrorCode,
  SharedServerEvent,
  primaryLanguage,
  toCosmoError,
} from '@cosmo/core';
import {
  Glossary,
  TranslationMemory,
  elideUnsureWords,
  type MemoryMatch,
  type SpeechEvent,
  type SpeechStream,
  type SpeechToText,
  type Translator,
  type VoiceCalibration,
} from '@cosmo/translate';
import type { TranscriptLine } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import type { Participant } from '../Participant.js';
import { AudioTap } from './AudioTap.js';

/** Where captions come from: a recogniser per lesson, and a translator. */
export interface CaptionEngines {
  /** Builds a recogniser tuned to the lesson text; throws UNAVAILABLE / MODEL_MISSING when it cannot. */
  recognizer(lessonText: string, language: string): SpeechToText;
  translator: Translator | undefined;
  /** Where each speaker's voice calibration is kept, by identity. */
  voices?: ((identity: string) => VoiceCalibration) | undefined;
}

/** A lesson as a moderator gives it: text, spoken language, glossary, reviewed translations. */
export interface Lesson {
  text: string;
  language: string;
  glossary: Record<string, string>;
  translations?: Record<string, string>;
}

/** Timings, for the bench. */
export type CaptionObserver = (event: {
  kind: 'final' | 'translated';
  language: string;
  ms: number;
}) => void;

interface Tap {
  tap: AudioTap;
  stream: SpeechStream;
  engine: SpeechToText;
}

/**
 * Live captions of one classroom: taps each teacher's microphone, recognises it against the
 * lesson's vocabulary, translates each final sentence into the languages students picked (and only
 * those), and sends captions to each student in their language. When an engine or model is
 * missing, the teacher gets the error and the lecture goes on without captions.
 */
export class ClassroomCaptions {
  readonly #classroom: Classroom;
  readonly #engines: CaptionEngines;
  readonly #logger: Logger;
  readonly #taps = new Map<string, Tap>();
  #lesson = {
    text: '',
    language: 'en',
    glossary: new Glossary({}),
    memory: undefined as TranslationMemory | undefined,
    given: { text: '', language: 'en', glossary: {}, translations: {} } as Required<Lesson>,
  };
  #utterance = 0;
  #closed = false;
  observer: CaptionObserver | undefined;
  /** Stores each final line (spoken and translated) for the transcript. */
  onLine: ((line: TranscriptLine) => void) | undefined;

  constructor(classroom: Classroom, engines: CaptionEngines, logger: Logger) {
    this.#classroom = classroom;
    this.#engines = engines;
    this.#logger = logger;
  }

  /** The lesson as it was given (what moderators are shown). */
  get lesson(): Required<Lesson> {
    return this.#lesson.given;
  }

  /**
   * Languages students can pick, only those captions will arrive in: the spoken one, then each the
   * lesson's translation memory has reviewed lines for, then each the translator reaches from it.
   */
  languages(): string[] {
    if (!this.#lesson.text) return [];
    const from = this.#lesson.language;
    const reviewed = [from, ...(this.#lesson.memory?.languages ?? [])];
    // A machine language already offered with reviewed lines (zh beside zh-Hans) is not offered
    // twice: readers of that entry get the machine's translation where no line matches.
    const covered = new Set(reviewed.map(primaryLanguage));
    const machine = this.#machinePairs().filter((l) => !covered.has(primaryLanguage(l)));
    return [...new Set([...reviewed, ...machine])];
  }

  /** The language the translator writes for readers of `picked` (`zh` for `zh-Hans`), if any. */
  #machineTarget(picked: string, machine: Set<string>): string | undefined {
    if (machine.has(picked)) return picked;
    const primary = primaryLanguage(picked);
    return machine.has(primary) ? primary : undefined;
  }

  /** Languages the translator reaches from the spoken one. */
  #machinePairs(): string[] {
    const from = this.#lesson.language;
    return (this.#engines.translator?.capabilities.pairs ?? [])
      .filter((p) => p.startsWith(`${from}-`))
      .map((p) => p.slice(from.length + 1));
  }

  /**
   * Sets the lesson, with its reviewed translations (BCP 47 tag → one line per lesson sentence).
   * Microphones being captioned restart with the new vocabulary (the caller taps them again);
   * empty text turns captions off. Throws INVALID_ARGUMENT, changing nothing, when the text is too
   * long or a language's lines do not line up with the sentences.
   */
  setLesson(
    text: string,
    language: string,
    glossary: Record<string, string>,
    translations: Record<string, string> = {},
  ): void {
    if (text.length > 100_000)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'the lesson text is at most 100,000 characters',
      );
    const spoken = language || 'en';
    const memory = Object.values(translations).some((t) => t.trim())
      ? new TranslationMemory(text, spoken, translations)
      : undefined;
    const changed = text !== this.#lesson.text || spoken !== this.#lesson.language;
    const given = { text, language: spoken, glossary, translations };
    this.#lesson = { text, language: spoken, glossary: new Glossary(glossary), memory, given };
    if (changed) for (const { tap } of [...this.#taps.values()]) tap.close('lesson changed');
  }

  /** Starts captioning a speaker's microphone; failures reach the speaker, not the lecture. */
  async tapProducer(speaker: Participant, producer: ms.Producer): Promise<void> {
    if (this.#closed || !this.#lesson.text || this.#taps.has(producer.id)) return;
    let engine: SpeechToText | undefined;
    try {
      engine = this.#engines.recognizer(this.#lesson.text, this.#lesson.language);
      const missing = (engine as { missingWords?: string[] }).missingWords;
      if (missing?.length)
        this.#logger.warn(
          { room: this.#classroom.room, words: missing },
          'lesson words the recogniser cannot pronounce are left out of its vocabulary',
        );
      const tap = await AudioTap.open(this.#classroom.router, producer);
      const calibration = this.#engines.voices?.(speaker.identity);
      const stream = engine.stream({
        language: this.#lesson.language,
        ...(calibration && { calibration }),
      });
      tap.on('pcm', (pcm) => stream.write(pcm));
      tap.once('closed', () => {
        stream.end();
        this.#taps.delete(producer.id);
      });
      this.#taps.set(producer.id, { tap, stream, engine });
      void this.#consume(speaker, stream, engine, Date.now() - this.#classroom.startedAt);
    } catch (err) {
      void engine?.close();
      const error = toCosmoError(err);
      this.#logger.warn({ err, room: this.#classroom.room }, 'captions unavailable');
      speaker.send({ errorEvent: { error: error.toWire() } });
    }
  }

  async #consume(
    speaker: Participant,
    stream: SpeechStream,
    engine: SpeechToText,
    openedAtMs: number,
  ): Promise<void> {
    // The caption sequence of each utterance still being spoken.
    const sequences = new Map<number, number>();
    for await (const event of stream) {
      if (event.type === 'error') {
        speaker.send({ errorEvent: { error: event.error.toWire() } });
        continue;
      }
      const final = event.type === 'final';
      const heardAt = performance.now();
      if (final) this.observer?.({ kind: 'final', language: this.#lesson.language, ms: 0 });
      // One sequence per utterance: a final replaces the interims that carry its number.
      const sequence = sequences.get(event.utterance) ?? ++this.#utterance;
      sequences.set(event.utterance, sequence);
      if (final) sequences.delete(event.utterance);
      await this.#deliver(speaker, event, {
        sequence,
        final,
        startMs: openedAtMs + event.startMs,
        endMs: openedAtMs + event.endMs,
        heardAt,
      });
    }
    await engine.close();
  }

  /**
   * Sends one result to every reader in the language they picked: the lesson's reviewed line when
   * the result matches a lesson sentence, else (finals only) a machine translation when the
   * translator has the pair, else the spoken words marked `untranslated`. An uncertain result is never translated (a
   * translated guess reads as fluent and misleads twice): every reader gets the spoken words,
   * flagged, with the unsure ones elided.
   */
  async #deliver(
    speaker: Participant,
    event: Extract<SpeechEvent, { type: 'interim' | 'final' }>,
    line: { sequence: number; final: boolean; startMs: number; endMs: number; heardAt: number },
  ): Promise<void> {
    const { sequence, final, startMs, endMs, heardAt } = line;
    const { confidence, uncertain } = event;
    const spoken = this.#lesson.language;
    const text = uncertain ? elideUnsureWords(event.text, event.words) : event.text;
    const store = (language: string, words: string) => {
      if (final)
        this.onLine?.({
          room: this.#classroom.room,
          sequence,
          speaker: speaker.identity,
          language,
          text: words,
          startMs,
          endMs,
          ...(uncertain && { uncertain }),
        });
    };
    store(spoken, text);
    const byLanguage = new Map<string, Participant[]>();
    for (const p of this.#classroom.participants.values()) {
      if (!p.captionLanguage) continue;
      const list = byLanguage.get(p.captionLanguage) ?? [];
      list.push(p);
      byLanguage.set(p.captionLanguage, list);
    }
    const match = uncertain ? undefined : this.#lesson.memory?.match(text);
    const machine = new Set(this.#machinePairs());
    for (const [picked, readers] of byLanguage) {
      const rendered = await this.#render(text, picked, { final, uncertain, match, machine });
      if (!rendered) continue;
      const { language, words, untranslated } = rendered;
      if (language !== spoken) {
        store(language, words);
        if (final)
          this.observer?.({ kind: 'translated', language, ms: performance.now() - heardAt });
      }
      const caption = {
        speakerId: speaker.id,
        language,
        text: words,
        final,
        startMs,
        endMs,
        confidence,
        sequence,
        uncertain,
        untranslated,
      };
      // Interims are ephemeral (dropped under backpressure, never replayed); finals are kept.
      const event = new SharedServerEvent({ caption: { caption } });
      for (const p of readers) p.send(event, final);
    }
  }

  /**
   * One result in the language a reader picked: the reviewed line, the machine's translation, or
   * the spoken words marked untranslated. Undefined when the translator failed (logged; the reader
   * gets the next sentence).
   */
  async #render(
    text: string,
    picked: string,
    how: {
      final: boolean;
      uncertain: boolean;
      match: MemoryMatch | undefined;
      machine: Set<string>;
    },
  ): Promise<{ language: string; words: string; untranslated: boolean } | undefined> {
    const spoken = this.#lesson.language;
    if (picked === spoken) return { language: spoken, words: text, untranslated: false };
    const untranslated = { language: spoken, words: text, untranslated: true };
    if (how.uncertain) return untranslated;
    const memory = this.#lesson.memory;
    // A reader of `zh` gets the lines reviewed as `zh-Hans` (the same readers), and the other way.
    const reviewedAs = memory?.languages.includes(picked)
      ? picked
      : memory?.languages.find((l) => primaryLanguage(l) === primaryLanguage(picked));
    const reviewed = how.match && reviewedAs && memory?.line(how.match, reviewedAs);
    if (reviewed) return { language: picked, words: reviewed, untranslated: false };
    // An interim cannot be judged yet (no word scores until the sentence ends): a machine
    // translation of it could be a fluent translation of a wrong guess, so it waits for the final.
    const translator = this.#engines.translator;
    const target = this.#machineTarget(picked, how.machine);
    if (!how.final || !translator || !target) return untranslated;
    try {
      const { text: protectedText, restore } = this.#lesson.glossary.protect(text);
      const words = restore(await translator.translate(protectedText, spoken, target));
      return { language: picked, words, untranslated: false };
    } catch (err) {
      this.#logger.warn({ err, language: picked }, 'translation failed');
      return undefined;
    }
  }

  /** Stops every tap. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { tap } of this.#taps.values()) tap.close('classroom closed');
    this.#taps.clear();
  }
}
