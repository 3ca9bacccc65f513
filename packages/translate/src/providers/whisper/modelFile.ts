import { existsSync, mkdirSync, openSync, readSync, closeSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { downloadTo, type PullProgress } from '../../models/download.js';

/** What a ggml whisper model's header says. */
export interface WhisperModelHeader {
  vocab: number;
  audioLayers: number;
  textLayers: number;
  state: number;
  mels: number;
  /** Multilingual models know 99 languages; `.en` models only English. */
  multilingual: boolean;
}

const GGML_MAGIC = 0x67676d6c;

/**
 * Reads and checks a whisper.cpp ggml model's header, so a wrong or corrupt file is refused at
 * startup: MODEL_MISSING when there is no file, MODEL_INVALID when it is not a whisper model.
 */
export function readWhisperHeader(path: string): WhisperModelHeader {
  if (!existsSync(path)) {
    throw new CosmoError(
      ErrorCode.MODEL_MISSING,
      `whisper model not found at ${path} (download one with: cosmo models pull base)`,
    );
  }
  const header = Buffer.alloc(48);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 48, 0);
  } finally {
    closeSync(fd);
  }
  const invalid = (why: string) =>
    new CosmoError(ErrorCode.MODEL_INVALID, `${path} is not a whisper.cpp ggml model: ${why}`);
  if (read < 48) throw invalid('the file is too short');
  if (header.readUInt32LE(0) !== GGML_MAGIC) throw invalid('bad magic number');
  const [vocab, , audioState, audioHeads, audioLayers, , textState, , textLayers, mels] =
    Array.from({ length: 10 }, (_, i) => header.readInt32LE(4 + i * 4)) as number[];
  if (vocab! < 51864 || vocab! > 51866) throw invalid(`vocabulary of ${vocab} tokens`);
  if (audioState !== textState || audioState! <= 0 || audioState! % audioHeads! !== 0)
    throw invalid('inconsistent layer sizes');
  if (mels !== 80 && mels !== 128) throw invalid(`${mels} mel bands`);
  if (audioLayers! < 1 || audioLayers! > 64 || textLayers! < 1 || textLayers! > 64)
    throw invalid('layer count out of range');
  return {
    vocab: vocab!,
    audioLayers: audioLayers!,
    textLayers: textLayers!,
    state: audioState!,
    mels: mels!,
    multilingual: vocab! >= 51865,
  };
}

/**
 * A model `cosmo models pull` knows: whisper.cpp's own, with the SHA-1 its README publishes
 * (`bytes` is 0 where the size is not known ahead; the server's content-length is used then).
 */
export interface WhisperCatalogEntry {
  name: string;
  url: string;
  sha1: string;
  bytes: number;
}

const HF = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';
const entry = (name: string, sha1: string, bytes: number): WhisperCatalogEntry => ({
  name,
  url: `${HF}/ggml-${name}.bin`,
  sha1,
  bytes,
});

export const WHISPER_MODELS: readonly WhisperCatalogEntry[] = [
  entry('tiny', 'bd577a113a864445d4c299885e0cb97d4ba92b5f', 77_691_713),
  entry('tiny.en', 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df', 77_704_715),
  entry('base', '465707469ff3a37a2b9b8d8f89f2f99de7299dac', 147_951_465),
  entry('base.en', '137c40403d78fd54d454da0f9bd998f78703390c', 147_964_211),
  entry('small', '55356645c2b361a969dfd0ef2c5a50d530afd8d5', 487_601_967),
  entry('small.en', 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022', 0),
  entry('medium', 'fd9727b6e1217c2f614f9b698455c4ffd82463b4', 0),
  entry('medium.en', '8c30f0e44ce9560643ebd10bbe50cd20eafd3723', 0),
];

/**
 * Downloads a catalogued model into `dir` (as `ggml-<name>.bin`), verifying its SHA-1 before it
 * takes the final name; a partial or corrupt download never does. Returns the model's path.
 */
export async function pullWhisperModel(
  name: string,
  dir: string,
  options: { onProgress?: PullProgress; entry?: WhisperCatalogEntry } = {},
): Promise<string> {
  const model = options.entry ?? WHISPER_MODELS.find((m) => m.name === name);
  if (!model) {
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `unknown whisper model '${name}' (known: ${WHISPER_MODELS.map((m) => m.name).join(', ')})`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `ggml-${model.name}.bin`);
  const partial = `${target}.partial`;
  try {
    const { digests } = await downloadTo(model.url, partial, {
      algorithms: ['sha1'],
      onProgress: (done, total) => options.onProgress?.(done, total ?? (model.bytes || undefined)),
    });
    if (digests['sha1'] !== model.sha1) {
      throw new CosmoError(
        ErrorCode.MODEL_INVALID,
        `${model.name} downloaded with SHA-1 ${digests['sha1']}, expected ${model.sha1}: discarded`,
      );
    }
    readWhisperHeader(partial);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return target;
}
