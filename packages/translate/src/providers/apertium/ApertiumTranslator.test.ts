import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { translatorConformance } from '../../testing/conformance.js';
import { Glossary } from '../../Translator.js';
import { ApertiumTranslator } from './ApertiumTranslator.js';

const installed = existsSync('/usr/share/apertium/modes/eng-spa.mode');

describe('apertium', () => {
  const translator = new ApertiumTranslator();
  afterAll(() => translator.close());

  translatorConformance(() => translator, { available: installed, from: 'en', to: 'es' });

  it.runIf(installed)(
    'translates lesson sentences into Spanish, one after another on one process',
    async () => {
      const sentences = [
        'Today we study optics.',
        'Light travels in straight lines.',
        'A mirror reflects the light.',
      ];
      const out: string[] = [];
      for (const s of sentences) out.push(await translator.translate(s, 'en', 'es'));
      expect(out[0]).toBe('Hoy estudiamos óptica.');
      expect(out[1]).toMatch(/líneas rectas/);
      expect(out[2]).toMatch(/espejo/i);
    },
  );

  it.runIf(installed)("applies the teacher's glossary to every translation", async () => {
    const glossary = new Glossary({ light: 'luz', 'straight lines': 'líneas rectas' });
    const { text, restore } = glossary.protect('Light travels in straight lines.');
    expect(restore(await translator.translate(text, 'en', 'es'))).toMatch(
      /^luz .*líneas rectas\.$/i,
    );
  });

  it.runIf(installed)('keeps text with stream-format characters intact', async () => {
    expect(await translator.translate('Question [1]: what is $5 / 2?', 'en', 'es')).toContain('$5');
  });
});
