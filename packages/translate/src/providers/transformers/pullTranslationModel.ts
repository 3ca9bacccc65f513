import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { downloadTo, reason, type PullProgress } from '../../models/download.js';
import {
  MANIFEST,
  readTranslationModel,
  requiredFiles,
  type TranslationModelManifest,
} from './TranslationModelFolder.js';

/** A translation model `cosmo models pull` knows: a Hugging Face repository of ONNX exports. */
export interface TranslationCatalogEntry {
  name: string;
  /** The repository's file base: `https://huggingface.co/<owner>/<repo>/resolve/<revision>`. */
  base: string;
  /** What the manifest of the pulled folder says (kind, pairs or languages, dtype). */
  manifest: TranslationModelManifest;
  /** One line for `cosmo models list`. */
  about: string;
}

const hub = (repo: string) => `https://huggingface.co/${repo}/resolve/main`;

/**
 * ONNX exports of OPUS-MT (one direction each, ~80 MB quantised) and M2M-100 (all directions
 * among its 100 languages, ~500 MB quantised) published for `@huggingface/transformers`.
 */
export const TRANSLATION_MODELS: readonly TranslationCatalogEntry[] = [
  {
    name: 'opus-mt-en-zh',
    base: hub('Xenova/opus-mt-en-zh'),
    manifest: { kind: 'marian', pairs: ['en-zh'], dtype: 'q8' },
    about: 'English → Chinese (OPUS-MT)',
  },
  {
    name: 'opus-mt-zh-en',
    base: hub('Xenova/opus-mt-zh-en'),
    manifest: { kind: 'marian', pairs: ['zh-en'], dtype: 'q8' },
    about: 'Chinese → English (OPUS-MT)',
  },
  {
    name: 'opus-mt-ja-en',
    base: hub('Xenova/opus-mt-ja-en'),
    manifest: { kind: 'marian', pairs: ['ja-en'], dtype: 'q8' },
    about: 'Japanese → English (OPUS-MT)',
  },
  {
    name: 'm2m100_418M',
    base: hub('Xenova/m2m100_418M'),
    manifest: { kind: 'm2m100', languages: { en: 'en', ja: 'ja', zh: 'zh' }, dtype: 'q8' },
    about: 'English, Japanese, Chinese in every direction (M2M-100 418M)',
  },
];

/** The checksum a Hugging Face-style server publishes for a file, from a HEAD request. */
interface Published {
  file: string;
  bytes: number | undefined;
  /** LFS files: the SHA-256 of the content. Small files: the SHA-1 of their git blob. */
  sha256?: string;
  gitSha1?: string;
}

const unquote = (etag: string | null) => etag?.replace(/^W\//, '').replace(/"/g, '') || undefined;

async function published(base: string, file: string): Promise<Published | undefined> {
  const url = `${base}/${file}`;
  let head: Response;
  try {
    head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
  } catch (err) {
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      `cannot reach ${new URL(url).host}: ${reason(err)}`,
    );
  }
  if (head.status === 404) return undefined;
  if (head.status >= 400)
    throw new CosmoError(ErrorCode.UNAVAILABLE, `${url}: HTTP ${head.status}`);
  const linked = unquote(head.headers.get('x-linked-etag'));
  const size = Number(head.headers.get('x-linked-size') ?? head.headers.get('content-length'));
  const etag = unquote(head.headers.get('etag'));
  return {
    file,
    bytes: size || undefined,
    ...(linked ? { sha256: linked } : etag && /^[0-9a-f]{40}$/.test(etag) ? { gitSha1: etag } : {}),
  };
}

/** Git's name for a blob: SHA-1 of `blob <size>\0<content>`. */
const gitBlobSha1 = (content: Buffer) =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

/**
 * Downloads a catalogued translation model into `<dir>/<name>/`: every file the library needs,
 * each checked against the checksum the server publishes (SHA-256 for large files, the git blob
 * SHA-1 for small ones; a file published with neither is refused), then a `cosmo-model.json`
 * recording each file's SHA-256 and size. The folder takes its final name only once complete:
 * a partial or corrupt download never does. Returns the folder.
 */
export async function pullTranslationModel(
  name: string,
  dir: string,
  options: { onProgress?: PullProgress; entry?: TranslationCatalogEntry } = {},
): Promise<string> {
  const model = options.entry ?? TRANSLATION_MODELS.find((m) => m.name === name);
  if (!model) {
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `unknown translation model '${name}' (known: ${TRANSLATION_MODELS.map((m) => m.name).join(', ')})`,
    );
  }
  const wanted = [...requiredFiles(model.manifest.dtype), 'generation_config.json'];
  const files: Published[] = [];
  for (const file of wanted) {
    const p = await published(model.base, file);
    if (p) files.push(p);
    else if (file !== 'generation_config.json') {
      throw new CosmoError(ErrorCode.UNAVAILABLE, `${model.base}/${file} does not exist`);
    }
  }
  const total = files.every((f) => f.bytes) ? files.reduce((s, f) => s + f.bytes!, 0) : undefined;
  const target = join(dir, model.name);
  const partial = `${target}.partial`;
  await rm(partial, { recursive: true, force: true });
  const recorded: Record<string, { sha256: string; bytes: number }> = {};
  let before = 0;
  try {
    for (const f of files) {
      const path = join(partial, f.file);
      mkdirSync(dirname(path), { recursive: true });
      const { bytes, digests } = await downloadTo(`${model.base}/${f.file}`, path, {
        algorithms: ['sha256'],
        onProgress: (done) => options.onProgress?.(before + done, total),
      });
      before += bytes;
      const sha256 = digests['sha256']!;
      const ok = f.sha256
        ? sha256 === f.sha256
        : f.gitSha1
          ? gitBlobSha1(readFileSync(path)) === f.gitSha1
          : undefined;
      if (ok === undefined) {
        throw new CosmoError(
          ErrorCode.MODEL_INVALID,
          `${model.base}/${f.file} came with no checksum to verify it against: refused`,
        );
      }
      if (!ok) {
        throw new CosmoError(
          ErrorCode.MODEL_INVALID,
          `${model.name}/${f.file} does not match the checksum its server publishes: discarded`,
        );
      }
      recorded[f.file] = { sha256, bytes };
    }
    writeFileSync(
      join(partial, MANIFEST),
      `${JSON.stringify({ ...model.manifest, files: recorded }, null, 2)}\n`,
    );
    readTranslationModel(partial);
    if (existsSync(target)) await rm(target, { recursive: true });
    await rename(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return target;
}
