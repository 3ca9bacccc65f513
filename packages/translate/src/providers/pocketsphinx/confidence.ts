import type { WordConfidence } from '../../SpeechToText.js';
import type { DecodedWord } from './SphinxDecoder.js';

/** How sure the recogniser is of one utterance, and which words to show. */
export interface UtteranceConfidence {
  /** 0–1; below the threshold the utterance is uncertain. */
  confidence: number;
  /** Shown dimmed, unsure words elided, never translated. */
  uncertain: boolean;
  /** Mean over the lesson-biased words of log10 P_lesson − log10 P_general (each given the two before). */
  lessonEvidence: number;
  /** What to show: the lesson-biased reading when sure, else the general decoder's. */
  words: WordConfidence[];
}

/** A word the lesson's model has never seen counts as this much less likely under it (log10). */
const UNSEEN_LOG10 = -6;

const meanPosterior = (words: readonly DecodedWord[]) =>
  words.length ? words.reduce((sum, w) => sum + Math.max(w.posterior, 0), 0) / words.length : 0;

const asShown = (words: readonly DecodedWord[]): WordConfidence[] =>
  words.map((w) => ({
    text: w.word,
    confidence: w.posterior < 0 ? 1 : Math.round(w.posterior * 1000) / 1000,
  }));

/**
 * Scores an utterance from the two decoders' readings of it (measured on the captions
 * evaluation, docs/captions.md):
 *
 * - lesson evidence: how much likelier the lesson-biased words are under the lesson's model than
 *   under the general one. Lesson sentences score +2 to +3 per word; everyday speech −3 to +1.3,
 *   since the lesson-biased decoder forces it into lesson words, which is why it is not enough.
 * - the two decoders' mean word posteriors: reading a lesson sentence, the lesson-biased decoder
 *   is sure (0.8–0.95) and the general one is not (0.2–0.6); off the script it is the other way
 *   round. `pL / (pL + pG)` is the lesson reading's share of the belief.
 *
 * confidence = P(on script | evidence) × pL × pL / (pL + pG), with P(on script) =
 * 1 / (1 + 10^−evidence). Without a lesson there is one decoder: confidence = its mean posterior.
 */
export function scoreUtterance(
  lessonBiased: readonly DecodedWord[],
  general: readonly DecodedWord[] | undefined,
  options: { uncertainBelow: number },
): UtteranceConfidence {
  const pL = meanPosterior(lessonBiased);
  let lessonEvidence = 0;
  let confidence = pL;
  if (general) {
    const pG = meanPosterior(general);
    lessonEvidence = lessonBiased.length
      ? lessonBiased.reduce(
          (sum, w) => sum + Math.max(w.lessonLog10, UNSEEN_LOG10) - w.generalLog10,
          0,
        ) / lessonBiased.length
      : 0;
    const onScript = 1 / (1 + 10 ** -lessonEvidence);
    confidence = pL + pG > 0 ? (onScript * pL * pL) / (pL + pG) : 0;
  }
  // Interims carry no posteriors (-1): judged on the evidence alone until the final.
  if (lessonBiased.length && lessonBiased.every((w) => w.posterior < 0))
    confidence = general ? 1 / (1 + 10 ** -lessonEvidence) : 1;
  confidence = Math.round(confidence * 1000) / 1000;
  const uncertain = lessonBiased.length === 0 || confidence < options.uncertainBelow;
  return {
    confidence,
    uncertain,
    lessonEvidence: Math.round(lessonEvidence * 1000) / 1000,
    words: asShown(uncertain && general?.length ? general : lessonBiased),
  };
}
