/** What a translator can do. */
export interface TranslatorCapabilities {
  /** Language pairs it translates, as `source-target` BCP 47 pairs (e.g. `en-es`). */
  pairs: string[];
}

/** A text translator. */
export abstract class Translator {
  abstract readonly label: string;
  abstract readonly capabilities: TranslatorCapabilities;
  /** Translates one sentence; rejects with UNAVAILABLE when the pair is not installed. */
  abstract translate(text: string, from: string, to: string): Promise<string>;
  abstract close(): Promise<void>;
}

/**
 * A teacher's glossary applied to every translation: terms translated the teacher's way, matched
 * as whole words, case-insensitively. Protected before translation, restored after.
 */
export class Glossary {
  readonly #terms: [RegExp, string][];

  constructor(terms: Record<string, string>) {
    this.#terms = Object.entries(terms)
      .filter(([k]) => k.trim())
      .sort((a, b) => b[0].length - a[0].length)
      .map(([source, target]) => [
        new RegExp(`\\b${source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi'),
        target,
      ]);
  }

  /** Replaces glossary terms with placeholders the translator leaves alone. */
  protect(text: string): { text: string; restore: (translated: string) => string } {
    const kept: string[] = [];
    let out = text;
    for (const [pattern, target] of this.#terms) {
      out = out.replace(pattern, () => {
        kept.push(target);
        return `ZZ${kept.length - 1}ZZ`;
      });
    }
    return {
      text: out,
      restore: (t) => t.replace(/ZZ(\d+)ZZ/g, (_, i: string) => kept[Number(i)] ?? ''),
    };
  }
}
