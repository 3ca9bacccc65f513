import { CosmoError, ErrorCode } from '@cosmo/core';
import { Translator, type TranslatorCapabilities } from './Translator.js';

/**
 * Several translators as one: each pair goes to the first that has it (apertium's rule-based
 * pairs first, say, then the machine-translation models for the rest).
 */
export class CombinedTranslator extends Translator {
  readonly translators: readonly Translator[];

  constructor(translators: Translator[]) {
    super();
    this.translators = translators;
  }

  get label(): string {
    return this.translators.map((t) => t.label).join('+') || 'none';
  }

  get capabilities(): TranslatorCapabilities {
    const pairs = new Set(this.translators.flatMap((t) => t.capabilities.pairs));
    return { pairs: [...pairs].sort() };
  }

  translate(text: string, from: string, to: string): Promise<string> {
    const pair = `${from}-${to}`;
    const translator = this.translators.find((t) => t.capabilities.pairs.includes(pair));
    if (!translator) {
      return Promise.reject(
        new CosmoError(ErrorCode.UNAVAILABLE, `no translator for ${from} → ${to}`),
      );
    }
    return translator.translate(text, from, to);
  }

  async close(): Promise<void> {
    await Promise.all(this.translators.map((t) => t.close()));
  }
}
