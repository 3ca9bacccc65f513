import { CosmoError, ErrorCode } from '@cosmo/core';

/** How speech is cut into utterances. */
export interface VadOptions {
  /** WebRTC VAD aggressiveness, 0 (keeps most) to 3 (drops most non-speech). */
  mode: 0 | 1 | 2 | 3;
  /** Speech needed to open an utterance (ms); shorter clicks and breaths are ignored. */
  startMs: number;
  /** Silence that closes an utterance (ms): a sentence's end, not a breath between words. */
  endMs: number;
  /** Audio kept from before the speech was detected (ms), so the first phoneme is not cut. */
  preRollMs: number;
  /** An utterance longer than this is cut (ms), so a teacher who never pauses still gets captions. */
  maxUtteranceMs: number;
}

export const VAD_DEFAULTS: VadOptions = {
  mode: 2,
  startMs: 90,
  endMs: 360,
  preRollMs: 150,
  maxUtteranceMs: 12_000,
};

/** What the segmenter saw in the audio written to it. Times are from the first sample written. */
export type VadEvent =
  | { type: 'start'; atMs: number; pcm: Int16Array }
  | { type: 'speech'; pcm: Int16Array; voiced: boolean }
  | { type: 'end'; atMs: number; reason: 'silence' | 'length' | 'flush' };

const RATE = 16000;
const FRAME = 480; // 30 ms at 16 kHz
const FRAME_MS = 30;

interface FvadModule {
  _fvad_new(): number;
  _fvad_free(inst: number): void;
  _fvad_set_mode(inst: number, mode: number): number;
  _fvad_set_sample_rate(inst: number, rate: number): number;
  _fvad_process(inst: number, ptr: number, length: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAP16: Int16Array;
}

let loading: Promise<FvadModule> | undefined;
/** The wasm module is compiled once per process and shared by every detector. */
function fvadModule(): Promise<FvadModule> {
  // The package ships no types: its default export is the Emscripten module factory.
  const specifier: string = '@echogarden/fvad-wasm';
  loading ??= (import(specifier) as Promise<{ default: () => Promise<FvadModule> }>)
    .then((m) => m.default())
    .catch((err: unknown) => {
      loading = undefined;
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `the WebRTC VAD (wasm) could not load: ${String(err)}`,
      );
    });
  return loading;
}

/**
 * Cuts 16 kHz mono speech into utterances with the WebRTC voice activity detector (libfvad as
 * wasm, ~8 µs per 30 ms frame). An utterance opens after `startMs` of speech (with `preRollMs` of
 * what came before) and closes after `endMs` of silence or at `maxUtteranceMs`.
 */
export class VoiceActivityDetector {
  readonly options: VadOptions;
  readonly #fvad: FvadModule;
  readonly #inst: number;
  readonly #ptr: number;
  readonly #frame = new Int16Array(FRAME);
  #filled = 0;
  #frames = 0;
  /** Recent frames before an utterance opens (the pre-roll) with their voice flags. */
  #recent: { pcm: Int16Array; voiced: boolean }[] = [];
  #inSpeech = false;
  #utteranceFrames = 0;
  #silentFrames = 0;
  #closed = false;

  private constructor(fvad: FvadModule, options: VadOptions) {
    this.options = options;
    this.#fvad = fvad;
    this.#inst = fvad._fvad_new();
    if (!this.#inst) throw new CosmoError(ErrorCode.INTERNAL, 'fvad_new failed');
    fvad._fvad_set_mode(this.#inst, options.mode);
    fvad._fvad_set_sample_rate(this.#inst, RATE);
    this.#ptr = fvad._malloc(FRAME * 2);
  }

  /** Loads the detector. Throws UNAVAILABLE when the wasm module cannot load. */
  static async create(options: Partial<VadOptions> = {}): Promise<VoiceActivityDetector> {
    const merged = { ...VAD_DEFAULTS, ...options };
    if (![0, 1, 2, 3].includes(merged.mode)) throw new TypeError('VAD mode must be 0, 1, 2 or 3');
    return new VoiceActivityDetector(await fvadModule(), merged);
  }

  /** Whether an utterance is open. */
  get inSpeech(): boolean {
    return this.#inSpeech;
  }

  /** Feeds samples; returns what they started, carried and ended. */
  push(pcm: Int16Array): VadEvent[] {
    if (this.#closed) return [];
    const events: VadEvent[] = [];
    let offset = 0;
    while (offset < pcm.length) {
      const take = Math.min(FRAME - this.#filled, pcm.length - offset);
      this.#frame.set(pcm.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === FRAME) {
        this.#filled = 0;
        this.#onFrame(this.#frame.slice(), events);
      }
    }
    return events;
  }

  /** Ends an open utterance now (the stream ended). */
  flush(): Extract<VadEvent, { type: 'end' }>[] {
    if (!this.#inSpeech) return [];
    this.#inSpeech = false;
    return [{ type: 'end', atMs: this.#frames * FRAME_MS, reason: 'flush' }];
  }

  #onFrame(frame: Int16Array, events: VadEvent[]): void {
    this.#fvad.HEAP16.set(frame, this.#ptr >> 1);
    const voiced = this.#fvad._fvad_process(this.#inst, this.#ptr, FRAME) === 1;
    this.#frames++;
    const { startMs, endMs, preRollMs, maxUtteranceMs } = this.options;
    if (!this.#inSpeech) {
      this.#recent.push({ pcm: frame, voiced });
      const keep = Math.ceil((preRollMs + startMs) / FRAME_MS);
      if (this.#recent.length > keep) this.#recent.shift();
      // Open when most of the last `startMs` was voiced.
      const window = this.#recent.slice(-Math.ceil(startMs / FRAME_MS));
      if (window.filter((f) => f.voiced).length * FRAME_MS >= startMs * 0.8) {
        const pre = this.#recent;
        this.#recent = [];
        this.#inSpeech = true;
        this.#utteranceFrames = pre.length;
        this.#silentFrames = 0;
        const joined = new Int16Array(pre.length * FRAME);
        pre.forEach((f, i) => joined.set(f.pcm, i * FRAME));
        events.push({
          type: 'start',
          atMs: (this.#frames - pre.length) * FRAME_MS,
          pcm: joined,
        });
      }
      return;
    }
    this.#utteranceFrames++;
    this.#silentFrames = voiced ? 0 : this.#silentFrames + 1;
    events.push({ type: 'speech', pcm: frame, voiced });
    if (this.#silentFrames * FRAME_MS >= endMs) {
      this.#inSpeech = false;
      events.push({ type: 'end', atMs: this.#frames * FRAME_MS, reason: 'silence' });
    } else if (this.#utteranceFrames * FRAME_MS >= maxUtteranceMs) {
      this.#inSpeech = false;
      events.push({ type: 'end', atMs: this.#frames * FRAME_MS, reason: 'length' });
    }
  }

  /** Frees the detector. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fvad._free(this.#ptr);
    this.#fvad._fvad_free(this.#inst);
  }
}
