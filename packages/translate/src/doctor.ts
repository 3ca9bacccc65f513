import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { toCosmoError } from '@cosmo/core';
import { APERTIUM_DEFAULTS, ApertiumTranslator } from './providers/apertium/ApertiumTranslator.js';
import { POCKETSPHINX_DEFAULTS } from './providers/pocketsphinx/PocketsphinxSpeechToText.js';
import { decoderBinary } from './providers/pocketsphinx/decoderBinary.js';
import { readWhisperHeader } from './providers/whisper/modelFile.js';
import { TransformersTranslator } from './providers/transformers/TransformersTranslator.js';
import { VoiceActivityDetector } from './vad/VoiceActivityDetector.js';

/** One line of the report. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const has = (binary: string) => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;

/** What speech and translation engines, models and language pairs this machine has. */
export async function doctor(
  options: { whisperModel?: string | undefined; translationModels?: string | undefined } = {},
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const ffmpeg = has('ffmpeg');
  checks.push({
    name: 'ffmpeg (captions, recordings)',
    ok: ffmpeg,
    detail: ffmpeg
      ? 'decodes Opus to 16 kHz PCM; records and publishes lectures'
      : 'missing: apt install ffmpeg (no captions, no recordings)',
  });
  try {
    (await VoiceActivityDetector.create()).close();
    checks.push({ name: 'WebRTC VAD', ok: true, detail: 'libfvad (wasm) loads' });
  } catch (err) {
    checks.push({ name: 'WebRTC VAD', ok: false, detail: toCosmoError(err).message });
  }
  try {
    checks.push({ name: 'pocketsphinx decoder', ok: true, detail: `built: ${decoderBinary()}` });
  } catch (err) {
    checks.push({ name: 'pocketsphinx decoder', ok: false, detail: toCosmoError(err).message });
  }
  const model = existsSync(POCKETSPHINX_DEFAULTS.hmm) && existsSync(POCKETSPHINX_DEFAULTS.dict);
  checks.push({
    name: 'pocketsphinx en-us model',
    ok: model,
    detail: model ? POCKETSPHINX_DEFAULTS.hmm : 'missing: apt install pocketsphinx-en-us',
  });
  const apertium = has('apertium') && existsSync(APERTIUM_DEFAULTS.modesDir);
  const pairs = apertium ? new ApertiumTranslator().capabilities.pairs : [];
  checks.push({
    name: 'apertium',
    ok: apertium && pairs.length > 0,
    detail: apertium
      ? `pairs: ${pairs.join(', ') || 'none (apt install apertium-eng-spa …)'}`
      : 'missing: apt install apertium',
  });
  const whisperModel = options.whisperModel ?? process.env['COSMO_WHISPER_MODEL'];
  if (!whisperModel) {
    checks.push({
      name: 'whisper',
      ok: false,
      detail: 'no model configured (cosmo models pull base, then COSMO_WHISPER_MODEL=<path>)',
    });
  } else {
    try {
      const header = readWhisperHeader(whisperModel);
      checks.push({
        name: 'whisper',
        ok: true,
        detail: `${whisperModel} (${header.multilingual ? 'multilingual' : 'English only'}, ${header.audioLayers} layers)`,
      });
    } catch (err) {
      const e = toCosmoError(err);
      checks.push({ name: 'whisper', ok: false, detail: `${e.code}: ${e.message}` });
    }
  }
  checks.push(...(await translationModels(options.translationModels)));
  return checks;
}

/**
 * The machine-translation models found, each loaded and asked for one sentence (a model whose
 * files onnxruntime refuses fails here, not at the first caption), and the folders left out.
 */
async function translationModels(dir: string | undefined): Promise<DoctorCheck[]> {
  const name = 'translation models';
  if (!dir) return [{ name, ok: false, detail: 'no models folder configured' }];
  const translator = new TransformersTranslator({ models: [dir], timeoutMs: 120_000 });
  const { models, problems } = translator.report;
  const checks: DoctorCheck[] = problems.map((p) => ({ name, ok: false, detail: p }));
  if (models.length === 0 && problems.length === 0) {
    checks.push({
      name,
      ok: false,
      detail: `none in ${dir} (cosmo models pull opus-mt-en-zh, or see cosmo models list)`,
    });
  }
  try {
    for (const model of models) {
      const [from, to] = model.pairs[0]!.split('-') as [string, string];
      try {
        const out = await translator.translate('Good morning.', from, to);
        checks.push({
          name: `translation ${model.name}`,
          ok: true,
          detail: `${model.pairs.join(', ')}: "Good morning." → "${out}"`,
        });
      } catch (err) {
        const e = toCosmoError(err);
        checks.push({
          name: `translation ${model.name}`,
          ok: false,
          detail: `${e.code}: ${e.message}`,
        });
      }
    }
  } finally {
    await translator.close();
  }
  if (models.length > 0) {
    checks.push({
      name,
      ok: problems.length === 0,
      detail: `pairs offered: ${translator.capabilities.pairs.join(', ')} (from ${dir})`,
    });
  }
  return checks;
}
