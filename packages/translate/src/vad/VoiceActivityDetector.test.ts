import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synthesizeSpeech } from '../speech.js';
import { VoiceActivityDetector, type VadEvent } from './VoiceActivityDetector.js';

const canSpeak = existsSync('/usr/bin/espeak-ng') && existsSync('/usr/bin/sox');
const LESSON =
  'Today we study optics. Light travels in straight lines. A mirror reflects the light.';

const bounds = (events: VadEvent[]) =>
  events.filter((e) => e.type !== 'speech').map((e) => `${e.type}@${'atMs' in e ? e.atMs : ''}`);

describe('voice activity detector', () => {
  it.runIf(canSpeak)('cuts spoken sentences into one utterance each', async () => {
    const vad = await VoiceActivityDetector.create();
    const pcm = synthesizeSpeech(LESSON);
    const events: VadEvent[] = [];
    // Fed in odd-sized chunks, as a network delivers it.
    for (let i = 0; i < pcm.length; i += 777) events.push(...vad.push(pcm.subarray(i, i + 777)));
    events.push(...vad.flush());
    const starts = events.filter((e) => e.type === 'start');
    const ends = events.filter((e) => e.type === 'end');
    expect(starts.length, bounds(events).join(' ')).toBe(3);
    expect(ends.length).toBe(3);
    // Every sample of speech is carried, starting with the pre-roll.
    const carried = events.reduce((n, e) => n + (e.type === 'end' ? 0 : e.pcm.length), 0);
    expect(carried).toBeGreaterThan(pcm.length * 0.6);
    vad.close();
  });

  it('hears nothing in silence or in a faint hum', async () => {
    const vad = await VoiceActivityDetector.create();
    const hum = Int16Array.from({ length: 16000 * 2 }, (_, i) => Math.round(30 * Math.sin(i / 8)));
    expect(vad.push(new Int16Array(16000 * 2))).toEqual([]);
    expect(vad.push(hum).filter((e) => e.type === 'start')).toEqual([]);
    vad.close();
  });

  it.runIf(canSpeak)('cuts a speaker who never pauses at maxUtteranceMs', async () => {
    const vad = await VoiceActivityDetector.create({ maxUtteranceMs: 1000, endMs: 2000 });
    const events = vad.push(synthesizeSpeech('Light travels in straight lines without a pause'));
    const ends = events.filter((e) => e.type === 'end');
    expect(ends.length).toBeGreaterThanOrEqual(2);
    expect(ends.every((e) => e.reason === 'length')).toBe(true);
    vad.close();
  });

  it('refuses a mode outside 0 to 3 with a TypeError', async () => {
    await expect(VoiceActivityDetector.create({ mode: 7 as 0 })).rejects.toThrow(TypeError);
  });

  it('ignores audio after close', async () => {
    const vad = await VoiceActivityDetector.create();
    vad.close();
    vad.close();
    expect(vad.push(new Int16Array(4800))).toEqual([]);
  });
});
