import { existsSync } from 'node:fs';
import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmTrack, type NodeWebRtc } from '@cosmo/client/node';
import { synthesizeSpeech, wordErrorRate } from '@cosmo/translate';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';

const LESSON =
  'Today we study optics. Light travels in straight lines. A mirror reflects the light. ' +
  'The angle of incidence equals the angle of reflection. When light enters water it bends.';
/** Said after the lesson: nothing to do with it. */
const OFF_SCRIPT = 'Could somebody please close the door behind you.';
const engines = [
  '/usr/bin/pocketsphinx_continuous',
  '/usr/bin/apertium',
  '/usr/bin/ffmpeg',
  '/usr/bin/espeak-ng',
  '/usr/bin/sox',
];
const installed = engines.every((e) => existsSync(e));

const lessonSpeech = (rate: number) => synthesizeSpeech(LESSON, rate);

interface Heard {
  text: string;
  sequence: number;
  language: string;
  uncertain: boolean;
}

describe.runIf(installed)('live captions through the SFU', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
  });

  // Measured on this path (wrtc Opus → ffmpeg → WebRTC VAD → pocketsphinx per utterance): 0–3.4%
  // WER; the stock language model is ~90%.
  const MAX_WER = 0.15;

  it('a student reads the teacher in English (every sure caption a lesson sentence), another in Spanish; what is off the lesson is marked and never translated', async () => {
    // No calibration: the recogniser learns the teacher's voice as she speaks.
    t = await startEphemeralServer();
    const teacher = await joinPeer(t, 'physics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    const english = await joinPeer(t, 'physics', 'aiko', 'student', { autoSubscribe: 'none' });
    const spanish = await joinPeer(t, 'physics', 'mateo', 'student', { autoSubscribe: 'none' });
    peers.push(teacher, english, spanish);
    const heard: Record<string, Heard[]> = { en: [], es: [] };
    const interims: { sequence: number; text: string }[] = [];
    const finals = new Set<number>();
    for (const [peer, lang] of [
      [english, 'en'],
      [spanish, 'es'],
    ] as const) {
      peer.client.on('caption', (c) => {
        const caption = c?.caption;
        if (!caption) return;
        if (caption.final)
          heard[lang]!.push({
            text: caption.text ?? '',
            sequence: caption.sequence ?? 0,
            language: caption.language ?? '',
            uncertain: !!caption.uncertain,
          });
        if (lang !== 'en') return;
        const sequence = caption.sequence ?? 0;
        // An interim caption comes before its utterance's final, never after it.
        if (!caption.final && !finals.has(sequence))
          interims.push({ sequence, text: caption.text ?? '' });
        if (caption.final) finals.add(sequence);
        expect(caption.endMs ?? 0).toBeGreaterThan(caption.startMs ?? 0);
      });
      await peer.client.subscribeCaptions(lang);
    }
    await teacher.client.request('setLesson', {
      text: LESSON,
      language: 'en',
      glossary: { optics: 'óptica' },
    });
    await waitFor(
      'caption languages to be announced',
      () => english.client.classroom?.captionLanguages.includes('es') ?? false,
    );

    // The teacher starts speaking a moment after switching the microphone on, reads her lesson,
    // pauses, and asks for the door to be closed.
    const rate = 48000;
    const pause = new Int16Array(rate * 1.5);
    const spoken = lessonSpeech(rate);
    const aside = synthesizeSpeech(OFF_SCRIPT, rate);
    const audio = new Int16Array(pause.length * 2 + spoken.length + aside.length);
    audio.set(spoken, pause.length);
    audio.set(aside, pause.length * 2 + spoken.length);
    const speech = pcmTrack(wrtc as unknown as NodeWebRtc, audio);
    await teacher.client.publish(speech.track, 'microphone');
    await speech.done;
    const spokenAt = Date.now();
    // The last caption comes after the recogniser hears the silence that ends it: wait until
    // no new one has come for 3 s.
    let count = -1;
    let since = Date.now();
    await waitFor(
      'the captions to settle',
      () => {
        if (heard.en!.length !== count) [count, since] = [heard.en!.length, Date.now()];
        return Date.now() - since > 3000;
      },
      25_000,
    );
    const lesson = heard.en!.filter((h) => !h.uncertain);
    const text = lesson.map((h) => h.text).join(' ');
    console.log(
      `captions: final ${Date.now() - spokenAt} ms after the speech ended, WER ${wordErrorRate(LESSON, text).toFixed(3)}: ${heard.en!.map((h) => `${h.uncertain ? '(?) ' : ''}${h.text}`).join(' | ')}`,
    );
    speech.stop();
    // Sure captions are never wrong: each is (nearly) a sentence of the lesson. Under load a
    // sentence may come out garbled; it must then be marked, never shown as sure.
    const sentences = LESSON.split(/(?<=\.)\s+/);
    for (const h of lesson) {
      const nearest = Math.min(...sentences.map((s) => wordErrorRate(s, h.text)));
      expect(nearest, `a sure caption: "${h.text}"`).toBeLessThanOrEqual(0.2);
    }
    // And nearly all of the lesson is sure: at most one of its five sentences marked.
    expect(wordErrorRate(LESSON, text), `heard: ${text}`).toBeLessThanOrEqual(MAX_WER + 0.1);
    // Each sentence is its own utterance, and students read it growing while it is spoken.
    expect(lesson.length).toBeGreaterThanOrEqual(4);
    expect(interims.length, JSON.stringify(interims)).toBeGreaterThan(0);
    expect(interims.every((i) => finals.has(i.sequence))).toBe(true);
    // The aside is shown as unsure, to both students, in English: never translated.
    const unsure = heard.en!.filter((h) => h.uncertain);
    expect(unsure.length, JSON.stringify(heard.en)).toBeGreaterThan(0);
    await waitFor(
      'a caption for the Spanish student for every English one',
      () => heard.es!.length === heard.en!.length,
      15_000,
    );
    for (const u of unsure)
      expect(heard.es!.find((h) => h.sequence === u.sequence)).toEqual({ ...u, language: 'en' });
    const spanishText = heard
      .es!.filter((h) => !h.uncertain)
      .map((h) => h.text)
      .join(' ');
    expect(spanishText, spanishText).toMatch(/\b(el|la|en|de|del)\b/);
    expect(spanishText).not.toBe(text);
    expect(heard.es!.filter((h) => !h.uncertain).every((h) => h.language === 'es')).toBe(true);
    // The lecture's transcript keeps every final line, in each language, with timings; the
    // unsure ones are marked and kept only in the spoken language.
    const vtt = t.server.school!.transcript('physics', 'en', 'vtt');
    expect(vtt.startsWith('WEBVTT\n\n1\n00:00:')).toBe(true);
    expect(vtt).toContain(lesson[0]!.text);
    const englishLines = t.server.school!.transcript('physics', 'en', 'txt').trim().split('\n');
    expect(englishLines.filter((l) => l.startsWith('(?) '))).toHaveLength(unsure.length);
    expect(t.server.school!.transcript('physics', 'es', 'txt').trim().split('\n')).toEqual(
      heard.es!.filter((h) => !h.uncertain).map((h) => h.text),
    );
    // The teacher's glossary wins over the engine's own choice.
    if (/\boptics\b/.test(text)) expect(spanishText).toMatch(/óptica/);
  }, 90_000);

  it('a lesson in a language without a recogniser is refused at once, nothing is offered, and the lecture goes on', async () => {
    t = await startEphemeralServer();
    const teacher = await joinPeer(t, 'history', 'mr-li', 'teacher', { autoSubscribe: 'none' });
    const student = await joinPeer(t, 'history', 'ren', 'student');
    peers.push(teacher, student);
    await expect(
      teacher.client.request('setLesson', { text: '今日は光について学びます', language: 'ja' }),
    ).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    // Students are not offered captions that would never come.
    expect(student.client.classroom?.captionLanguages ?? []).toEqual([]);
    const mic = await teacher.publishTone();
    await waitFor(
      'the student to hear the teacher anyway',
      () => (student.received.get(mic)?.units ?? 0) > 20,
    );
  }, 60_000);
});
