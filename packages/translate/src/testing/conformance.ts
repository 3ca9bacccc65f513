// The shared conformance suite: every translator's test calls it in a few lines.
import { describe, expect, it } from 'vitest';
import type { Translator } from '../Translator.js';

/** Checks what every translator must do; `available` says whether the engine is on this machine. */
export function translatorConformance(
  make: () => Translator,
  setup: { available: boolean; from: string; to: string },
): void {
  describe(`translator conformance (${setup.from} → ${setup.to})`, () => {
    it('reports its label and the pair under test among its capabilities', () => {
      const t = make();
      expect(t.label).toMatch(/\w/);
      if (setup.available) expect(t.capabilities.pairs).toContain(`${setup.from}-${setup.to}`);
    });

    it.runIf(setup.available)('translates a sentence into different text', async () => {
      const out = await make().translate('The teacher opens the book.', setup.from, setup.to);
      expect(out.length).toBeGreaterThan(5);
      expect(out).not.toBe('The teacher opens the book.');
    });

    it.runIf(setup.available)(
      'answers concurrent requests each with its own translation, in order',
      async () => {
        const t = make();
        const inputs = ['One apple.', 'Two houses.', 'Three cats.'];
        const outs = await Promise.all(inputs.map((s) => t.translate(s, setup.from, setup.to)));
        for (const [i, out] of outs.entries()) expect(out, inputs[i]).not.toBe('');
        expect(new Set(outs).size).toBe(3);
      },
    );

    it('refuses a pair it does not have with UNAVAILABLE', async () => {
      await expect(make().translate('hello', 'en', 'tlh')).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
    });

    it('returns empty text for empty input', async () => {
      if (!setup.available) return;
      expect(await make().translate('   ', setup.from, setup.to)).toBe('');
    });
  });
}
