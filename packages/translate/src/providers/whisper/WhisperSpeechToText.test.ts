import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpeechEvent } from '../../SpeechToText.js';
import { speechToTextConformance } from '../../testing/conformance.js';
import { writeTestWhisperModel } from '../../testing/whisperModel.js';
import { pullWhisperModel, readWhisperHeader } from './modelFile.js';
import { WhisperSpeechToText } from './WhisperSpeechToText.js';

const dir = mkdtempSync(join(tmpdir(), 'cosmo-whisper-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const english = join(dir, 'english.bin');
const multilingual = join(dir, 'multilingual.bin');
writeTestWhisperModel(english);
writeTestWhisperModel(multilingual, { vocab: 51865 });

describe('whisper model checks at startup', () => {
  it('a missing model is MODEL_MISSING, and says how to get one', async () => {
    await expect(WhisperSpeechToText.open({ model: join(dir, 'nope.bin') })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: expect.stringContaining('cosmo models pull'),
    });
  });

  it('a file that is not a ggml model is MODEL_INVALID', async () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from('<html>404 not found</html>'.repeat(10)));
    await expect(WhisperSpeechToText.open({ model: junk })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('bad magic'),
    });
  });

  it('a model cut short is MODEL_INVALID from whisper.cpp itself, and the caller lives on', async () => {
    const cut = join(dir, 'cut.bin');
    const whole = readFileSync(english);
    writeFileSync(cut, whole.subarray(0, whole.length / 2));
    expect(readWhisperHeader(cut).audioLayers).toBe(1);
    await expect(WhisperSpeechToText.open({ model: cut })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
    });
  });

  it('loads a valid model in its own process and reports its languages', async () => {
    const en = await WhisperSpeechToText.open({ model: english });
    expect(en.capabilities.languages).toEqual(['en']);
    expect(en.header).toMatchObject({ state: 64, audioLayers: 1, multilingual: false });
    await en.close();
    const multi = await WhisperSpeechToText.open({ model: multilingual });
    expect(multi.capabilities.languages).toEqual(expect.arrayContaining(['ja', 'zh', 'en']));
    await multi.close();
  });
});

/** One second of a 440 Hz tone, as the VAD would hand it over. */
const tone = (): Int16Array =>
  Int16Array.from({ length: 16000 }, (_, i) =>
    Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 16000)),
  );

describe('whisper inference on the generated model', () => {
  // Random weights recognise nothing, but decoding must end (at whisper.cpp's token limit per
  // window) and answer before the engine's own timeout, which would reject with INTERNAL.
  it('an utterance decodes to some text and the engine answers before its timeout', async () => {
    const engine = await WhisperSpeechToText.open({ model: english, language: 'en' });
    try {
      const utterance = engine.begin();
      utterance.write(tone());
      const result = await utterance.finish();
      expect(typeof result.text).toBe('string');
      expect(result.confidence).toBe(1);
    } finally {
      await engine.close();
    }
  });

  it('a multilingual model decodes with the lesson as prompt, and with the translate task', async () => {
    const engine = await WhisperSpeechToText.open({
      model: multilingual,
      language: 'ja',
      translate: true,
    });
    try {
      const stream = engine.stream({
        prompt: '光は直進する。鏡は光を反射する。',
        vad: { mode: 0 },
      });
      const events: SpeechEvent[] = [];
      const read = (async () => {
        for await (const event of stream) events.push(event);
      })();
      stream.write(tone());
      stream.write(new Int16Array(16000));
      stream.end();
      await read;
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
      expect(events.filter((e) => e.type === 'final').length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});

// A real model is the operator's: the suite runs when COSMO_WHISPER_MODEL points at one.
const realModel = process.env['COSMO_WHISPER_MODEL'] ?? '';
describe('whisper', () => {
  let engine: WhisperSpeechToText | undefined;
  beforeAll(async () => {
    if (realModel) engine = await WhisperSpeechToText.open({ model: realModel, language: 'en' });
  });
  afterAll(() => engine?.close());
  speechToTextConformance(() => engine!, {
    available: !!realModel && existsSync(realModel),
    language: 'en',
    script: 'Light travels in straight lines. A mirror reflects the light.',
    maxWer: 0.15,
  });
});

describe('cosmo models pull', () => {
  let server: Server;
  let base = '';
  const model = readFileSync(english);
  const sha1 = createHash('sha1').update(model).digest('hex');
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/ggml-test.bin') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': model.length });
      res.end(model);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('downloads with progress, checks the SHA-1, and the model loads', async () => {
    const progress: number[] = [];
    const out = join(dir, 'pulled');
    const path = await pullWhisperModel('test', out, {
      entry: { name: 'test', url: `${base}/ggml-test.bin`, sha1, bytes: 0 },
      onProgress: (done, total) => {
        expect(total).toBe(model.length);
        progress.push(done);
      },
    });
    expect(path).toBe(join(out, 'ggml-test.bin'));
    expect(progress.at(-1)).toBe(model.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const engine = await WhisperSpeechToText.open({ model: path });
    await engine.close();
  });

  it('a download with the wrong checksum is MODEL_INVALID and leaves no file behind', async () => {
    const out = join(dir, 'corrupt');
    await expect(
      pullWhisperModel('test', out, {
        entry: { name: 'test', url: `${base}/ggml-test.bin`, sha1: '0'.repeat(40), bytes: 0 },
      }),
    ).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(readdirSync(out)).toEqual([]);
  });

  it('an unknown name is INVALID_ARGUMENT listing the known ones; no network is UNAVAILABLE', async () => {
    await expect(pullWhisperModel('gigantic', dir)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('base.en'),
    });
    await expect(
      pullWhisperModel('test', join(dir, 'offline'), {
        entry: { name: 'test', url: 'http://127.0.0.1:9/ggml-test.bin', sha1, bytes: 0 },
      }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
