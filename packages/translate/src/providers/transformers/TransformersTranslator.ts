import { CosmoError, ErrorCode } from '@cosmo/core';
import { Translator, type TranslatorCapabilities } from '../../Translator.js';
import {
  scanTranslationModels,
  type TranslationModelFolder,
  type TranslationModelScan,
} from './TranslationModelFolder.js';

/** Options of the machine translator that runs operator-supplied ONNX models. */
export interface TransformersTranslatorOptions {
  /** Model folders (each with a `cosmo-model.json`), or folders holding them. */
  models: string[];
  /** Pairs no model has directly are offered through English when two models make the way. */
  pivot: boolean;
  /** A sentence not translated within this time fails with TIMEOUT (its result is dropped). */
  timeoutMs: number;
  /** onnxruntime threads per model: the media server needs the other cores. */
  threads: number;
}

export const TRANSFORMERS_DEFAULTS: TransformersTranslatorOptions = {
  models: [],
  pivot: true,
  timeoutMs: 20_000,
  threads: 1,
};

type TranslationPipeline = (
  text: string,
  options: Record<string, unknown>,
) => Promise<{ translation_text: string }[] | { translation_text: string }>;

/** One loaded model, one sentence at a time (onnxruntime runs are not interleaved). */
class LoadedModel {
  readonly folder: TranslationModelFolder;
  readonly #pipeline: Promise<TranslationPipeline & { dispose(): Promise<void> }>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(folder: TranslationModelFolder, threads: number) {
    this.folder = folder;
    this.#pipeline = (async () => {
      const { pipeline, env, LogLevel } = await import('@huggingface/transformers');
      // Models come from the operator's folders only: never the network, never a cache.
      env.allowRemoteModels = false;
      env.useFSCache = false;
      env.logLevel = LogLevel.ERROR;
      try {
        return (await pipeline('translation', folder.dir, {
          local_files_only: true,
          dtype: folder.manifest.dtype,
          device: 'cpu',
          session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
        })) as unknown as TranslationPipeline & { dispose(): Promise<void> };
      } catch (err) {
        // onnxruntime's own reason (a truncated file, an operator it lacks), not a generic one.
        const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new CosmoError(
          ErrorCode.MODEL_INVALID,
          `the translation model ${folder.name} does not load (${why}): pull it again or re-export it`,
        );
      }
    })();
    // A model that fails to load says so on use; nobody waits on it before.
    this.#pipeline.catch(() => undefined);
  }

  translate(text: string, from: string, to: string): Promise<string> {
    const { manifest } = this.folder;
    const languages = manifest.kind === 'marian' ? undefined : manifest.languages;
    const run = this.#queue.then(async () => {
      const translate = await this.#pipeline;
      const out = await translate(text, {
        ...(languages ? { src_lang: languages[from], tgt_lang: languages[to] } : {}),
        // A model that never says end-of-sentence stops here; SentencePiece pieces are at most
        // one per character, and a translation is seldom twice as long as its source.
        max_new_tokens: Math.min(512, text.length * 2 + 16),
      });
      return (Array.isArray(out) ? out[0]?.translation_text : out.translation_text) ?? '';
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    try {
      await (await this.#pipeline).dispose();
    } catch {
      // Never loaded: nothing to free.
    }
  }
}

/** The models' own pairs, and with `pivot` those two of them make through English. */
function offeredPairs(folders: readonly TranslationModelFolder[], pivot: boolean): string[] {
  const direct = new Set(folders.flatMap((f) => f.pairs));
  const pairs = new Set(direct);
  if (pivot) {
    for (const first of direct) {
      const [from, via] = first.split('-') as [string, string];
      if (via !== 'en') continue;
      for (const second of direct) {
        const [start, to] = second.split('-') as [string, string];
        if (start === 'en' && to !== from) pairs.add(`${from}-${to}`);
      }
    }
  }
  return [...pairs].sort();
}

/**
 * Machine translation on the operator's ONNX models (OPUS-MT, M2M-100, NLLB, as exported for
 * `@huggingface/transformers`), loaded from local folders on first use, never from the network.
 * A pair with no model of its own is offered through English when `pivot` is on (ja → en → zh).
 */
export class TransformersTranslator extends Translator {
  readonly label = 'transformers';
  readonly options: TransformersTranslatorOptions;
  readonly #folders: TranslationModelFolder[];
  /** The models found, and the folders left out with why (logged by the server at start). */
  readonly report: TranslationModelScan;
  readonly #capabilities: TranslatorCapabilities;
  readonly #loaded = new Map<string, LoadedModel>();
  #closed = false;

  /**
   * Reads every model's manifest now, at startup rather than at the first caption; a broken one
   * is left out and said in `report.problems` (the others still serve).
   */
  constructor(options: Partial<TransformersTranslatorOptions> = {}) {
    super();
    this.options = { ...TRANSFORMERS_DEFAULTS, ...options };
    this.report = scanTranslationModels(this.options.models);
    this.#folders = this.report.models;
    this.#capabilities = { pairs: offeredPairs(this.#folders, this.options.pivot) };
  }

  /** The model folders found, with their pairs. */
  get models(): readonly TranslationModelFolder[] {
    return this.#folders;
  }

  get capabilities(): TranslatorCapabilities {
    return this.#capabilities;
  }

  async translate(text: string, from: string, to: string): Promise<string> {
    if (this.#closed) throw new CosmoError(ErrorCode.UNAVAILABLE, 'the translator is closed');
    if (!this.#capabilities.pairs.includes(`${from}-${to}`)) {
      throw new CosmoError(ErrorCode.UNAVAILABLE, `no translation model for ${from} → ${to}`);
    }
    if (!text.trim()) return '';
    const direct = this.#model(from, to);
    const work = direct
      ? direct.translate(text, from, to)
      : this.#model(from, 'en')!
          .translate(text, from, 'en')
          .then((english) => this.#model('en', to)!.translate(english, 'en', to));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new CosmoError(ErrorCode.TIMEOUT, `translating ${from} → ${to} took too long`)),
        this.options.timeoutMs,
      );
    });
    try {
      return (await Promise.race([work, timeout])).trim();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Frees every loaded model. No-op when already closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const loaded = [...this.#loaded.values()];
    this.#loaded.clear();
    await Promise.all(loaded.map((m) => m.close()));
  }

  /** The model that translates `from` → `to` directly, loaded on first use. */
  #model(from: string, to: string): LoadedModel | undefined {
    const folder = this.#folders.find((f) => f.pairs.includes(`${from}-${to}`));
    if (!folder) return undefined;
    let model = this.#loaded.get(folder.dir);
    if (!model) {
      model = new LoadedModel(folder, this.options.threads);
      this.#loaded.set(folder.dir, model);
    }
    return model;
  }
}
