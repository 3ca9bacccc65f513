import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translatorConformance } from '../../testing/conformance.js';
import { writeTestTranslationModel } from '../../testing/translationModel.js';
import { TransformersTranslator } from './TransformersTranslator.js';
import { pullTranslationModel, TRANSLATION_MODELS } from './pullTranslationModel.js';
import { MANIFEST, scanTranslationModels } from './TranslationModelFolder.js';

const dir = mkdtempSync(join(tmpdir(), 'cosmo-mt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Word-by-word dictionaries: the test model translates each word to its entry, in order.
const EN_ZH = {
  The: '这位',
  teacher: '老师',
  opens: '打开',
  the: '这本',
  book: '书',
  One: '一个',
  apple: '苹果',
  Two: '两座',
  houses: '房子',
  Three: '三只',
  cats: '猫',
  '.': '。',
};
const models = join(dir, 'models');
writeTestTranslationModel(join(models, 'en-zh'), { from: 'en', to: 'zh', dictionary: EN_ZH });
writeTestTranslationModel(join(models, 'ja-en'), {
  from: 'ja',
  to: 'en',
  dictionary: { 先生: 'teacher', 本: 'book', 開く: 'opens', '。': '.' },
});

describe('TransformersTranslator', () => {
  const translator = new TransformersTranslator({ models: [models] });
  afterAll(() => translator.close());

  translatorConformance(() => translator, { available: true, from: 'en', to: 'zh' });

  it('runs the model: word by word, its end-of-sentence token ends the output', async () => {
    expect(await translator.translate('The teacher opens the book.', 'en', 'zh')).toBe(
      '这位老师打开这本书。',
    );
  });

  it('offers ja → zh through English, and translates it in two steps', async () => {
    expect(translator.capabilities.pairs).toEqual(['en-zh', 'ja-en', 'ja-zh']);
    expect(await translator.translate('先生 本 開く 。', 'ja', 'zh')).toBe('老师书打开。');
    const direct = new TransformersTranslator({ models: [models], pivot: false });
    expect(direct.capabilities.pairs).toEqual(['en-zh', 'ja-en']);
    await expect(direct.translate('先生', 'ja', 'zh')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('leaves out, and says why, a folder whose manifest is wrong or lacks a file; the others serve', () => {
    const bad = join(dir, 'bad');
    writeTestTranslationModel(join(bad, 'good'), { from: 'en', to: 'ja', dictionary: {} });
    writeTestTranslationModel(join(bad, 'nofile'), { from: 'en', to: 'ko', dictionary: {} });
    rmSync(join(bad, 'nofile', 'onnx', 'decoder_model_merged.onnx'));
    writeTestTranslationModel(join(bad, 'pairs'), { from: 'en', to: 'es', dictionary: {} });
    writeFileSync(join(bad, 'pairs', MANIFEST), '{"kind":"marian","pairs":["english-chinese"]}');
    writeTestTranslationModel(join(bad, 'twopairs'), { from: 'en', to: 'fr', dictionary: {} });
    writeFileSync(join(bad, 'twopairs', MANIFEST), '{"kind":"marian","pairs":["en-fr","en-de"]}');
    writeTestTranslationModel(join(bad, 'kind'), { from: 'en', to: 'it', dictionary: {} });
    writeFileSync(join(bad, 'kind', MANIFEST), '{"kind":"t5"}');
    const t = new TransformersTranslator({ models: [bad, join(dir, 'none')] });
    expect(t.capabilities.pairs).toEqual(['en-ja']);
    const problems = t.report.problems.join('\n');
    expect(problems).toContain('MODEL_MISSING: nofile has no onnx/decoder_model_merged.onnx');
    expect(problems).toContain('pairs.0: pairs are written like en-zh');
    expect(problems).toContain('pairs: a marian model translates one direction: one pair');
    expect(problems).toContain('kind must be marian, m2m100 or nllb');
    expect(problems).toContain(`the translation models folder ${join(dir, 'none')} does not exist`);
  });

  it('a model that does not load rejects with MODEL_INVALID, and the server goes on', async () => {
    const broken = join(dir, 'broken');
    writeTestTranslationModel(broken, { from: 'en', to: 'es', dictionary: {} });
    writeFileSync(join(broken, 'onnx', 'encoder_model.onnx'), 'not a model');
    const t = new TransformersTranslator({ models: [broken] });
    await expect(t.translate('The book.', 'en', 'es')).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(
        /the translation model broken does not load \(.+\): pull it again/,
      ),
    });
    await t.close();
  });
});

/** A Hugging Face-style file server: HEAD publishes checksums, large files redirect elsewhere. */
function hubServer(
  files: Map<string, Buffer>,
  faults: { corrupt: Set<string>; unpublished: Set<string> },
): Server {
  return createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const cdn = url.pathname.startsWith('/cdn/');
    const file = decodeURIComponent(url.pathname.replace(/^\/(cdn|repo\/resolve\/main)\//, ''));
    const body = files.get(file);
    if (!body) return void res.writeHead(404).end();
    const large = file.endsWith('.onnx');
    const served = faults.corrupt.has(file) ? Buffer.concat([body, Buffer.from('x')]) : body;
    if (large && !cdn) {
      const sha256 = createHash('sha256').update(body).digest('hex');
      res.writeHead(302, {
        location: `/cdn/${file}`,
        'x-linked-etag': `"${sha256}"`,
        'x-linked-size': String(body.length),
      });
      return void res.end();
    }
    const blob = createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
    res.writeHead(200, {
      'content-length': served.length,
      ...(large || faults.unpublished.has(file) ? {} : { etag: `"${blob}"` }),
    });
    res.end(req.method === 'HEAD' ? undefined : served);
  });
}

describe('cosmo models pull (translation)', () => {
  const source = join(dir, 'published');
  writeTestTranslationModel(source, { from: 'en', to: 'zh', dictionary: EN_ZH });
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name !== MANIFEST)
        files.set(relative(source, join(d, e.name)), readFileSync(join(d, e.name)));
    }
  };
  walk(source);
  const corrupt = new Set<string>();
  const unpublished = new Set<string>();
  const server = hubServer(files, { corrupt, unpublished });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo/resolve/main`;
  });
  afterAll(() => server.close());
  const entry = () => ({
    name: 'test-en-zh',
    base,
    manifest: { kind: 'marian' as const, pairs: ['en-zh'], dtype: 'fp32' as const },
    about: 'test',
  });

  it('downloads every file with progress, verifies each checksum, and the model translates', async () => {
    const progress: [number, number | undefined][] = [];
    const out = join(dir, 'pulled');
    const folder = await pullTranslationModel('test-en-zh', out, {
      entry: entry(),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(folder).toBe(join(out, 'test-en-zh'));
    const total = [...files.values()].reduce((s, b) => s + b.length, 0);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(progress.map(([d]) => d)).toEqual(progress.map(([d]) => d).sort((a, b) => a - b));
    const [model] = scanTranslationModels([out]).models;
    expect(model!.manifest.files!['onnx/encoder_model.onnx']!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const t = new TransformersTranslator({ models: [out] });
    expect(await t.translate('One apple.', 'en', 'zh')).toBe('一个苹果。');
    await t.close();
  });

  it('a file that does not match its published checksum is MODEL_INVALID; nothing is left', async () => {
    corrupt.add('onnx/decoder_model_merged.onnx');
    const out = join(dir, 'corrupt');
    await expect(pullTranslationModel('x', out, { entry: entry() })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('decoder_model_merged.onnx'),
    });
    expect(readdirSync(out)).toEqual([]);
    corrupt.clear();
  });

  it('a file published with no checksum is refused', async () => {
    unpublished.add('tokenizer_config.json');
    await expect(
      pullTranslationModel('x', join(dir, 'unverified'), { entry: entry() }),
    ).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('no checksum'),
    });
    unpublished.clear();
  });

  it('an unknown name lists the known ones; an unreachable server is UNAVAILABLE', async () => {
    await expect(pullTranslationModel('babelfish', dir)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(TRANSLATION_MODELS[0]!.name),
    });
    await expect(
      pullTranslationModel('x', join(dir, 'offline'), {
        entry: { ...entry(), base: 'http://127.0.0.1:9/repo' },
      }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
