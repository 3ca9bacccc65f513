import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { VoiceCalibration } from '@cosmo/translate';

/** How often a changed profile reaches the disk, at most. */
const SAVE_EVERY_MS = 5_000;

/**
 * Each teacher's voice as the recogniser learnt it (pocketsphinx: her cepstral mean), by
 * identity, in one JSON file under the data folder: her next lecture starts where her last one
 * left off instead of from a mean that suits another voice. Written whole to a temporary file and
 * renamed, so a crash leaves the previous version, never half a file.
 */
export class VoiceProfiles {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #profiles = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(path: string, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
    try {
      const stored = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (stored && typeof stored === 'object')
        for (const [identity, value] of Object.entries(stored))
          if (typeof value === 'string') this.#profiles.set(identity, value);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        logger.warn(
          { err, path },
          'voice profiles unreadable: every voice starts from the default',
        );
    }
  }

  /** The calibration of `identity`'s voice: what was learnt before, and where updates go. */
  calibration(identity: string): VoiceCalibration {
    return {
      initial: this.#profiles.get(identity),
      update: (value) => {
        if (this.#closed || this.#profiles.get(identity) === value) return;
        this.#profiles.set(identity, value);
        this.#timer ??= setTimeout(() => this.#save(), SAVE_EVERY_MS);
      },
    };
  }

  /** Writes what is pending. No-op when already closed. */
  close(): void {
    if (this.#closed) return;
    if (this.#timer) this.#save();
    this.#closed = true;
  }

  #save(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      mkdirSync(dirname(this.#path), { recursive: true });
      const partial = `${this.#path}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(Object.fromEntries(this.#profiles), null, 1));
      renameSync(partial, this.#path);
    } catch (err) {
      this.#logger.warn({ err, path: this.#path }, 'cannot save voice profiles');
    }
  }
}
