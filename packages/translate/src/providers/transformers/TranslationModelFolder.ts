import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { CosmoError, ErrorCode } from '@cosmo/core';

/** The manifest's name inside a model folder. */
export const MANIFEST = 'cosmo-model.json';

const language = z.string().regex(/^[a-z]{2,3}$/, 'a two- or three-letter language code');

/**
 * `cosmo-model.json`: what a translation model folder holds, written by `cosmo models pull` or by
 * the operator beside a model exported elsewhere (e.g. with optimum's ONNX export).
 */
const dtype = z.enum(['fp32', 'fp16', 'q8']).default('fp32');
const files = z.record(z.object({ sha256: z.string(), bytes: z.number() })).optional();
const manifestSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        /** One direction per model (OPUS-MT): its one pair as `from-to`. */
        kind: z.literal('marian'),
        pairs: z
          .array(
            z
              .string()
              .regex(/^[a-z]{2,3}-[a-z]{2,3}$/, 'pairs are written like en-zh')
              .refine((p) => p.split('-')[0] !== p.split('-')[1], 'a pair joins two languages'),
          )
          .length(1, 'a marian model translates one direction: one pair'),
        dtype,
        files,
      })
      .strict(),
    z
      .object({
        /** Many languages in one model: our codes mapped to the model's own (en → eng_Latn). */
        kind: z.enum(['m2m100', 'nllb']),
        languages: z
          .record(language, z.string().min(1))
          .refine((l) => Object.keys(l).length >= 2, 'at least two languages'),
        dtype,
        files,
      })
      .strict(),
  ],
  {
    errorMap: (issue, ctx) => ({
      message:
        issue.code === 'invalid_union_discriminator'
          ? 'kind must be marian, m2m100 or nllb'
          : ctx.defaultError,
    }),
  },
);

export type TranslationModelManifest = z.infer<typeof manifestSchema>;

/** A translation model folder, checked. */
export interface TranslationModelFolder {
  name: string;
  dir: string;
  manifest: TranslationModelManifest;
  /** Pairs it translates directly, as `from-to`. */
  pairs: string[];
}

const ONNX_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized' } as const;

/** The files `@huggingface/transformers` reads for a seq2seq model of this dtype. */
export function requiredFiles(dtype: TranslationModelManifest['dtype']): string[] {
  const suffix = ONNX_SUFFIX[dtype];
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    `onnx/encoder_model${suffix}.onnx`,
    `onnx/decoder_model_merged${suffix}.onnx`,
  ];
}

/**
 * Reads and checks a model folder: MODEL_MISSING when it or a file the library needs is absent,
 * MODEL_INVALID when its manifest is wrong or a file has not the size the manifest recorded.
 */
export function readTranslationModel(dir: string): TranslationModelFolder {
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new CosmoError(
      ErrorCode.MODEL_MISSING,
      `no translation model at ${dir} (it needs a ${MANIFEST}; cosmo models pull writes one)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new CosmoError(
      ErrorCode.MODEL_INVALID,
      `${manifestPath} is not JSON: ${(err as Error).message}`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CosmoError(
      ErrorCode.MODEL_INVALID,
      `${manifestPath}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`,
    );
  }
  const manifest = parsed.data;
  for (const file of requiredFiles(manifest.dtype)) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      throw new CosmoError(ErrorCode.MODEL_MISSING, `${basename(dir)} has no ${file} (${path})`);
    }
    const recorded = manifest.files?.[file];
    if (recorded && statSync(path).size !== recorded.bytes) {
      throw new CosmoError(
        ErrorCode.MODEL_INVALID,
        `${path} is ${statSync(path).size} bytes, ${recorded.bytes} were downloaded: pull it again`,
      );
    }
  }
  const pairs =
    manifest.kind === 'marian'
      ? manifest.pairs
      : Object.keys(manifest.languages).flatMap((from) =>
          Object.keys(manifest.languages)
            .filter((to) => to !== from)
            .map((to) => `${from}-${to}`),
        );
  return { name: basename(dir), dir, manifest, pairs };
}

/** The models found under some paths, and why the others could not be used. */
export interface TranslationModelScan {
  models: TranslationModelFolder[];
  /** One line per folder left out (or path missing), naming it and the reason. */
  problems: string[];
}

/**
 * The translation models under each path: the path itself when it is a model folder, else each
 * folder in it with a manifest (a models folder also holds whisper files and such, which are
 * skipped). A broken model is left out and said, never fatal: the others still serve.
 */
export function scanTranslationModels(paths: string[]): TranslationModelScan {
  const scan: TranslationModelScan = { models: [], problems: [] };
  const take = (dir: string) => {
    try {
      scan.models.push(readTranslationModel(dir));
    } catch (err) {
      const e = err as CosmoError;
      scan.problems.push(`${e.code ?? 'MODEL_INVALID'}: ${e.message}`);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) {
      scan.problems.push(`MODEL_MISSING: the translation models folder ${path} does not exist`);
    } else if (existsSync(join(path, MANIFEST))) {
      take(path);
    } else {
      for (const e of readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(path, e.name, MANIFEST)))
        .sort((a, b) => a.name.localeCompare(b.name)))
        take(join(path, e.name));
    }
  }
  return scan;
}
