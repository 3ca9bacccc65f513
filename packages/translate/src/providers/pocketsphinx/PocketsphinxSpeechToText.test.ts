import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeSpeech } from '../../speech.js';
import { speechToTextConformance } from '../../testing/conformance.js';
import { wordErrorRate } from '../../wer.js';
import { PocketsphinxSpeechToText } from './PocketsphinxSpeechToText.js';

const installed =
  existsSync('/usr/bin/pocketsphinx_continuous') &&
  existsSync('/usr/bin/espeak-ng') &&
  existsSync('/usr/bin/sox');
const LESSON =
  'Today we study optics. Light travels in straight lines. A mirror reflects the light. ' +
  'The angle of incidence equals the angle of reflection. When light enters water it bends.';

const speak = (text: string) => synthesizeSpeech(text, 16000);

async function recognise(engine: PocketsphinxSpeechToText, pcm: Int16Array): Promise<string> {
  const stream = engine.stream();
  for (let i = 0; i < pcm.length; i += 1600) stream.write(pcm.subarray(i, i + 1600));
  stream.end();
  const finals: string[] = [];
  for await (const e of stream) if (e.type === 'final') finals.push(e.text);
  return finals.join(' ');
}

describe('pocketsphinx', () => {
  // Built once: the lesson model. The voice needs no calibration: each stream learns it.
  let engine: PocketsphinxSpeechToText | undefined;
  const make = () => (engine ??= new PocketsphinxSpeechToText({ lessonText: LESSON }));
  afterAll(() => engine?.close());
  speechToTextConformance(make, {
    available: installed,
    language: 'en',
    script: LESSON,
    maxWer: 0.15,
  });
});

describe.runIf(installed)('pocketsphinx with lesson vocabulary', () => {
  it('recognises the lesson spoken by espeak-ng with a word error rate of 15% or less, and learns the voice', async () => {
    const speech = speak(LESSON);
    const engine = new PocketsphinxSpeechToText({ lessonText: LESSON });
    expect(engine.missingWords).toEqual([]);
    const learnt: string[] = [];
    const stream = engine.stream({
      calibration: { initial: undefined, update: (value) => learnt.push(value) },
    });
    for (let i = 0; i < speech.length; i += 1600) stream.write(speech.subarray(i, i + 1600));
    stream.end();
    const finals: string[] = [];
    for await (const e of stream) if (e.type === 'final') finals.push(e.text);
    const text = finals.join(' ');
    expect(wordErrorRate(LESSON, text), `heard: ${text}`).toBeLessThanOrEqual(0.15);
    // The speaker's cepstral mean after each utterance, for her next lecture: 13 numbers.
    expect(learnt.length).toBe(finals.length);
    expect(learnt.at(-1)!.split(',').map(Number).every(Number.isFinite)).toBe(true);
    expect(learnt.at(-1)!.split(',')).toHaveLength(13);
    await engine.close();
  });

  it('a language model it cannot read is MODEL_INVALID when the lesson is set, not mid-lecture', () => {
    expect(() => new PocketsphinxSpeechToText({ lessonText: LESSON, lm: '/etc/hostname' })).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID' }),
    );
  });

  it('reports lesson words it cannot pronounce instead of dropping them silently', async () => {
    const engine = new PocketsphinxSpeechToText({
      lessonText: 'Photons obey Snellius and zzyzxq laws.',
    });
    expect(engine.missingWords).toContain('zzyzxq');
    await engine.close();
  });

  it('does much worse without the lesson text (why the lesson vocabulary exists)', async () => {
    const general = new PocketsphinxSpeechToText();
    const text = await recognise(general, speak(LESSON));
    expect(wordErrorRate(LESSON, text)).toBeGreaterThan(0.3);
    await general.close();
  });
});

describe('pocketsphinx setup errors', () => {
  it('a missing model is MODEL_MISSING at startup', () => {
    if (!existsSync('/usr/bin/pocketsphinx_continuous')) return;
    expect(() => new PocketsphinxSpeechToText({ hmm: '/nonexistent/model' })).toThrow(
      expect.objectContaining({ code: 'MODEL_MISSING' }),
    );
  });
});

describe('word error rate', () => {
  it('counts substitutions, deletions and insertions against the reference', () => {
    expect(wordErrorRate('the cat sat', 'the cat sat')).toBe(0);
    expect(wordErrorRate('the cat sat', 'the bat sat')).toBeCloseTo(1 / 3);
    expect(wordErrorRate('the cat sat', 'the cat')).toBeCloseTo(1 / 3);
    expect(wordErrorRate('the cat sat', 'oh the cat sat down')).toBeCloseTo(2 / 3);
  });
});
