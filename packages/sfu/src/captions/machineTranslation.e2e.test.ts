import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeTestTranslationModel } from '@cosmo/translate/testing';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';
import { speakSentences } from '../testing/speech.js';

const LESSON = 'Light travels in straight lines. A mirror reflects the light.';
/** The test model translates word by word: what a zh student must read for each sentence. */
const EN_ZH = {
  light: '光',
  travels: '传播',
  in: '沿',
  straight: '直',
  lines: '线',
  a: '一面',
  mirror: '镜子',
  reflects: '反射',
  the: '这',
};
const EXPECTED = ['光传播沿直线', '一面镜子反射这光'];

const engines = ['pocketsphinx_continuous', 'ffmpeg', 'espeak-ng', 'sox'];
const installed = engines.every((e) => existsSync(`/usr/bin/${e}`));

describe.runIf(installed)('machine translation through the SFU', () => {
  const models = mkdtempSync(join(tmpdir(), 'cosmo-mt-models-'));
  writeTestTranslationModel(join(models, 'test-en-zh'), {
    from: 'en',
    to: 'zh',
    dictionary: EN_ZH,
  });
  let t: EphemeralServer | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await t?.close();
  });
  afterAll(() => rmSync(models, { recursive: true, force: true }));

  it('a student reading Chinese gets the lesson sentences machine-translated by the configured model', async () => {
    t = await startEphemeralServer({ captionTranslationModels: models });
    const teacher = await joinPeer(t, 'optics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    const wei = await joinPeer(t, 'optics', 'wei', 'student', { autoSubscribe: 'none' });
    peers.push(teacher, wei);
    const heard: { text: string; language: string; untranslated: boolean }[] = [];
    wei.client.on('caption', (c) => {
      const caption = c?.caption;
      if (caption?.final) {
        heard.push({
          text: caption.text ?? '',
          language: caption.language ?? '',
          untranslated: !!caption.untranslated,
        });
      }
    });
    await teacher.client.request('setLesson', { text: LESSON, language: 'en' });
    // Chinese is offered because a model reaches it, with no reviewed lines.
    await waitFor(
      'zh to be offered',
      () => wei.client.classroom?.captionLanguages.includes('zh') ?? false,
    );
    await wei.client.subscribeCaptions('zh');

    const speech = await speakSentences(teacher, LESSON.split(/(?<=\.) /));
    await waitFor('both sentences translated', () => heard.length >= 2, 25_000);
    speech.stop();
    // The test model lower-cases nothing: the recogniser's words are lower case already.
    expect(heard.map((h) => h.text.replace(/\s/g, ''))).toEqual(EXPECTED);
    expect(heard.every((h) => h.language === 'zh' && !h.untranslated)).toBe(true);

    // Reviewed lines under another tag of Chinese (typed in capitals): one entry, not two; the
    // tag in its canonical form.
    await teacher.client.request('setLesson', {
      text: LESSON,
      language: 'en',
      translations: { 'ZH-hans': '光沿直线传播。\n镜子反射光。' },
    });
    await waitFor(
      'the languages to change',
      () => wei.client.classroom?.captionLanguages.includes('zh-Hans') ?? false,
    );
    const offered = wei.client.classroom!.captionLanguages;
    expect(offered.slice(0, 2)).toEqual(['en', 'zh-Hans']);
    expect(offered).not.toContain('zh');
  }, 60_000);
});
