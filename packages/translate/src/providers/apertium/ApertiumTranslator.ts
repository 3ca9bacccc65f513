import { execFileSync, type ChildProcess } from 'node:child_process';
import { spawnTied } from '../../process/spawnTied.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { bcp47, iso3 } from '../../languages.js';
import { Translator, type TranslatorCapabilities } from '../../Translator.js';

/** Options of the apertium translator. */
export interface ApertiumOptions {
  /** Where apertium's language-pair modes are installed. */
  modesDir: string;
  /** A sentence not translated within this time fails with TIMEOUT (and its process restarts). */
  timeoutMs: number;
}

/** Debian's location. */
export const APERTIUM_DEFAULTS: ApertiumOptions = {
  modesDir: '/usr/share/apertium/modes',
  timeoutMs: 10_000,
};

/** One pair's pipeline, kept running, one sentence at a time. */
class Pipeline {
  readonly #child: ChildProcess;
  #buffer = '';
  #waiting: { resolve: (s: string) => void; reject: (e: Error) => void } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #dead: Error | undefined;

  constructor(command: string) {
    // Node's stdio are sockets, which apertium's tools cannot open as /dev/stdin: `cat` bridges.
    this.#child = spawnTied('sh', ['-c', `cat | { ${command}; }`], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.#child.stdout!.setEncoding('utf8');
    this.#child.stdout!.on('data', (chunk: string) => {
      this.#buffer += chunk;
      const end = this.#buffer.indexOf('\0');
      if (end === -1) return;
      const out = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.resolve(out);
    });
    this.#child.on('exit', (code) =>
      this.#fail(new CosmoError(ErrorCode.UNAVAILABLE, `apertium exited (${code})`)),
    );
    this.#child.stdin!.on('error', (err) => this.#fail(err));
  }

  get dead(): boolean {
    return this.#dead !== undefined;
  }

  translate(text: string, timeoutMs: number): Promise<string> {
    const run = this.#queue.then(
      () =>
        new Promise<string>((resolve, reject) => {
          if (this.#dead) return reject(this.#dead);
          const timer = setTimeout(() => {
            this.#waiting = undefined;
            reject(new CosmoError(ErrorCode.TIMEOUT, 'apertium did not answer in time'));
            this.close();
          }, timeoutMs);
          this.#waiting = {
            resolve: (s) => (clearTimeout(timer), resolve(s)),
            reject: (e) => (clearTimeout(timer), reject(e)),
          };
          // The stream format reserves these characters; a newline before the null flushes the
          // tagger's last word.
          const escaped = text.replace(/[\\^$@*/<>{}[\]#+~|]/g, '\\$&').replace(/\s+/g, ' ');
          this.#child.stdin!.write(`${escaped}\n\0`);
        }),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#child.kill();
  }

  #fail(err: Error): void {
    this.#dead ??= err;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(err);
  }
}

/**
 * Rule-based machine translation with apertium (offline; Debian's `apertium-eng-spa` and others):
 * a persistent pipeline per language pair in null-flush mode, so a sentence costs milliseconds.
 */
export class ApertiumTranslator extends Translator {
  readonly label = 'apertium';
  readonly options: ApertiumOptions;
  readonly #pipelines = new Map<string, Pipeline>();

  constructor(options: Partial<ApertiumOptions> = {}) {
    super();
    this.options = { ...APERTIUM_DEFAULTS, ...options };
  }

  get capabilities(): TranslatorCapabilities {
    const dir = this.options.modesDir;
    const pairs = existsSync(dir)
      ? readdirSync(dir)
          .map((f) => /^([a-z]{2,3})-([a-z]{2,3})\.mode$/.exec(f))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => `${bcp47(m[1]!)}-${bcp47(m[2]!)}`)
      : [];
    return { pairs };
  }

  async translate(text: string, from: string, to: string): Promise<string> {
    const pair = `${iso3(from) ?? from}-${iso3(to) ?? to}`;
    const mode = join(this.options.modesDir, `${pair}.mode`);
    if (!existsSync(mode)) {
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `no apertium pair for ${from} → ${to} is installed (looked for ${mode}; Debian packages are named apertium-${pair})`,
      );
    }
    if (!text.trim()) return '';
    let pipeline = this.#pipelines.get(pair);
    if (!pipeline || pipeline.dead) {
      const command = execFileSync('apertium-wblank-mode', ['-z', mode], { encoding: 'utf8' })
        .replace('$1', '-n')
        .replace('$2', '')
        .trim();
      pipeline = new Pipeline(command);
      this.#pipelines.set(pair, pipeline);
    }
    const out = await pipeline.translate(text, this.options.timeoutMs);
    return out.replace(/\s+/g, ' ').trim();
  }

  async close(): Promise<void> {
    for (const p of this.#pipelines.values()) p.close();
    this.#pipelines.clear();
  }
}
