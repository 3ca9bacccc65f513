import type { CosmoError } from '@cosmo/core';
import type { VadOptions } from './vad/VoiceActivityDetector.js';

/** A recognition result. `final` results replace the interim ones of the same utterance. */
export type SpeechEvent =
  | {
      type: 'interim' | 'final';
      text: string;
      startMs: number;
      endMs: number;
      confidence: number;
      utterance: number;
    }
  | { type: 'error'; error: CosmoError };

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

/** A view of an engine many classrooms share: its `close()` leaves the engine running. */
export function borrowEngine(engine: SpeechToText): SpeechToText {
  return new (class extends SpeechToText {
    readonly label = engine.label;
    readonly capabilities = engine.capabilities;
    stream(options?: StreamOptions): SpeechStream {
      return engine.stream(options);
    }
    async close(): Promise<void> {}
  })();
}
