import { spawnSync, type ChildProcess } from 'node:child_process';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { spawnTied } from '../../process/spawnTied.js';
import { decoderBinary } from './decoderBinary.js';

/** One word of a decoded utterance, as `cosmo-sphinx` reports it. */
export interface DecodedWord {
  word: string;
  /** Start and end, in 10 ms frames from the start of the utterance. */
  startFrame: number;
  endFrame: number;
  /** Posterior probability (0–1); -1 on interim results, which have none. */
  posterior: number;
  /** log10 P(word | the two before) under the lesson's model alone (-99: not a lesson word). */
  lessonLog10: number;
  /** The same under the general model alone. */
  generalLog10: number;
}

/** What the decoder heard in one utterance (or so far, for an interim). */
export interface Decoded {
  final: boolean;
  /** The words under the lesson-biased model. */
  words: DecodedWord[];
  /** The same audio under the general model alone (finals, with a lesson). */
  general?: DecodedWord[];
  /** The speaker's cepstral mean after the utterance (finals only). */
  cmn?: string;
}

/** How a decoder process is started. */
export interface SphinxDecoderOptions {
  hmm: string;
  dict: string;
  general: string;
  /** The lesson's ARPA model; absent: the general model alone. */
  lesson: string | undefined;
  /** The lesson-biased decoder's dictionary: the lesson's words and the commonest English ones. */
  lectureDict: string | undefined;
  lessonWeight: number;
  removeNoise: boolean;
  /** The cepstral mean to start from (comma-separated). */
  cmn: string | undefined;
  /** Decode each of the first this many utterances again from the mean it adapted to. */
  calibrate: number;
}

interface Waiting {
  resolve: (d: Decoded) => void;
  reject: (e: CosmoError) => void;
}

interface RawWord {
  w: string;
  s: number;
  e: number;
  p: number;
  l: number;
  g: number;
}

const decodedWord = (w: RawWord): DecodedWord => ({
  word: w.w,
  startFrame: w.s,
  endFrame: w.e,
  posterior: w.p,
  lessonLog10: w.l,
  generalLog10: w.g,
});

const topWords = new Map<string, string[]>();

/** The general model's `count` likeliest words (cached per model). */
export function likeliestWords(general: string, count: number): string[] {
  const key = `${general}\n${count}`;
  let words = topWords.get(key);
  if (!words) {
    const out = spawnSync(decoderBinary(), ['--general', general, '--top-words', String(count)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (out.status !== 0)
      throw new CosmoError(
        ErrorCode.MODEL_INVALID,
        `cannot read the general language model ${general}: ${out.stderr.trim()}`,
      );
    words = out.stdout.split('\n').filter(Boolean);
    topWords.set(key, words);
  }
  return words;
}

/**
 * A `cosmo-sphinx` process: one speaker's recogniser for a whole lecture, so her cepstral mean
 * carries from one utterance to the next and the models load once (about a second), not per
 * utterance. Requests are answered in the order they were sent.
 */
export class SphinxDecoder {
  readonly #child: ChildProcess;
  readonly #waiting: Waiting[] = [];
  #stderr = '';
  #buffer = '';
  #ready = false;
  #failure: CosmoError | undefined;
  #closed = false;

  constructor(options: SphinxDecoderOptions) {
    const args = [
      '--general',
      options.general,
      '--lesson-weight',
      String(options.lessonWeight),
      ...(options.lesson ? ['--lesson', options.lesson] : []),
      ...(options.lectureDict ? ['--lecture-dict', options.lectureDict] : []),
      ...(options.cmn ? ['--cmn', options.cmn] : []),
      '--calibrate',
      String(options.calibrate),
      '-hmm',
      options.hmm,
      '-dict',
      options.dict,
      '-remove_noise',
      options.removeNoise ? 'yes' : 'no',
      // Half a bit of noise: stretches of digital silence (a synthetic voice, a muted microphone
      // coming on) otherwise throw the cepstral mean and the next sentence with it.
      '-dither',
      'yes',
    ];
    this.#child = spawnTied(decoderBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const { stdin, stdout, stderr } = this.#child;
    stdin!.on('error', () => undefined);
    stdout!.setEncoding('utf8');
    stdout!.on('data', (chunk: string) => this.#read(chunk));
    stderr!.setEncoding('utf8');
    stderr!.on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-2000)));
    this.#child.once('error', (err) => this.#fail(`cannot start cosmo-sphinx: ${err.message}`));
    this.#child.once('exit', (code, signal) => {
      if (this.#closed) return;
      const why = this.#stderr.trim() || `exited with ${code ?? signal}`;
      this.#fail(
        `the recogniser stopped: ${why}`,
        code === 3 ? ErrorCode.MODEL_INVALID : undefined,
      );
    });
  }

  /** Whether the models have loaded. */
  get ready(): boolean {
    return this.#ready;
  }

  begin(): void {
    this.#send('B');
  }

  write(pcm: Int16Array): void {
    this.#send('A', Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  /** Ends the utterance: resolves with what was said. */
  finish(): Promise<Decoded> {
    return this.#ask('E');
  }

  /** What the open utterance sounds like so far. */
  partial(): Promise<Decoded> {
    return this.#ask('P');
  }

  /** Ends the utterance without a result. */
  abort(): void {
    this.#send('X');
  }

  /** Stops the process; requests still waiting are refused. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#child.stdin?.end();
    this.#child.kill();
    for (const w of this.#waiting.splice(0))
      w.reject(new CosmoError(ErrorCode.UNAVAILABLE, 'the recogniser was closed'));
  }

  #ask(tag: string): Promise<Decoded> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed)
      return Promise.reject(new CosmoError(ErrorCode.UNAVAILABLE, 'the recogniser was closed'));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#send(tag);
    });
  }

  #send(tag: string, payload?: Buffer): void {
    const stdin = this.#child.stdin;
    if (this.#closed || this.#failure || !stdin?.writable) return;
    const head = Buffer.alloc(5);
    head.write(tag, 0, 'latin1');
    head.writeUInt32LE(payload?.length ?? 0, 1);
    stdin.write(payload ? Buffer.concat([head, payload]) : head);
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      let message: {
        ready?: boolean;
        final?: boolean;
        words?: RawWord[];
        general?: RawWord[];
        cmn?: number[];
      };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        this.#fail(`the recogniser wrote something unreadable: ${line.slice(0, 100)}`);
        return;
      }
      if (message.ready) {
        this.#ready = true;
        continue;
      }
      this.#waiting.shift()?.resolve({
        final: !!message.final,
        words: (message.words ?? []).map(decodedWord),
        ...(message.general && { general: message.general.map(decodedWord) }),
        ...(message.cmn && { cmn: message.cmn.join(',') }),
      });
    }
  }

  #fail(message: string, code: ErrorCode = ErrorCode.INTERNAL): void {
    if (this.#failure) return;
    this.#failure = new CosmoError(code, message);
    for (const w of this.#waiting.splice(0)) w.reject(this.#failure);
  }
}
