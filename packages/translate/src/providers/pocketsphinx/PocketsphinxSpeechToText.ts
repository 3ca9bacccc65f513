import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  type VoiceCalibration,
} from '../../SpeechToText.js';
import { scoreUtterance } from './confidence.js';
import { decoderBinary } from './decoderBinary.js';
import { lessonDictionary, lessonLanguageModel, lessonSentences } from './LessonVocabulary.js';
import { likeliestWords, SphinxDecoder, type Decoded } from './SphinxDecoder.js';

/** Options of the pocketsphinx engine (Debian's `pocketsphinx` + `pocketsphinx-en-us`). */
export interface PocketsphinxOptions {
  /** Acoustic model folder. */
  hmm: string;
  /** The general English language model, mixed with the lesson's (or alone without a lesson). */
  lm: string;
  /** The pronunciation dictionary. */
  dict: string;
  /** The lesson's text: a language model is built from it and mixed with the general one. */
  lessonText: string;
  /**
   * The lesson model's share of the mixture (0–1, exclusive): higher keeps lesson sentences
   * exact, lower leaves everyday words more room.
   */
  lessonWeight: number;
  /**
   * How many of general English's commonest words the lesson-biased decoder knows besides the
   * lesson's own (a small vocabulary lets it search wide; the general decoder knows them all).
   */
  generalVocabulary: number;
  /** An utterance whose confidence is below this is marked uncertain (0–1). */
  uncertainBelow: number;
  /**
   * The cepstral mean a voice nobody calibrated starts from (`-cmninit`); a teacher's own, learnt
   * as she speaks, replaces it (StreamOptions.calibration).
   */
  cmnInit: string;
  /**
   * A voice heard for the first time (no calibration stored for it): its first this many
   * utterances are decoded again once each has moved the cepstral mean towards the voice.
   */
  calibrateUtterances: number;
  /** Spectral noise subtraction (`-remove_noise`): on, as pocketsphinx has it. */
  removeNoise: boolean;
}

/** Debian's English models, and the balance measured on the captions evaluation (docs/captions.md). */
export const POCKETSPHINX_DEFAULTS: PocketsphinxOptions = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
  lessonText: '',
  lessonWeight: 0.99,
  generalVocabulary: 5000,
  uncertainBelow: 0.3,
  cmnInit: '',
  calibrateUtterances: 3,
  removeNoise: true,
};

/**
 * Offline English speech recognition with CMU pocketsphinx, biased to the lesson: the lesson's
 * trigram model is interpolated with the general English model, so lesson sentences come out
 * exact and everyday speech still comes out as everyday words; each utterance is scored by how
 * much likelier it is under the lesson's model than under the general one (confidence.ts), and
 * each stream keeps its speaker's cepstral mean from one utterance to the next.
 */
export class PocketsphinxSpeechToText extends SpeechToText {
  readonly label = 'pocketsphinx';
  readonly capabilities: SpeechToTextCapabilities = { languages: ['en'], interim: true };
  readonly options: PocketsphinxOptions;
  /** Lesson words missing from the pronunciation dictionary (never silently dropped: reported here). */
  readonly missingWords: string[] = [];
  readonly #dir: string;
  readonly #lesson: string | undefined;
  readonly #lectureDict: string | undefined;
  readonly #decoders = new Set<SphinxDecoder>();

  /**
   * Throws UNAVAILABLE without pocketsphinx's libraries or a C compiler for its decoder,
   * MODEL_MISSING without the models: at startup, not mid-lecture.
   */
  constructor(options: Partial<PocketsphinxOptions> = {}) {
    super();
    this.options = { ...POCKETSPHINX_DEFAULTS, ...options };
    const { lessonWeight, uncertainBelow } = this.options;
    if (!(lessonWeight > 0 && lessonWeight < 1))
      throw new TypeError(`lessonWeight is between 0 and 1, exclusive (got ${lessonWeight})`);
    if (!(uncertainBelow >= 0 && uncertainBelow <= 1))
      throw new TypeError(`uncertainBelow is between 0 and 1 (got ${uncertainBelow})`);
    for (const [what, path] of [
      ['acoustic model', this.options.hmm],
      ['dictionary', this.options.dict],
      ['language model', this.options.lm],
    ] as const) {
      if (!existsSync(path)) {
        throw new CosmoError(
          ErrorCode.MODEL_MISSING,
          `pocketsphinx ${what} not found at ${path} (Debian package pocketsphinx-en-us)`,
        );
      }
    }
    decoderBinary();
    this.#dir = mkdtempSync(join(tmpdir(), 'cosmo-sphinx-'));
    if (this.options.lessonText.trim()) {
      const sentences = lessonSentences(this.options.lessonText);
      const words = new Set(sentences.flat());
      const { missing } = lessonDictionary(words, this.options.dict);
      this.missingWords.push(...missing);
      const known = new Set([...words].filter((w) => !missing.includes(w)));
      if (known.size === 0)
        throw new CosmoError(
          ErrorCode.MODEL_INVALID,
          'no word of the lesson text is in the dictionary',
        );
      this.#lesson = join(this.#dir, 'lesson.arpa');
      writeFileSync(this.#lesson, lessonLanguageModel(sentences, known));
      const vocabulary = new Set([
        ...known,
        ...likeliestWords(this.options.lm, this.options.generalVocabulary),
      ]);
      this.#lectureDict = join(this.#dir, 'lecture.dict');
      writeFileSync(this.#lectureDict, lessonDictionary(vocabulary, this.options.dict).dict);
    } else {
      this.#lectureDict = undefined;
    }
  }

  /** A stream cut into utterances by the VAD, decoded by one process kept for the speaker. */
  stream(options: StreamOptions = {}): SpeechStream {
    const { vad, interimMs, calibration } = options;
    return segmentedStream(this.utterances(calibration), {
      ...(vad && { vad }),
      ...(interimMs !== undefined && { interimMs }),
    });
  }

  /**
   * One speaker's decoder without the VAD: each `begin()` … `finish()` is one utterance (the
   * bench's baseline, and what `stream()` is made of). Close it when done.
   */
  utterances(calibration?: VoiceCalibration): UtteranceDecoder & { close(): void } {
    const { hmm, dict, lm, lessonWeight, removeNoise, uncertainBelow } = this.options;
    const decoder = new SphinxDecoder({
      hmm,
      dict,
      general: lm,
      lesson: this.#lesson,
      lectureDict: this.#lectureDict,
      lessonWeight,
      removeNoise,
      cmn: calibration?.initial || this.options.cmnInit || undefined,
      calibrate: calibration?.initial ? 0 : this.options.calibrateUtterances,
    });
    this.#decoders.add(decoder);
    const hypothesis = (d: Decoded): Hypothesis => {
      if (d.cmn) calibration?.update(d.cmn);
      const scored = scoreUtterance(d.words, d.general, { uncertainBelow });
      return {
        text: scored.words.map((w) => w.text).join(' '),
        confidence: scored.confidence,
        uncertain: scored.uncertain,
        words: scored.words,
      };
    };
    return {
      begin: (): UtteranceDecoding => {
        decoder.begin();
        return {
          write: (pcm) => decoder.write(pcm),
          finish: async () => hypothesis(await decoder.finish()),
          partial: async () => hypothesis(await decoder.partial()),
          abort: () => decoder.abort(),
        };
      },
      close: () => {
        decoder.close();
        this.#decoders.delete(decoder);
      },
    };
  }

  async close(): Promise<void> {
    for (const decoder of this.#decoders) decoder.close();
    this.#decoders.clear();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
