import { spawnSync } from 'node:child_process';
import { spawnTied } from '../../process/spawnTied.js';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Spectral noise subtraction (`-remove_noise`): on, as pocketsphinx has it. */
  removeNoise: boolean;
}

/** Debian's English models. */
export const POCKETSPHINX_DEFAULTS: PocketsphinxOptions = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
  lessonText: '',
  cmnInit: '',
  removeNoise: true,
};

/**
 * Offline English speech recognition with CMU pocketsphinx. Given the lesson's text, it builds a
 * trigram model and a dictionary of the lesson's words (reporting words it cannot pronounce), which
 * turns ~95% word errors into single digits on lesson sentences.
 */
export class PocketsphinxSpeechToText extends SpeechToText implements UtteranceDecoder {
  readonly label = 'pocketsphinx';
  readonly capabilities: SpeechToTextCapabilities = { languages: ['en'], interim: true };
  readonly options: PocketsphinxOptions;
  /** Lesson words missing from the pronunciation dictionary (never silently dropped: reported here). */
  readonly missingWords: string[] = [];
  readonly #dir: string;
  readonly #hmm: string;
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
    this.#hmm = this.options.cmnInit
      ? withCmnInit(this.options.hmm, this.options.cmnInit, this.#dir)
      : this.options.hmm;
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

  /** A stream cut into utterances by the VAD; each is decoded by its own pocketsphinx process. */
  stream(options: StreamOptions = {}): SpeechStream {
    const { vad, interimMs } = options;
    return segmentedStream(this, {
      ...(vad && { vad }),
      ...(interimMs !== undefined && { interimMs }),
    });
  }

  /**
   * Decodes one utterance as it is spoken: a fresh process per utterance starts from the
   * calibrated cepstral mean and matches the sentence-level lesson model (~0.02 s to load).
   */
  begin(): UtteranceDecoding {
    const args = [
      '-hmm',
      this.#hmm,
      '-lm',
      this.#lm,
      '-dict',
      this.#dict,
      '-time',
      'yes',
      '-logfn',
      '/dev/null',
    ];
    args.push('-remove_noise', this.options.removeNoise ? 'yes' : 'no');
    const child = spawnTied('sh', sphinxFromStdin(args), {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    // Both are pipes (stdio above).
    const stdout = child.stdout!;
    const stdin = child.stdin!;
    let out = '';
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => (out += chunk));
    stdin.on('error', () => undefined);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.once('error', () => resolve(-1));
    });
    return {
      write: (pcm) => {
        if (stdin.writable) stdin.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      },
      finish: async () => {
        stdin.end();
        const code = await exited;
        if (code !== 0)
          throw new CosmoError(
            ErrorCode.INTERNAL,
            `pocketsphinx exited with ${code ?? 'a signal'}`,
          );
        return parseTimedOutput(out);
      },
      abort: () => child.kill(),
    };
  }

  async peek(pcm: Int16Array): Promise<Hypothesis> {
    const decoding = this.begin();
    decoding.write(pcm);
    return decoding.finish();
  }

  async close(): Promise<void> {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * `sh` arguments that run pocketsphinx_continuous on our stdin: Node's stdin pipe is a socket,
 * which pocketsphinx cannot open as /dev/stdin, so `cat` bridges.
 */
export function sphinxFromStdin(args: string[]): string[] {
  const quoted = ['-infile', '/dev/stdin', ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return ['-c', `cat | exec pocketsphinx_continuous ${quoted}`];
}

/**
 * The acoustic model's `feat.params` wins over `-cmninit` on the command line, so a calibrated
 * cepstral mean needs a copy of the model folder (links to its files) with its own feat.params.
 */
function withCmnInit(hmm: string, cmnInit: string, dir: string): string {
  const copy = join(dir, 'hmm');
  mkdirSync(copy);
  for (const file of readdirSync(hmm)) {
    if (file !== 'feat.params') symlinkSync(join(hmm, file), join(copy, file));
  }
  const params = existsSync(join(hmm, 'feat.params'))
    ? readFileSync(join(hmm, 'feat.params'), 'utf8').replace(/^-cmninit .*\n?/m, '')
    : '';
  writeFileSync(join(copy, 'feat.params'), `${params.trimEnd()}\n-cmninit ${cmnInit}\n`);
  return copy;
}

const FILLER = /^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+)$/;

/** Reads `pocketsphinx_continuous -time yes`: hypothesis lines, each followed by `word start end p`. */
export function parseTimedOutput(out: string): Hypothesis {
  const text: string[] = [];
  const probs: number[] = [];
  for (const line of out.split('\n')) {
    const timed = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+(?:\.\d+)?)$/.exec(line);
    if (timed) {
      if (!FILLER.test(timed[1]!)) probs.push(Number(timed[4]));
    } else if (line.trim()) text.push(line.trim());
  }
  const confidence = probs.length ? probs.reduce((a, b) => a + b, 0) / probs.length : 0;
  return { text: text.join(' '), confidence: Math.round(confidence * 1000) / 1000 };
}
