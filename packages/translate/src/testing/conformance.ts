// The shared conformance suites: every translator's and recogniser's test calls one in a few lines.
import { describe, expect, it } from 'vitest';
import { synthesizeSpeech } from '../speech.js';
import type { SpeechEvent, SpeechStream, SpeechToText } from '../SpeechToText.js';
import type { Translator } from '../Translator.js';
import { wordErrorRate } from '../wer.js';

/** Checks what every translator must do; `available` says whether the engine is on this machine. */
export function translatorConformance(
  make: () => Translator,
  setup: { available: boolean; from: string; to: string },
): void {
  describe(`translator conformance (${setup.from} → ${setup.to})`, () => {
    it('reports its label and the pair under test among its capabilities', () => {
      const t = make();
      expect(t.label).toMatch(/\w/);
      if (setup.available) expect(t.capabilities.pairs).toContain(`${setup.from}-${setup.to}`);
    });

    it.runIf(setup.available)('translates a sentence into different text', async () => {
      const out = await make().translate('The teacher opens the book.', setup.from, setup.to);
      expect(out.length).toBeGreaterThan(5);
      expect(out).not.toBe('The teacher opens the book.');
    });

    it.runIf(setup.available)(
      'answers concurrent requests each with its own translation, in order',
      async () => {
        const t = make();
        const inputs = ['One apple.', 'Two houses.', 'Three cats.'];
        const outs = await Promise.all(inputs.map((s) => t.translate(s, setup.from, setup.to)));
        for (const [i, out] of outs.entries()) expect(out, inputs[i]).not.toBe('');
        expect(new Set(outs).size).toBe(3);
      },
    );

    it('refuses a pair it does not have with UNAVAILABLE', async () => {
      await expect(make().translate('hello', 'en', 'tlh')).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
    });

    it('returns empty text for empty input', async () => {
      if (!setup.available) return;
      expect(await make().translate('   ', setup.from, setup.to)).toBe('');
    });
  });
}

/** What the speech conformance suite feeds an engine. */
export interface SpeechConformanceSetup {
  /** Whether the engine (binary and model) is on this machine; when not, only its errors are checked. */
  available: boolean;
  language: string;
  /** Sentences spoken by espeak-ng; the engine is expected to know their words. */
  script: string;
  /** The word error rate it must reach on the script. */
  maxWer: number;
}

type Heard = Exclude<SpeechEvent, { type: 'error' }>;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes 16 kHz audio at `speed` × real time, in 100 ms chunks. */
async function speak(stream: SpeechStream, pcm: Int16Array, speed: number): Promise<void> {
  for (let i = 0; i < pcm.length; i += 1600) {
    stream.write(pcm.subarray(i, i + 1600));
    if (speed > 0) await pause(100 / speed);
  }
}

async function collect(stream: SpeechStream): Promise<SpeechEvent[]> {
  const events: SpeechEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

/** Checks what every speech-to-text engine must do, with real speech from espeak-ng. */
export function speechToTextConformance(
  make: () => SpeechToText,
  setup: SpeechConformanceSetup,
): void {
  describe(`speech-to-text conformance (${setup.language})`, () => {
    it.runIf(setup.available)('names itself and lists the language it is tested in', () => {
      const engine = make();
      expect(engine.label).toMatch(/\w/);
      expect(engine.capabilities.languages).toContain(setup.language);
    });

    it.runIf(setup.available)(
      'hears the script: finals in order, timed, with confidences, and interims before their final',
      async () => {
        const engine = make();
        const stream = engine.stream({ language: setup.language });
        const events = collect(stream);
        // Four times real time: fast for the suite, slow enough for interim results.
        await speak(stream, synthesizeSpeech(setup.script), 4);
        stream.end();
        const all = await events;
        expect(all.filter((e) => e.type === 'error')).toEqual([]);
        const heard = all.filter((e): e is Heard => e.type !== 'error');
        const finals = heard.filter((e) => e.type === 'final');
        const text = finals.map((e) => e.text).join(' ');
        expect(wordErrorRate(setup.script, text), `heard: ${text}`).toBeLessThanOrEqual(
          setup.maxWer,
        );
        let last = { utterance: 0, endMs: 0 };
        for (const f of finals) {
          expect(f.utterance).toBeGreaterThan(last.utterance);
          expect(f.startMs).toBeGreaterThanOrEqual(last.endMs - 1);
          expect(f.endMs).toBeGreaterThan(f.startMs);
          expect(f.confidence).toBeGreaterThanOrEqual(0);
          expect(f.confidence).toBeLessThanOrEqual(1);
          last = f;
        }
        if (engine.capabilities.interim) {
          const interims = heard.filter((e) => e.type === 'interim');
          expect(interims.length).toBeGreaterThan(0);
          for (const i of interims) {
            const finalAt = all.findIndex((e) => e.type === 'final' && e.utterance === i.utterance);
            expect(finalAt, `interim "${i.text}" has a final after it`).toBeGreaterThan(
              all.indexOf(i),
            );
          }
        }
      },
      60_000,
    );

    it.runIf(setup.available)(
      'hears nothing in silence, and ends when the audio ends',
      async () => {
        const stream = make().stream({ language: setup.language });
        const events = collect(stream);
        await speak(stream, new Int16Array(16000 * 3), 0);
        stream.end();
        expect(await events).toEqual([]);
      },
    );

    it.runIf(setup.available)('stops at once on close, mid-sentence', async () => {
      const stream = make().stream({ language: setup.language });
      const events = collect(stream);
      const speech = synthesizeSpeech(setup.script);
      await speak(stream, speech.subarray(0, speech.length / 2), 0);
      stream.close();
      const all = await events;
      expect(all.filter((e) => e.type === 'final')).toEqual([]);
      stream.write(speech);
    });
  });
}
