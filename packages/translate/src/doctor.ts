import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { APERTIUM_DEFAULTS, ApertiumTranslator } from './providers/apertium/ApertiumTranslator.js';
import { POCKETSPHINX_DEFAULTS } from './providers/pocketsphinx/PocketsphinxSpeechToText.js';

/** One line of the report. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const has = (binary: string) => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;

/** What speech and translation engines, models and language pairs this machine has. */
export function doctor(): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const sphinx = has('pocketsphinx_continuous');
  checks.push({
    name: 'pocketsphinx',
    ok: sphinx,
    detail: sphinx ? 'pocketsphinx_continuous found' : 'missing: apt install pocketsphinx',
  });
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
  const whisperModel = process.env['COSMO_WHISPER_MODEL'];
  checks.push({
    name: 'whisper',
    ok: !!whisperModel && existsSync(whisperModel),
    detail: whisperModel
      ? existsSync(whisperModel)
        ? whisperModel
        : `COSMO_WHISPER_MODEL=${whisperModel} does not exist`
      : 'no model configured (set COSMO_WHISPER_MODEL to a ggml model file)',
  });
  return checks;
}
