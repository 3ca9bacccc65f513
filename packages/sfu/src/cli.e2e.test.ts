import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeTestTranslationModel } from '@cosmo/translate/testing';
import { COSMO_CLI, serve, waitFor } from '@cosmo/testkit';
import { TokenService } from './tokens.js';

const cli = COSMO_CLI;
const run = promisify(execFile);
const secret = 'cli-test-secret-cli-test-secret-cli-test-secret';

describe('the cosmo command', () => {
  it('is built (scripts/setup.sh runs pnpm build)', () => {
    expect(existsSync(cli), `${cli} is missing: run pnpm build`).toBe(true);
  });

  it('cosmo token prints a token the server accepts', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        'token',
        '--room',
        'chem',
        '--identity',
        'yuki',
        '--name',
        'Yuki',
        '--role',
        'student',
        '--grant',
        'speak',
        '--ttl',
        '30m',
      ],
      {
        env: { ...process.env, COSMO_API_SECRET: secret },
      },
    );
    const claims = await new TokenService(secret).verify(stdout.trim(), 'chem');
    expect(claims).toEqual({
      identity: 'yuki',
      name: 'Yuki',
      room: 'chem',
      role: 'student',
      grants: { speak: true },
      issuedAt: expect.any(Number),
    });
  });

  it('cosmo serve --help prints the usage', async () => {
    const { stdout } = await run(process.execPath, [COSMO_CLI, 'serve', '--help']);
    expect(stdout).toContain('cosmo serve [--port 7880]');
  });

  it('cosmo token explains a bad role', async () => {
    const failure = await run(
      process.execPath,
      [cli, 'token', '--room', 'chem', '--identity', 'x', '--role', 'principal'],
      {
        env: { ...process.env, COSMO_API_SECRET: secret },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      "--role must be teacher, assistant, student or observer, not 'principal'",
    );
  });

  it('cosmo serve refuses to start with a missing or corrupt whisper model, saying which', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-cli-whisper-'));
    const corrupt = join(dataDir, 'ggml-base.bin');
    writeFileSync(corrupt, 'not a model at all, just some text that is long enough to read');
    for (const [model, code] of [
      [join(dataDir, 'missing.bin'), 'MODEL_MISSING'],
      [corrupt, 'MODEL_INVALID'],
    ] as const) {
      const failure = await run(process.execPath, [cli, 'serve', '--port', '0'], {
        env: {
          ...process.env,
          COSMO_API_SECRET: secret,
          COSMO_DATA_DIR: dataDir,
          COSMO_WHISPER_MODEL: model,
        },
      }).catch((e: { code: number; stderr: string }) => e);
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toContain(`cosmo: ${code}: `);
    }
  });

  it('cosmo serve starts without a translation model whose manifest is wrong, and says which', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-cli-mt-'));
    const model = join(dataDir, 'models', 'en-zh');
    writeTestTranslationModel(model, { from: 'en', to: 'zh', dictionary: {} });
    writeFileSync(join(model, 'cosmo-model.json'), '{"kind":"marian","pairs":["english-chinese"]}');
    const server = await serve({ COSMO_API_SECRET: secret, COSMO_DATA_DIR: dataDir });
    try {
      await waitFor('the log line', () => server.logs().includes('translation model skipped'));
      expect(server.logs()).toContain(
        `MODEL_INVALID: ${join(model, 'cosmo-model.json')}: pairs.0: pairs are written like en-zh`,
      );
      // It serves all the same.
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  });

  it('cosmo doctor lists the engines and the translation models, and cosmo models lists both kinds', async () => {
    const models = mkdtempSync(join(tmpdir(), 'cosmo-cli-models-'));
    writeTestTranslationModel(join(models, 'test-en-zh'), { from: 'en', to: 'zh', dictionary: {} });
    writeTestTranslationModel(join(models, 'test-ja-en'), { from: 'ja', to: 'en', dictionary: {} });
    const { stdout } = await run(process.execPath, [cli, 'doctor'], {
      env: {
        ...process.env,
        COSMO_WHISPER_MODEL: '/nonexistent/ggml-base.bin',
        COSMO_CAPTION_TRANSLATION_MODELS: models,
        // A deployment the doctor passes (its failures fail the command; engines do not).
        COSMO_HOST: '127.0.0.1',
        COSMO_MEDIA_PORT: '0',
      },
    });
    expect(stdout).toMatch(/WebRTC VAD/);
    expect(stdout).toMatch(/FAIL\s+whisper\s+MODEL_MISSING/);
    expect(stdout).toMatch(/^ok\s+translation test-en-zh\s+en-zh: "Good morning\." → ".+"$/m);
    expect(stdout).toMatch(/^ok\s+translation models\s+pairs offered: en-zh, ja-en, ja-zh /m);
    const list = await run(process.execPath, [cli, 'models', 'list']);
    expect(list.stdout).toMatch(/^\s+base\.en\s+148 MB$/m);
    expect(list.stdout).toMatch(/^\s+opus-mt-en-zh\s+English → Chinese/m);
  });

  it('cosmo serve starts, answers /healthz and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cosmo-cli-'));
    // No COSMO_API_SECRET: dev mode.
    const env = { COSMO_DATA_DIR: dataDir, COSMO_LOG_LEVEL: 'warn', COSMO_API_SECRET: '' };
    const { child, port, logs } = await serve(env);
    // No secret configured: the server says so loudly, in its log.
    await new Promise((r) => setTimeout(r, 100));
    expect(logs()).toContain('DEV MODE');
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', workers: 1 });
    const exit = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
