import { CosmoError, ErrorCode } from '@cosmo/core';
import { Translator, type TranslatorCapabilities } from './Translator.js';

/**
 * Several translators as one: each pair goes to the first that has it (apertium's rule-based
 * pairs first, say, then the machine-translation models for the rest). Who has which pair is read
 * once, at construction: the caption path asks for every caption, and apertium's answer is a
 * directory listing (a pair installed later is offered after a restart).
 */
export class CombinedTranslator extends Translator {
  readonly translators: readonly Translator[];
  readonly #byPair = new Map<string, Translator>();
  readonly #capabilities: TranslatorCapabilities;

  constructor(translators: Translator[]) {
    super();
    this.translators = translators;
    for (const t of translators)
      for (const pair of t.capabilities.pairs)
        if (!this.#byPair.has(pair)) this.#byPair.set(pair, t);
    this.#capabilities = { pairs: [...this.#byPair.keys()].sort() };
  }

  get label(): string {
    return this.translators.map((t) => t.label).join('+') || 'none';
  }

  get capabilities(): TranslatorCapabilities {
    return this.#capabilities;
  }

  translate(text: string, from: string, to: string): Promise<string> {
    const translator = this.#byPair.get(`${from}-${to}`);
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
