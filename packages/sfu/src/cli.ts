#!/usr/bin/env node
// The `cosmo` command: `cosmo serve` runs the media server, `cosmo token` mints a join token.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CosmoError, ErrorCode, isRole } from '@cosmo/core';
import {
  TRANSLATION_MODELS,
  WHISPER_MODELS,
  doctor,
  pullTranslationModel,
  pullWhisperModel,
} from '@cosmo/translate';
import { loadConfig, type ConfigInput } from './config.js';
import { cancelDrain, drainNode, listNodes, type RegistryAddress } from './cluster/clusterAdmin.js';
import { CosmoServer } from './CosmoServer.js';
import { deploymentChecks } from './deploymentDoctor.js';
import { recordingsCommand } from './recording/recordingsCli.js';
import { TokenService, mintAdminToken, parseDuration, resolveApiSecret } from './tokens.js';

const USAGE = `usage:
  cosmo serve [--port 7880] [--config cosmo.json] [--transport uws|ws] [--demo] [--static DIR]
  cosmo token --room ROOM --identity ID --name "NAME" --role teacher|assistant|student|observer
              [--ttl 2h] [--grant speak,video,screen] [--config cosmo.json]
  cosmo doctor [--config cosmo.json]   (speech and translation engines, models and pairs here)
  cosmo models list | pull NAME [--dir DIR]   (whisper.cpp and translation models; DIR: <dataDir>/models)
  cosmo token --admin --school SCHOOL --identity ADMIN_ID [--ttl 1h]   (admin API token)
  cosmo nodes [--config cosmo.json]            (cluster mode: the nodes, their load and state)
  cosmo drain NODE [--config cosmo.json]       (cluster mode: move a node's people to the others;
                                                waits until it serves nobody, then you stop it)
  cosmo drain --cancel NODE                    (cluster mode: the node takes people again)
  cosmo recordings list [--json]               (recorded lectures: class, duration, status, size)
  cosmo recordings export ID DEST              (copy a recording's video, captions, chapters to DEST)
  cosmo recordings purge [--expired | --older-than DAYS | ID]
                                               (remove recordings and their files; default --expired)

  cosmo serve --demo --static apps/demo/dist   (the demo app and its class API)

Configuration: a JSON file (--config) and COSMO_* environment variables (see docs/server.md).
COSMO_API_SECRET signs tokens; without it, a dev secret is generated under the data dir.`;

/** Finds the worker binary that scripts/setup.sh recorded, when MEDIASOUP_WORKER_BIN is unset. */
function findRecordedWorker(): void {
  if (process.env['MEDIASOUP_WORKER_BIN']) return;
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const record = join(dir, '.cosmo', 'mediasoup-worker-bin');
      if (existsSync(record)) {
        process.env['MEDIASOUP_WORKER_BIN'] = readFileSync(record, 'utf8').trim();
        return;
      }
      if (dirname(dir) === dir) break;
    }
  }
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      config: { type: 'string' },
      transport: { type: 'string' },
      demo: { type: 'boolean' },
      static: { type: 'string' },
    },
  });
  const overrides: ConfigInput = {};
  if (values.demo) overrides.demo = true;
  if (values.static !== undefined) overrides.staticDir = values.static;
  if (values.port !== undefined) overrides.port = Number(values.port);
  if (values.transport !== undefined) overrides.transport = values.transport as 'uws' | 'ws';
  const config = loadConfig({ file: values.config, overrides });
  findRecordedWorker();
  const server = await CosmoServer.start({ config });
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.error(
    `cosmo: serving on ${config.tls ? 'https' : 'http'}://${shown}:${server.port} (WebSocket at /ws)`,
  );
  const stop = (signal: string) => {
    console.error(`cosmo: ${signal}, shutting down`);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      room: { type: 'string' },
      identity: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string', default: '2h' },
      grant: { type: 'string' },
      config: { type: 'string' },
      admin: { type: 'boolean' },
      school: { type: 'string' },
    },
  });
  const config = loadConfig({ file: values.config });
  const secret = resolveApiSecret(config.apiSecret, config.dataDir, (path) =>
    console.error(`cosmo: dev mode, signing with the generated secret in ${path}`),
  );
  const service = new TokenService(secret);
  if (values.admin) {
    if (!values.school || !values.identity)
      throw new TypeError('--admin needs --school and --identity');
    console.log(
      await mintAdminToken(
        service,
        { schoolId: values.school, identity: values.identity },
        parseDuration(values.ttl!),
      ),
    );
    return;
  }
  const missing = (['room', 'identity', 'role'] as const).filter((k) => !values[k]);
  if (missing.length > 0) throw new TypeError(`missing --${missing.join(', --')}`);
  if (!isRole(values.role)) {
    throw new TypeError(
      `--role must be teacher, assistant, student or observer, not '${values.role}'`,
    );
  }
  const grants: Record<string, boolean> = {};
  for (const g of (values.grant ?? '').split(',').filter(Boolean)) {
    if (!['speak', 'video', 'screen'].includes(g)) {
      throw new TypeError(`--grant takes speak, video and screen, not '${g}'`);
    }
    grants[g] = true;
  }
  const jwt = await service.mint(
    {
      room: values.room!,
      identity: values.identity!,
      name: values.name ?? values.identity!,
      role: values.role,
      ...(Object.keys(grants).length > 0 ? { grants } : {}),
    },
    parseDuration(values.ttl!),
  );
  console.log(jwt);
}

/** `cosmo models list` and `cosmo models pull NAME`, with a progress bar on stderr. */
async function models(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string' }, config: { type: 'string' } },
  });
  const [action, name] = positionals;
  if (action === 'list') {
    console.log('speech (whisper.cpp, for captionWhisperModel):');
    for (const m of WHISPER_MODELS)
      console.log(`  ${m.name.padEnd(16)} ${m.bytes ? `${Math.round(m.bytes / 1e6)} MB` : ''}`);
    console.log('translation (loaded from <dataDir>/models, or captionTranslationModels):');
    for (const m of TRANSLATION_MODELS) console.log(`  ${m.name.padEnd(16)} ${m.about}`);
    return;
  }
  if (action !== 'pull' || !name) throw new TypeError('usage: cosmo models list | pull NAME');
  const dir = values.dir ?? join(loadConfig({ file: values.config }).dataDir, 'models');
  let shown = -1;
  const onProgress = (done: number, total: number | undefined) => {
    const percent = total ? Math.floor((done / total) * 100) : -1;
    if (percent === shown && percent !== -1) return;
    shown = percent;
    const bar = total ? `[${'#'.repeat(percent / 5).padEnd(20)}] ${percent}%` : '';
    process.stderr.write(`\rcosmo: ${name} ${bar} ${(done / 1e6).toFixed(1)} MB`);
  };
  const wanted = name.toLowerCase();
  const translation = TRANSLATION_MODELS.find((m) => m.name.toLowerCase() === wanted);
  const whisper = WHISPER_MODELS.find((m) => m.name.toLowerCase() === wanted);
  if (!translation && !whisper) {
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `unknown model '${name}': speech models are ${WHISPER_MODELS.map((m) => m.name).join(', ')}; ` +
        `translation models are ${TRANSLATION_MODELS.map((m) => m.name).join(', ')}`,
    );
  }
  try {
    if (translation) {
      const folder = await pullTranslationModel(translation.name, dir, { onProgress });
      process.stderr.write('\n');
      console.log(
        `${folder}\n(checksums verified; the server loads the models in ${dir} by itself: restart it)`,
      );
      return;
    }
    const path = await pullWhisperModel(whisper!.name, dir, { onProgress });
    process.stderr.write('\n');
    console.log(
      `${path}\n(checksum verified; set COSMO_WHISPER_MODEL=${path} or captionWhisperModel)`,
    );
  } catch (err) {
    if (err instanceof CosmoError && err.code === ErrorCode.UNAVAILABLE) {
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `${err.message}. Without a network: copy the model in by hand (docs/captions.md, ` +
          `"Translation models" and "whisper models"); nothing was left in ${dir}`,
      );
    }
    throw err;
  }
}

/** The cluster registry of the config, or a clear error when the config has no cluster. */
function registryOf(args: string[]): {
  at: RegistryAddress;
  positionals: string[];
  cancel: boolean;
} {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string' }, cancel: { type: 'boolean' } },
  });
  const cluster = loadConfig({ file: values.config }).cluster;
  if (!cluster)
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      'no cluster configured: set cluster.redisUrl (COSMO_CLUSTER or --config; docs/cluster.md)',
    );
  return {
    at: { redisUrl: cluster.redisUrl, prefix: cluster.prefix },
    positionals,
    cancel: Boolean(values.cancel),
  };
}

/** `cosmo nodes`: one line per registered node. */
async function nodes(args: string[]): Promise<void> {
  const { at } = registryOf(args);
  const all = await listNodes(at);
  if (all.length === 0) {
    console.log(
      `no nodes registered under the prefix '${at.prefix}' (is cluster.prefix the nodes' one?)`,
    );
    return;
  }
  console.log(`${'node'.padEnd(20)} ${'state'.padEnd(9)} ${'people'.padEnd(11)} url`);
  for (const { info, alive } of all) {
    const state = alive ? info.state : 'dead';
    const beat = `${((Date.now() - info.updatedAt) / 1000).toFixed(1)} s ago`;
    console.log(
      `${info.id.padEnd(20)} ${state.padEnd(9)} ${`${info.participants}/${info.seats}`.padEnd(11)} ${info.url}  (beat ${beat})`,
    );
  }
}

/** `cosmo drain NODE`: waits until the node serves nobody, showing how many are left. */
async function drain(args: string[]): Promise<void> {
  const { at, positionals, cancel } = registryOf(args);
  const [nodeId] = positionals;
  if (!nodeId) throw new TypeError('usage: cosmo drain [--cancel] NODE (cosmo nodes lists them)');
  if (cancel) {
    const was = await cancelDrain(at, nodeId);
    console.log(was ? `${nodeId} takes people again` : `${nodeId} was not draining`);
    return;
  }
  // On a terminal the count is rewritten in place; in a log, a line each time it changes.
  let shown = -1;
  await drainNode(at, nodeId, {
    onProgress: (n) => {
      if (process.stderr.isTTY)
        process.stderr.write(`\rcosmo: ${nodeId} draining, ${n} participants left   `);
      else if (n !== shown)
        process.stderr.write(`cosmo: ${nodeId} draining, ${n} participants left\n`);
      shown = n;
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(`${nodeId} serves nobody: it can be stopped (it takes nobody new until it restarts)`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  // `cosmo serve --help` and the like: the usage, not an 'unknown option' error.
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'token':
      return token(rest);
    case 'models':
      return models(rest);
    case 'nodes':
      return nodes(rest);
    case 'drain':
      return drain(rest);
    case 'recordings':
      return recordingsCommand(rest);
    case 'doctor': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
      const config = loadConfig({ file: values.config });
      const engines = await doctor({
        whisperModel: config.captionWhisperModel,
        translationModels: config.captionTranslationModels ?? join(config.dataDir, 'models'),
      });
      const deployment = await deploymentChecks(config);
      for (const c of [...engines, ...deployment])
        console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(26)} ${c.detail}`);
      // The deployment's failures fail the command (for monitoring); engines are optional.
      // Exits explicitly: a WebRTC stack loaded for the TURN check may hold the event loop.
      process.exit(deployment.every((c) => c.ok) ? 0 : 1);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new TypeError(`unknown command '${command}'`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof CosmoError) console.error(`cosmo: ${err.code}: ${err.message}`);
  else if (err instanceof TypeError) console.error(`cosmo: ${err.message}\n\n${USAGE}`);
  else console.error('cosmo: failed:', err);
  process.exit(1);
});
