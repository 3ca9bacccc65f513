import { synthesizeSpeech } from '../speech.js';
import type { SpeechToText } from '../SpeechToText.js';
import { wordErrorRate } from '../wer.js';
import {
  EVALUATION_LESSON,
  EVALUATION_VOICES,
  EVERYDAY_SENTENCES,
  LESSON_WORD_SENTENCES,
  MIXED_SENTENCES,
  READ_SENTENCES,
} from './captionSets.js';

/** What a teacher says, by how it relates to her lesson text. */
export type SentenceKind = 'read' | 'lesson words' | 'everyday' | 'mixed';

export const SENTENCE_KINDS: Record<SentenceKind, readonly string[]> = {
  read: READ_SENTENCES,
  'lesson words': LESSON_WORD_SENTENCES,
  everyday: EVERYDAY_SENTENCES,
  mixed: MIXED_SENTENCES,
};

/** One sentence as each recogniser heard it. */
export interface SentenceResult {
  voice: string;
  kind: SentenceKind;
  said: string;
  heard: string;
  /** What the general model alone (the stock recogniser) heard. */
  stock: string;
  wer: number;
  stockWer: number;
  /** Finals of the sentence, and how many of them were marked uncertain. */
  finals: number;
  uncertain: number;
}

/** One row of the table: a kind of sentence, over every voice. */
export interface EvaluationRow {
  kind: SentenceKind;
  sentences: number;
  /** Mean word error rate, lesson-biased recogniser. */
  wer: number;
  /** The same audio through the stock recogniser (general model alone). */
  stockWer: number;
  /** Share of the kind's final captions shown as uncertain (and so not translated). */
  uncertainShare: number;
}

export interface Evaluation {
  rows: EvaluationRow[];
  sentences: SentenceResult[];
  /** Mean WER per voice on the sentences read from the lesson. */
  readWerByVoice: Record<string, number>;
}

/** Quiet between sentences, as a teacher pauses (ms). */
const GAP_MS = 900;

interface Heard {
  text: string;
  finals: number;
  uncertain: number;
}

/**
 * Speaks every sentence, in one voice, into one stream (a teacher's microphone for a lecture:
 * her voice calibration carries from one sentence to the next), and gathers the finals of each.
 */
async function listen(engine: SpeechToText, clips: Int16Array[]): Promise<Heard[]> {
  const stream = engine.stream({ interimMs: 0 });
  const starts: number[] = [];
  let at = 0;
  const gap = new Int16Array((16 * GAP_MS) | 0);
  for (const clip of [...clips, new Int16Array(0)]) {
    starts.push((at / 16) | 0);
    for (const part of [clip, gap]) {
      for (let i = 0; i < part.length; i += 1600) stream.write(part.subarray(i, i + 1600));
      at += part.length;
    }
  }
  stream.end();
  const heard: Heard[] = clips.map(() => ({ text: '', finals: 0, uncertain: 0 }));
  for await (const event of stream) {
    if (event.type === 'error') throw event.error;
    if (event.type !== 'final') continue;
    // The sentence whose span holds the utterance's middle (the VAD starts an utterance a
    // little before its first voiced frame, which may be in the sentence before).
    const middle = (event.startMs + event.endMs) / 2;
    let i = starts.findIndex((s, k) => middle >= s && middle < starts[k + 1]!);
    if (i < 0 || i >= clips.length) i = clips.length - 1;
    const h = heard[i]!;
    h.text = `${h.text} ${event.text}`.trim();
    h.finals++;
    if (event.uncertain) h.uncertain++;
  }
  return heard;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Runs `jobs` with at most `limit` of them at a time; results in the jobs' order. */
async function pooled<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  // Every worker settles before a failure is thrown: none is left decoding on closed engines.
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(limit, jobs.length) }, worker),
  );
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return results;
}

/**
 * The captions evaluation: the lesson-biased recogniser and the stock one on the same speech,
 * every kind of sentence in every voice. `lessonBiased(lesson)` and `stock()` make the engines.
 * `concurrency` streams are decoded at once (each is a process of its own; 1 keeps the logged
 * decode times comparable from run to run).
 */
export async function evaluateCaptions(engines: {
  lessonBiased: (lessonText: string) => SpeechToText;
  stock: () => SpeechToText;
  voices?: typeof EVALUATION_VOICES;
  concurrency?: number;
  log?: (line: string) => void;
}): Promise<Evaluation> {
  const voices = engines.voices ?? EVALUATION_VOICES;
  const concurrency = engines.concurrency ?? 1;
  const kinds = Object.entries(SENTENCE_KINDS) as [SentenceKind, readonly string[]][];
  const said = kinds.flatMap(([kind, list]) => list.map((text) => ({ kind, text })));
  const sentences: SentenceResult[] = [];
  const biased = engines.lessonBiased(EVALUATION_LESSON);
  const stock = engines.stock();
  try {
    engines.log?.(`captions evaluation: ${voices.length} voices, ${said.length} sentences each`);
    // All speech first: espeak-ng and sox run synchronously and would stall the decoders' pipes.
    const clipsByVoice = voices.map((voice) =>
      said.map((s) => synthesizeSpeech(s.text, 16000, voice)),
    );
    // Each voice is a new teacher, on a stream of its own: nothing learnt of an earlier one.
    const decode = (engine: SpeechToText, v: number) => async () => {
      const t0 = performance.now();
      const heard = await listen(engine, clipsByVoice[v]!);
      return { heard, seconds: (performance.now() - t0) / 1000 };
    };
    // The slower lesson-biased decodes first, so that the last ones to finish are short.
    const decoded = await pooled(
      [...voices.map((_, v) => decode(biased, v)), ...voices.map((_, v) => decode(stock, v))],
      concurrency,
    );
    voices.forEach((voice, v) => {
      const clips = clipsByVoice[v]!;
      const { heard, seconds: biasedSeconds } = decoded[v]!;
      const { heard: stockHeard, seconds: stockSeconds } = decoded[voices.length + v]!;
      const seconds =
        clips.reduce((n, c) => n + c.length, 0) / 16000 + (clips.length * GAP_MS) / 1000;
      engines.log?.(
        `  ${voice.label}: ${seconds.toFixed(0)} s of speech decoded in ${biasedSeconds.toFixed(0)} s (stock: ${stockSeconds.toFixed(0)} s)`,
      );
      said.forEach((s, i) => {
        const h = heard[i]!;
        const stockText = stockHeard[i]!.text;
        sentences.push({
          voice: voice.label,
          kind: s.kind,
          said: s.text,
          heard: h.text,
          stock: stockText,
          wer: wordErrorRate(s.text, h.text),
          stockWer: wordErrorRate(s.text, stockText),
          finals: h.finals,
          uncertain: h.uncertain,
        });
      });
    });
  } finally {
    await biased.close();
    await stock.close();
  }
  const rows = kinds.map(([kind]): EvaluationRow => {
    const of = sentences.filter((s) => s.kind === kind);
    const finals = of.reduce((n, s) => n + s.finals, 0);
    return {
      kind,
      sentences: of.length,
      wer: mean(of.map((s) => s.wer)),
      stockWer: mean(of.map((s) => s.stockWer)),
      uncertainShare: finals ? of.reduce((n, s) => n + s.uncertain, 0) / finals : 0,
    };
  });
  const readWerByVoice = Object.fromEntries(
    voices.map((v) => [
      v.label,
      mean(sentences.filter((s) => s.voice === v.label && s.kind === 'read').map((s) => s.wer)),
    ]),
  );
  return { rows, sentences, readWerByVoice };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The evaluation as a Markdown table. */
export function formatEvaluation(evaluation: Evaluation): string {
  const lines = [
    '| sentences | n | WER, lesson-biased | WER, stock model | shown uncertain |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...evaluation.rows.map(
      (r) =>
        `| ${r.kind} | ${r.sentences} | ${pct(r.wer)} | ${pct(r.stockWer)} | ${pct(r.uncertainShare)} |`,
    ),
    '',
    `read sentences, WER by voice: ${Object.entries(evaluation.readWerByVoice)
      .map(([v, w]) => `${v} ${pct(w)}`)
      .join('; ')}`,
  ];
  return lines.join('\n');
}
