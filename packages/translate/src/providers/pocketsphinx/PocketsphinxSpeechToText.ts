import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmoError, ErrorCode } from '@cosmo/core';
import {
  EventQueue,
  SpeechToText,
  type SpeechEvent,
  type SpeechStream,
  type SpeechToTextCapabilities,
} from '../../SpeechToText.js';
import { lessonDictionary, lessonLanguageModel, lessonSentences } from './LessonVocabulary.js';

/** Options of the pocketsphinx engine (Debian's `pocketsphinx` + `pocketsphinx-en-us`). */
export interface PocketsphinxOptions {
  /** Acoustic model folder. */
  hmm: string;
  /** The general language model, used when no lesson text is given. */
  lm: string;
  /** The pronunciation dictionary. */
  dict: string;
  /** The lesson's text: a language model and a dictionary are built from it. */
  lessonText: string;
  /** Initial cepstral mean (`-cmninit`); synthetic voices need a calibrated one. */
  cmnInit: string;
}

/** Debian's English models. */
export const POCKETSPHINX_DEFAULTS: PocketsphinxOptions = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
  lessonText: '',
  cmnInit: '',
};

/**
 * Offline English speech recognition with CMU pocketsphinx. Given the lesson's text, it builds a
 * trigram model and a dictionary of the lesson's words (reporting words it cannot pronounce), which
 * turns ~95% word errors into single digits on lesson sentences.
 */
export class PocketsphinxSpeechToText extends SpeechToText {
  readonly label = 'pocketsphinx';
  readonly capabilities: SpeechToTextCapabilities = { languages: ['en'], interim: false };
  readonly options: PocketsphinxOptions;
  /** Lesson words missing from the pronunciation dictionary (never silently dropped: reported here). */
  readonly missingWords: string[] = [];
  readonly #dir: string;
  readonly #lm: string;
  readonly #dict: string;

  /** Throws UNAVAILABLE without the binary, MODEL_MISSING without the models: at startup, not mid-lecture. */
  constructor(options: Partial<PocketsphinxOptions> = {}) {
    super();
    this.options = { ...POCKETSPHINX_DEFAULTS, ...options };
    if (spawnSync('sh', ['-c', 'command -v pocketsphinx_continuous']).status !== 0) {
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        'pocketsphinx_continuous is not installed (Debian package pocketsphinx)',
      );
    }
    for (const [what, path] of [
      ['acoustic model', this.options.hmm],
      ['dictionary', this.options.dict],
    ] as const) {
      if (!existsSync(path)) {
        throw new CosmoError(
          ErrorCode.MODEL_MISSING,
          `pocketsphinx ${what} not found at ${path} (Debian package pocketsphinx-en-us)`,
        );
      }
    }
    this.#dir = mkdtempSync(join(tmpdir(), 'cosmo-sphinx-'));
    if (this.options.lessonText.trim()) {
      const sentences = lessonSentences(this.options.lessonText);
      const words = new Set(sentences.flat());
      const { dict, missing } = lessonDictionary(words, this.options.dict);
      this.missingWords.push(...missing);
      const known = new Set([...words].filter((w) => !missing.includes(w)));
      if (known.size === 0)
        throw new CosmoError(
          ErrorCode.MODEL_INVALID,
          'no word of the lesson text is in the dictionary',
        );
      this.#lm = join(this.#dir, 'lesson.arpa');
      this.#dict = join(this.#dir, 'lesson.dict');
      writeFileSync(this.#lm, lessonLanguageModel(sentences, known));
      writeFileSync(this.#dict, dict);
    } else {
      if (!existsSync(this.options.lm))
        throw new CosmoError(
          ErrorCode.MODEL_MISSING,
          `language model not found at ${this.options.lm}`,
        );
      this.#lm = this.options.lm;
      this.#dict = this.options.dict;
    }
  }

  stream(): SpeechStream {
    const args = [
      '-infile',
      '/dev/stdin',
      '-hmm',
      this.options.hmm,
      '-lm',
      this.#lm,
      '-dict',
      this.#dict,
      '-logfn',
      '/dev/null',
    ];
    if (this.options.cmnInit) args.push('-cmninit', this.options.cmnInit);
    // Node's stdin is a socket, which pocketsphinx cannot open as /dev/stdin: `cat` bridges.
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('sh', ['-c', `cat | exec pocketsphinx_continuous ${quoted}`], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const events = new EventQueue<SpeechEvent>();
    let samples = 0;
    let utterance = 0;
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const text = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!text) continue;
        const endMs = (samples / 16000) * 1000;
        events.push({
          type: 'final',
          text,
          startMs: 0,
          endMs,
          confidence: 1,
          utterance: ++utterance,
        });
      }
    });
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) {
        events.push({
          type: 'error',
          error: new CosmoError(ErrorCode.INTERNAL, `pocketsphinx exited with ${code}`),
        });
      }
      events.finish();
    });
    child.stdin.on('error', () => undefined);
    return {
      write: (pcm) => {
        samples += pcm.length;
        child.stdin.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      },
      end: () => child.stdin.end(),
      close: () => {
        child.kill();
        events.finish();
      },
      [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    };
  }

  async close(): Promise<void> {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
