import type { CosmoError } from '@cosmo/core';
import type { VadOptions } from './vad/VoiceActivityDetector.js';

/** One recognised word and how sure the engine is of it (0–1). */
export interface WordConfidence {
  text: string;
  confidence: number;
}

/** A recognition result. `final` results replace the interim ones of the same utterance. */
export type SpeechEvent =
  | {
      type: 'interim' | 'final';
      text: string;
      startMs: number;
      endMs: number;
      /** 0–1, for the whole utterance: what `uncertain` is decided on. */
      confidence: number;
      /**
       * The engine doubts this is what was said (for the lesson-tuned engine: most likely speech
       * off the lesson's script). Show it as unsure and do not translate it.
       */
      uncertain: boolean;
      /** The words of `text`, each with its confidence, where the engine gives them. */
      words: WordConfidence[];
      utterance: number;
    }
  | { type: 'error'; error: CosmoError };

/** Words below this confidence are elided from an uncertain caption. */
export const UNSURE_WORD_BELOW = 0.4;

/**
 * What to show of an uncertain result: its sure words, each run of unsure ones as "…" (a
 * sure-looking wrong sentence misleads; a gap does not). Without per-word scores, the text.
 */
export function elideUnsureWords(
  text: string,
  words: readonly WordConfidence[],
  below = UNSURE_WORD_BELOW,
): string {
  if (words.length === 0) return text;
  const out: string[] = [];
  for (const w of words) {
    if (w.confidence >= below) out.push(w.text);
    else if (out.at(-1) !== '…') out.push('…');
  }
  return out.join(' ');
}

/**
 * A speaker's voice as the engine learnt it (pocketsphinx: her cepstral mean), kept per teacher
 * by the caller so that her next lecture starts from it.
 */
export interface VoiceCalibration {
  /** What the engine learnt of this voice before, if anything. */
  initial: string | undefined;
  /** Called with what the engine knows of the voice after each utterance. */
  update(value: string): void;
}

/** What an engine can do. */
export interface SpeechToTextCapabilities {
  /** BCP 47 languages it recognises. */
  languages: string[];
  /** Whether it sends interim results before the final one. */
  interim: boolean;
}

/** One utterance stream: write 16 kHz mono 16-bit PCM, read events. */
export interface SpeechStream extends AsyncIterable<SpeechEvent> {
  /** Feeds samples (16 kHz, mono, signed 16-bit). */
  write(pcm: Int16Array): void;
  /** No more audio: the last final result follows, then the iterator ends. */
  end(): void;
  /** Stops at once, dropping pending results. */
  close(): void;
}

/** How a stream listens. */
export interface StreamOptions {
  /** BCP 47 language spoken, for multilingual engines. */
  language?: string;
  /** How the voice activity detector cuts utterances. */
  vad?: Partial<VadOptions>;
  /** An interim result every this much speech (ms); 0 sends finals only. */
  interimMs?: number;
  /** The speaker's voice: where the engine starts from, and where it keeps what it learns. */
  calibration?: VoiceCalibration;
  /** Text the speaker is likely to say (the lesson's), for engines primed with a prompt. */
  prompt?: string;
}

/** A speech-to-text engine (LiveKit agents' plugin shape). */
export abstract class SpeechToText {
  /** Human name, e.g. `pocketsphinx`. */
  abstract readonly label: string;
  abstract readonly capabilities: SpeechToTextCapabilities;
  /** Opens a recognition stream. */
  abstract stream(options?: StreamOptions): SpeechStream;
  /** Frees the engine's resources. */
  abstract close(): Promise<void>;
}

/** A queue that an engine pushes events into and a consumer iterates. */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiting: ((r: IteratorResult<T>) => void) | undefined;
  #done = false;

  push(item: T): void {
    if (this.#done) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: item, done: false });
    } else this.#items.push(item);
  }

  finish(): void {
    this.#done = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiting = resolve));
      },
    };
  }
}

/**
 * A view of an engine many classrooms share: its `close()` leaves the engine running, and its
 * streams open with the classroom's `defaults` (its lesson as `prompt`) unless told otherwise.
 */
export function borrowEngine(engine: SpeechToText, defaults: StreamOptions = {}): SpeechToText {
  return new (class extends SpeechToText {
    readonly label = engine.label;
    readonly capabilities = engine.capabilities;
    stream(options?: StreamOptions): SpeechStream {
      return engine.stream({ ...defaults, ...options });
    }
    async close(): Promise<void> {}
  })();
}
