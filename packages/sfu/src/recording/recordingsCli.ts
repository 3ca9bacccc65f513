import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CosmoError, ErrorCode } from '@cosmo/core';
import { School, isUnfinishedRecording, type RecordingRecord } from '@cosmo/school';
import { loadConfig, type Config } from '../config.js';
import { recordingFiles } from './files.js';

const DAY_MS = 86_400_000;

/** Where the command writes: results on stdout, progress on stderr. */
export interface CliOutput {
  out(line: string): void;
  progress(text: string): void;
  /** Whether progress may be rewritten in place (a terminal). */
  tty: boolean;
}

const PROCESS_OUTPUT: CliOutput = {
  out: (line) => console.log(line),
  progress: (text) => process.stderr.write(text),
  tty: Boolean(process.stderr.isTTY),
};

/** The school store of `cosmo serve`'s config: PostgreSQL in a cluster, else SQLite in dataDir. */
function openSchool(config: Config): School {
  if (!config.school)
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      'the school features are off in this config (school: false): there are no recordings',
    );
  const postgresUrl = config.cluster?.postgresUrl;
  return postgresUrl ? School.openPostgres(postgresUrl) : School.open(config.dataDir);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  const text = hms.map((n) => String(n).padStart(2, '0')).join(':');
  return hms[0] ? text : text.slice(3);
}

const statusOf = (r: RecordingRecord) =>
  r.status === 'publishing' ? `publishing ${Math.floor(r.progress * 100)}%` : r.status;

/** `cosmo recordings list`: a table, or JSON with `--json`. */
function list(school: School, json: boolean, io: CliOutput): void {
  const all = school.allRecordings();
  if (json) {
    io.out(JSON.stringify(all, null, 2));
    return;
  }
  if (all.length === 0) {
    io.out('no recordings');
    return;
  }
  const rows = all.map((r) => [
    r.id,
    r.title.length > 40 ? `${r.title.slice(0, 39)}…` : r.title,
    r.classId || `(room ${r.room})`,
    minute(r.startedAt),
    r.durationMs ? duration(r.durationMs) : '-',
    statusOf(r),
    r.bytes ? mb(r.bytes) : '-',
    r.expiresAt ? minute(r.expiresAt) : 'never',
  ]);
  const header = ['id', 'title', 'class', 'started (UTC)', 'duration', 'status', 'size', 'expires'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows])
    io.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

/** A recording by id, or an error saying how to find one. */
function recordingOf(school: School, id: string | undefined): RecordingRecord {
  if (!id) throw new TypeError('a recording ID is needed (cosmo recordings list shows them)');
  const recording = school.recording(id);
  if (!recording)
    throw new CosmoError(
      ErrorCode.NOT_FOUND,
      `no recording '${id}' (cosmo recordings list shows them)`,
    );
  return recording;
}

/** Copies one file, showing its progress when it is big. */
async function copyWithProgress(from: string, to: string, io: CliOutput): Promise<number> {
  const size = (await stat(from)).size;
  const label = to.split(/[\\/]/).pop()!;
  const show = size >= 50e6;
  let done = 0;
  let shown = -1;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.byteLength;
      const step = io.tty ? 1 : 10;
      const percent = Math.floor(((done / size) * 100) / step) * step;
      if (show && percent !== shown) {
        shown = percent;
        const text = `cosmo: ${label} ${percent}% (${mb(done)} of ${mb(size)})`;
        io.progress(io.tty ? `\r${text}` : `${text}\n`);
      }
      callback(null, chunk);
    },
  });
  await pipeline(createReadStream(from), count, createWriteStream(to, { flags: 'wx' }));
  if (show && io.tty) io.progress('\n');
  return size;
}

/** `cosmo recordings export ID DEST`: the published files into the folder DEST. */
async function exportRecording(
  school: School,
  config: Config,
  id: string | undefined,
  dest: string | undefined,
  io: CliOutput,
): Promise<void> {
  const recording = recordingOf(school, id);
  if (!dest) throw new TypeError('usage: cosmo recordings export ID DEST (DEST: a folder)');
  if (recording.status !== 'ready')
    throw new CosmoError(
      ErrorCode.INVALID_STATE,
      recording.status === 'failed'
        ? `recording '${recording.id}' could not be published (${recording.error || 'see the server log'})`
        : `recording '${recording.id}' is not published yet (${statusOf(recording)}); try again once it is ready`,
    );
  const files = recordingFiles(config.dataDir, recording.id);
  if (!existsSync(files.published))
    throw new CosmoError(
      ErrorCode.NOT_FOUND,
      `the video of '${recording.id}' is not in ${files.dir}: is this the server (and dataDir) that recorded it?`,
    );
  await mkdir(dest, { recursive: true });
  const copies: [string, string][] = [[files.published, 'lecture.webm']];
  for (const language of recording.languages)
    copies.push([files.captions(language), `captions.${language}.vtt`]);
  copies.push([files.chapters, 'chapters.vtt']);
  for (const [, name] of copies) {
    if (existsSync(join(dest, name)))
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `${join(dest, name)} already exists: export into an empty folder`,
      );
  }
  for (const [from, name] of copies) {
    if (!existsSync(from)) continue;
    const size = await copyWithProgress(from, join(dest, name), io);
    io.out(`${join(dest, name)}  ${mb(size)}`);
  }
}

/** `cosmo recordings purge`: removes records and folders, saying which. */
async function purge(
  school: School,
  config: Config,
  options: { olderThan?: string; id?: string },
  io: CliOutput,
): Promise<void> {
  let doomed: RecordingRecord[];
  if (options.id !== undefined) {
    const recording = recordingOf(school, options.id);
    if (isUnfinishedRecording(recording))
      throw new CosmoError(
        ErrorCode.INVALID_STATE,
        `recording '${recording.id}' is ${statusOf(recording)}: purge it once it is published (or has failed)`,
      );
    doomed = [recording];
  } else if (options.olderThan !== undefined) {
    const days = Number(options.olderThan);
    if (!(days >= 0) || options.olderThan.trim() === '')
      throw new TypeError(`--older-than takes a number of days, not '${options.olderThan}'`);
    const before = Date.now() - days * DAY_MS;
    doomed = school
      .allRecordings()
      .filter((r) => r.startedAt < before && !isUnfinishedRecording(r));
  } else {
    doomed = school.expiredRecordings(Date.now()).filter((r) => !isUnfinishedRecording(r));
  }
  let bytes = 0;
  for (const r of doomed) {
    await rm(recordingFiles(config.dataDir, r.id).dir, { recursive: true, force: true });
    school.removeRecording(r.id);
    bytes += r.bytes;
    io.out(
      `removed ${r.id}  ${r.title}  (${r.classId || `room ${r.room}`}, ${minute(r.startedAt)})`,
    );
  }
  io.out(
    doomed.length === 0
      ? 'nothing to purge'
      : `purged ${doomed.length} recording${doomed.length === 1 ? '' : 's'} (${mb(bytes)})`,
  );
}

/** `cosmo recordings …`. */
export async function recordingsCommand(
  args: string[],
  io: CliOutput = PROCESS_OUTPUT,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean' },
      expired: { type: 'boolean' },
      'older-than': { type: 'string' },
    },
  });
  const [action, ...rest] = positionals;
  if (action !== 'list' && action !== 'export' && action !== 'purge')
    throw new TypeError(
      action ? `unknown recordings command '${action}'` : 'cosmo recordings needs a command',
    );
  if (
    action === 'purge' &&
    [values.expired, values['older-than'], rest[0]].filter((v) => v !== undefined).length > 1
  )
    throw new TypeError(
      'cosmo recordings purge takes one of --expired, --older-than DAYS or an ID',
    );
  const config = loadConfig({ file: values.config });
  const school = openSchool(config);
  try {
    if (action === 'list') return list(school, Boolean(values.json), io);
    if (action === 'export') return await exportRecording(school, config, rest[0], rest[1], io);
    const only = rest[0] === undefined ? {} : { id: rest[0] };
    const olderThan = values['older-than'];
    return await purge(school, config, olderThan === undefined ? only : { olderThan }, io);
  } finally {
    school.close();
  }
}
