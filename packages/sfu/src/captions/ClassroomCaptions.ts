import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { CosmoError, ErrorCode, SharedServerEvent, toCosmoError } from '@cosmo/core';
import {
  Glossary,
  elideUnsureWords,
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
  #lesson = { text: '', language: 'en', glossary: new Glossary({}) };
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

  /** Languages students can pick: the spoken one, then every pair the translator has from it. */
  languages(): string[] {
    if (!this.#lesson.text) return [];
    const from = this.#lesson.language;
    const targets = (this.#engines.translator?.capabilities.pairs ?? [])
      .filter((p) => p.startsWith(`${from}-`))
      .map((p) => p.slice(from.length + 1));
    return [from, ...new Set(targets)];
  }

  /**
   * Sets the lesson. Microphones being captioned restart with the new vocabulary (the caller taps
   * them again); empty text turns captions off.
   */
  setLesson(text: string, language: string, glossary: Record<string, string>): void {
    if (text.length > 100_000)
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        'the lesson text is at most 100,000 characters',
      );
    const changed = text !== this.#lesson.text || (language || 'en') !== this.#lesson.language;
    this.#lesson = { text, language: language || 'en', glossary: new Glossary(glossary) };
    if (changed) for (const { tap } of [...this.#taps.values()]) tap.close('lesson changed');
  }

  /** Starts captioning a speaker's microphone; failures reach the speaker, not the lecture. */
  async tapProducer(speaker: Participant, producer: ms.Producer): Promise<void> {
    if (this.#closed || !this.#lesson.text || this.#taps.has(producer.id)) return;
    let engine: SpeechToText | undefined;
    try {
      engine = this.#engines.recognizer(this.#lesson.text, this.#lesson.language);
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
   * Sends one result to every reader in the language they picked. An uncertain result is never
   * translated (a translated guess reads as fluent and misleads twice): every reader gets the
   * spoken words, flagged, with the unsure ones elided.
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
      const language = uncertain ? spoken : p.captionLanguage;
      const list = byLanguage.get(language) ?? [];
      list.push(p);
      byLanguage.set(language, list);
    }
    for (const [language, readers] of byLanguage) {
      let words = text;
      if (language !== spoken) {
        const translator = this.#engines.translator;
        if (!translator) continue;
        try {
          const { text: protectedText, restore } = this.#lesson.glossary.protect(text);
          words = restore(await translator.translate(protectedText, spoken, language));
          store(language, words);
          if (final)
            this.observer?.({ kind: 'translated', language, ms: performance.now() - heardAt });
        } catch (err) {
          this.#logger.warn({ err, language }, 'translation failed');
          continue;
        }
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
      };
      // Interims are ephemeral (dropped under backpressure, never replayed); finals are kept.
      const event = new SharedServerEvent({ caption: { caption } });
      for (const p of readers) p.send(event, final);
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
