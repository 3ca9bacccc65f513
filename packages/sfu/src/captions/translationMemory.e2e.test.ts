import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CosmoError } from '@cosmo/core';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';
import { speakSentences } from '../testing/speech.js';

const LESSON =
  'Today we study optics. Light travels in straight lines. A mirror reflects the light. ' +
  'The angle of incidence equals the angle of reflection. When light enters water it bends.';
/** The teacher's reviewed translations, one line per lesson sentence. */
const ZH = [
  '今天我们学习光学。',
  '光沿直线传播。',
  '镜子反射光。',
  '入射角等于反射角。',
  '光进入水中时会弯曲。',
];
const JA = [
  '今日は光学を学びます。',
  '光はまっすぐ進みます。',
  '鏡は光を反射します。',
  '入射角は反射角に等しい。',
  '光は水に入ると曲がります。',
];
/** What she says: three lesson sentences (the second with a word changed), then an aside. */
const SAID = [
  'Light travels in straight lines.',
  'The angle of incidence is the angle of reflection.',
  'When light enters water it bends.',
  'Could somebody please close the door behind you.',
];
const REVIEWED = [1, 3, 4];

const engines = ['pocketsphinx_continuous', 'apertium', 'ffmpeg', 'espeak-ng', 'sox'];
const installed = engines.every((e) => existsSync(`/usr/bin/${e}`));

interface Heard {
  text: string;
  language: string;
  uncertain: boolean;
  untranslated: boolean;
}

describe.runIf(installed)('the lesson translation memory through the SFU', () => {
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
  });

  it('students reading Chinese and Japanese get the reviewed lines of what was said from the lesson, and the aside untranslated and marked', async () => {
    t = await startEphemeralServer();
    const teacher = await joinPeer(t, 'optics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    const wei = await joinPeer(t, 'optics', 'wei', 'student', { autoSubscribe: 'none' });
    const yui = await joinPeer(t, 'optics', 'yui', 'student', { autoSubscribe: 'none' });
    const aiko = await joinPeer(t, 'optics', 'aiko', 'student', { autoSubscribe: 'none' });
    peers.push(teacher, wei, yui, aiko);
    const heard: Record<string, Heard[]> = { zh: [], ja: [], en: [] };
    for (const [peer, lang] of [
      [wei, 'zh'],
      [yui, 'ja'],
      [aiko, 'en'],
    ] as const) {
      peer.client.on('caption', (c) => {
        const caption = c?.caption;
        if (caption?.final)
          heard[lang]!.push({
            text: caption.text ?? '',
            language: caption.language ?? '',
            uncertain: !!caption.uncertain,
            untranslated: !!caption.untranslated,
          });
      });
      await peer.client.subscribeCaptions(lang);
    }

    // Lines that do not line up with the sentences are refused, naming the language and counts.
    const refused = await teacher.client
      .request('setLesson', {
        text: LESSON,
        language: 'en',
        translations: { zh: ZH.join('\n'), ja: JA.slice(0, 4).join('\n') },
      })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(CosmoError);
    expect((refused as CosmoError).code).toBe('INVALID_ARGUMENT');
    expect((refused as CosmoError).message).toBe(
      "the 'ja' translations have 4 lines; the lesson has 5 sentences (one line per sentence, in order)",
    );
    expect(wei.client.classroom?.captionLanguages ?? []).toEqual([]);

    await teacher.client.request('setLesson', {
      text: LESSON,
      language: 'en',
      translations: { zh: ZH.join('\n'), ja: JA.join('\n') },
    });
    // Offered: the spoken language, the memory's languages, then what the machine reaches.
    await waitFor(
      'caption languages to be announced',
      () => wei.client.classroom?.captionLanguages.includes('ja') ?? false,
    );
    expect(wei.client.classroom!.captionLanguages.slice(0, 3)).toEqual(['en', 'zh', 'ja']);

    // Each sentence after a pause, as a teacher speaks.
    const speech = await speakSentences(teacher, SAID);
    let count = -1;
    let since = Date.now();
    await waitFor(
      'the captions to settle',
      () => {
        const n = heard.zh!.length + heard.ja!.length;
        if (n !== count) [count, since] = [n, Date.now()];
        return Date.now() - since > 3000;
      },
      25_000,
    );
    speech.stop();
    const show = (h: Heard[]) =>
      h.map((x) => `${x.uncertain ? '(?) ' : ''}${x.untranslated ? '[en] ' : ''}${x.text}`);
    console.log(
      `heard: en ${show(heard.en!).join(' | ')}\n  zh ${show(heard.zh!).join(' | ')}\n  ja ${show(heard.ja!).join(' | ')}`,
    );

    for (const [lang, lines] of [
      ['zh', ZH],
      ['ja', JA],
    ] as const) {
      const reviewed = heard[lang]!.filter((h) => !h.untranslated);
      // The three lesson sentences, the one with a word changed included, as she reviewed them.
      expect(reviewed, JSON.stringify(heard[lang])).toEqual(
        REVIEWED.map((i) => ({
          text: lines[i],
          language: lang,
          uncertain: false,
          untranslated: false,
        })),
      );
      // The aside: in English, marked unsure and untranslated; never a wrong reviewed line.
      const left = heard[lang]!.filter((h) => h.untranslated);
      expect(left.length, JSON.stringify(heard[lang])).toBeGreaterThan(0);
      for (const h of left) expect(h).toMatchObject({ language: 'en', uncertain: true });
    }
    // The student reading English gets English, never marked untranslated.
    expect(heard.en!.length).toBe(heard.zh!.length);
    expect(heard.en!.every((h) => h.language === 'en' && !h.untranslated)).toBe(true);
    // The transcript keeps the reviewed lines in each language.
    expect(t.server.school!.transcript('optics', 'zh', 'txt').trim().split('\n')).toEqual(
      REVIEWED.map((i) => ZH[i]),
    );
  }, 90_000);
});
