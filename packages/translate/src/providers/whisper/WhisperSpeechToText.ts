import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../../process/spawnTied.js';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CosmoError, ErrorCode } from '@cosmo/core';
import {
  segmentedStream,
  type Hypothesis,
  type UtteranceDecoder,
  type UtteranceDecoding,
} from '../../SegmentedSpeechStream.js';
import {
  SpeechToText,
  type SpeechStream,
  type SpeechToTextCapabilities,
  type StreamOptions,
} from '../../SpeechToText.js';
import { readWhisperHeader, type WhisperModelHeader } from './modelFile.js';

/** Options of the whisper engine (whisper.cpp through @fugood/whisper.node). */
export interface WhisperOptions {
  /** Path of the ggml model file the operator supplies (`cosmo models pull base`). */
  model: string;
  /** Language spoken (BCP 47), or `auto` to detect it per utterance. */
  language: string;
  /** Whisper's own X→English task instead of transcription. */
  translate: boolean;
  /** CPU threads for inference. */
  threads: number;
  /** Longest the model may take to load (ms). */
  loadTimeoutMs: number;
  /** Longest one utterance may take to decode, per second of audio (ms). */
  decodeTimeoutPerSecondMs: number;
}

export const WHISPER_DEFAULTS: WhisperOptions = {
  model: '',
  language: 'auto',
  translate: false,
  threads: 2,
  loadTimeoutMs: 60_000,
  decodeTimeoutPerSecondMs: 3_000,
};

/** whisper.cpp's languages (the multilingual models'). */
export const WHISPER_LANGUAGES = [
  'en', 'zh', 'de', 'es', 'ru', 'ko', 'fr', 'ja', 'pt', 'tr', 'pl', 'ca', 'nl', 'ar', 'sv', 'it',
  'id', 'hi', 'fi', 'vi', 'he', 'uk', 'el', 'ms', 'cs', 'ro', 'da', 'hu', 'ta', 'no', 'th', 'ur',
  'hr', 'bg', 'lt', 'la', 'mi', 'ml', 'cy', 'sk', 'te', 'fa', 'lv', 'bn', 'sr', 'az', 'sl', 'kn',
  'et', 'mk', 'br', 'eu', 'is', 'hy', 'ne', 'mn', 'bs', 'kk', 'sq', 'sw', 'gl', 'mr', 'pa', 'si',
  'km', 'sn', 'yo', 'so', 'af', 'oc', 'ka', 'be', 'tg', 'sd', 'gu', 'am', 'yi', 'lo', 'uz', 'fo',
  'ht', 'ps', 'tk', 'nn', 'mt', 'sa', 'lb', 'my', 'bo', 'tl', 'mg', 'as', 'tt', 'haw', 'ln', 'ha',
  'ba', 'jw', 'su',
]; // prettier-ignore

// The engine runs in its own process: a model whisper.cpp cannot handle aborts that process (a
// failed GGML_ASSERT), never the server, and inference never blocks the signalling thread.
// transcribeData takes 16-bit PCM: the view's own bytes are sent, not the whole buffer behind it.
// The binding (1.1.3) never settles its promise when inference fails (its callback drops the
// error), so a failed decode looks like a hang: the caller's timeout is what ends it.
// It has no max-token option: whisper.cpp stops each 30 s window at n_text_ctx/2 - 4 tokens, and
// temperatureInc 0 keeps it from decoding again at higher temperatures.
const CHILD = `
const { initWhisper } = await import(process.env.COSMO_WHISPER_MODULE);
let ctx;
const keepAlive = setInterval(() => {}, 1 << 30);
process.on('disconnect', () => process.exit(0));
process.on('message', async (m) => {
  try {
    if (m.type === 'load') {
      ctx = await initWhisper({ filePath: m.model, useGpu: false }, 'default');
      process.send({ id: m.id, ok: true });
    } else if (m.type === 'decode') {
      const pcm = m.pcm.buffer.slice(m.pcm.byteOffset, m.pcm.byteOffset + m.pcm.byteLength);
      const { promise } = ctx.transcribeData(pcm, {
        language: m.language, translate: m.translate, maxThreads: m.threads, temperatureInc: 0,
        ...(m.prompt && { prompt: m.prompt }),
      });
      const r = await promise;
      process.send({ id: m.id, ok: true, text: r.result.trim(), language: r.language ?? '' });
    }
  } catch (err) {
    process.send({ id: m.id, ok: false, message: String(err && err.message || err) });
  }
});
process.send({ id: 0, ok: true });
`;

interface Reply {
  id: number;
  ok: boolean;
  text?: string;
  message?: string;
}

/** The binding's entry, or UNAVAILABLE when it is not installed for this platform. */
function bindingUrl(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('@fugood/whisper.node')).href;
  } catch {
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      'whisper needs the @fugood/whisper.node package, which is not installed here',
    );
  }
}

/**
 * Multilingual speech recognition with whisper.cpp (Japanese, Chinese, English…), for schools
 * whose operator supplies a ggml model. `open()` checks the file and loads it in a child process
 * before the first lecture: a missing or corrupt model is MODEL_MISSING / MODEL_INVALID at
 * startup, never a crash mid-lecture. Utterances come from the VAD; whisper gives no interims.
 */
export class WhisperSpeechToText extends SpeechToText implements UtteranceDecoder {
  readonly label = 'whisper';
  readonly capabilities: SpeechToTextCapabilities;
  readonly options: WhisperOptions;
  readonly header: WhisperModelHeader;
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  #nextId = 1;
  readonly #waiting = new Map<
    number,
    { resolve: (r: Reply) => void; reject: (e: Error) => void }
  >();
  #closed = false;

  private constructor(options: WhisperOptions, header: WhisperModelHeader) {
    super();
    this.options = options;
    this.header = header;
    this.capabilities = {
      languages: header.multilingual ? WHISPER_LANGUAGES : ['en'],
      interim: false,
    };
  }

  /** Checks and loads the model. Throws MODEL_MISSING, MODEL_INVALID or UNAVAILABLE. */
  static async open(
    options: Partial<WhisperOptions> & { model: string },
  ): Promise<WhisperSpeechToText> {
    const merged = { ...WHISPER_DEFAULTS, ...options };
    const engine = new WhisperSpeechToText(merged, readWhisperHeader(merged.model));
    await engine.#start();
    return engine;
  }

  /** Starts the child and loads the model in it; failures become MODEL_INVALID. */
  #start(): Promise<void> {
    const module = bindingUrl();
    const child = spawnTied(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: { ...process.env, COSMO_WHISPER_MODULE: module },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.#child = child;
    let log = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
    child.on('message', (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      waiting?.resolve(reply);
    });
    child.once('exit', (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      const why = log
        .split('\n')
        .filter((l) => /error|assert|fail/i.test(l))
        .slice(-2)
        .join('; ');
      const error = new CosmoError(
        ErrorCode.INTERNAL,
        `whisper stopped (${signal ?? code})${why ? `: ${why}` : ''}`,
      );
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
    });
    const started = this.#request(0, undefined, this.options.loadTimeoutMs);
    this.#ready = started
      .then(() =>
        this.#request(
          this.#nextId++,
          { type: 'load', model: this.options.model },
          this.options.loadTimeoutMs,
        ),
      )
      .then((reply) => {
        if (!reply.ok) throw new Error(reply.message);
      })
      .catch((err: unknown) => {
        child.kill('SIGKILL');
        throw new CosmoError(
          ErrorCode.MODEL_INVALID,
          `whisper could not load ${this.options.model}: ${(err as Error).message}`,
        );
      });
    return this.#ready;
  }

  #request(id: number, message: object | undefined, timeoutMs: number): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        // A decode that never ends holds the process: start a fresh one for the next utterance.
        this.#child?.kill('SIGKILL');
        reject(new CosmoError(ErrorCode.INTERNAL, `whisper gave no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      if (message) this.#child?.send({ id, ...message });
    });
  }

  /** Opens a stream; `options.prompt` (the lesson's text) is whisper's initial prompt. */
  stream(options: StreamOptions = {}): SpeechStream {
    const language = options.language ?? this.options.language;
    const prompt = options.prompt ?? '';
    return segmentedStream(
      {
        begin: () => this.#utterance(language, prompt),
      },
      { vad: options.vad ?? {}, interimMs: 0 },
    );
  }

  begin(): UtteranceDecoding {
    return this.#utterance(this.options.language, '');
  }

  #utterance(language: string, prompt: string): UtteranceDecoding {
    const chunks: Int16Array[] = [];
    let aborted = false;
    return {
      write: (pcm) => void chunks.push(pcm.slice()),
      abort: () => void (aborted = true),
      finish: async (): Promise<Hypothesis> => {
        if (aborted || this.#closed) return { text: '', confidence: 0 };
        const samples = chunks.reduce((n, c) => n + c.length, 0);
        const pcm = new Int16Array(samples);
        let at = 0;
        for (const c of chunks) {
          pcm.set(c, at);
          at += c.length;
        }
        if (!this.#child) await this.#start();
        await this.#ready;
        const timeout = Math.max(5_000, (samples / 16000) * this.options.decodeTimeoutPerSecondMs);
        const reply = await this.#request(
          this.#nextId++,
          {
            type: 'decode',
            pcm,
            // whisper names languages by their primary subtag (`zh` for `zh-Hant`, `haw`).
            language: language.split('-')[0],
            translate: this.options.translate,
            threads: this.options.threads,
            // Whisper favours the words of its prompt: the lesson's vocabulary and spelling.
            prompt,
          },
          timeout,
        );
        if (!reply.ok) throw new CosmoError(ErrorCode.INTERNAL, `whisper: ${reply.message}`);
        // whisper.cpp gives no per-utterance confidence through this binding.
        return { text: reply.text ?? '', confidence: 1 };
      },
    };
  }

  /** Stops the engine's process. No-op when already closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#child?.kill();
  }
}
