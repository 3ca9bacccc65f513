import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmoError } from '@cosmo/core';
import { Recording, recordingStateFromProto } from './Recording.js';
import { RecordingsApi, httpBase, recordingFromJson } from './RecordingsApi.js';

const PUBLISHED = {
  id: 'rec 1',
  title: 'Optics',
  room: 'physics-2b',
  classId: '2B',
  lectureId: 'optics-1',
  startedAt: 1_000,
  endedAt: 61_000,
  durationMs: 60_000,
  status: 'ready',
  progress: 1,
  languages: ['ja', 'es'],
  chapters: [{ atMs: 5_000, title: 'Poll: Which lens?' }],
  allowDownload: false,
  bytes: 1234,
  mediaPath: '/api/recordings/rec%201/media',
  captionsPaths: { ja: '/api/recordings/rec%201/captions/ja.vtt' },
  chaptersPath: '/api/recordings/rec%201/chapters.vtt',
};

describe('recordings over HTTP', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; url: string; auth: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method!,
          url: req.url!,
          auth: req.headers.authorization ?? '',
          body,
        });
        res.setHeader('content-type', 'application/json');
        if (req.headers.authorization !== 'Bearer good') {
          res.statusCode = 403;
          res.end(JSON.stringify({ code: 'PERMISSION_DENIED', message: 'not your class' }));
        } else if (req.url?.startsWith('/prefix/api/recordings/locked/media')) {
          res.statusCode = 403;
          res.end(req.method === 'HEAD' ? undefined : '{"code":"PERMISSION_DENIED"}');
        } else if (req.url === '/prefix/api/recordings/rec%201') {
          res.end(JSON.stringify(PUBLISHED));
        } else if (req.url === '/prefix/api/recordings') {
          res.end(JSON.stringify({ recordings: [PUBLISHED, { id: 'x', status: 'weird' }] }));
        } else {
          res.statusCode = 204;
          res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/ws`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('finds the HTTP origin of a signalling URL, keeping a path prefix', () => {
    expect(httpBase('wss://cosmo.example/ws')).toBe('https://cosmo.example');
    expect(httpBase('ws://h:8080/school/ws?x=1')).toBe('http://h:8080/school');
    expect(httpBase('https://cosmo.example/')).toBe('https://cosmo.example');
  });

  it('lists the class recordings with the token as Bearer, every field filled', async () => {
    const list = await new RecordingsApi(url, 'good').list();
    expect(list[0]).toEqual(PUBLISHED);
    // An unknown status is not trusted to be playable.
    expect(list[1]).toMatchObject({ id: 'x', status: 'failed', languages: [], chapters: [] });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', auth: 'Bearer good' });
  });

  it('turns a refusal into the server error code', async () => {
    const err = await new RecordingsApi(url, 'bad').list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CosmoError);
    expect((err as CosmoError).code).toBe('PERMISSION_DENIED');
  });

  it('reads one recording as it is now', async () => {
    expect(await new RecordingsApi(url, 'good').get('rec 1')).toEqual(PUBLISHED);
  });

  it('asks with a HEAD whether the file may be downloaded, reading a refusal from its status', async () => {
    const api = new RecordingsApi(url, 'good');
    await api.assertDownloadable(recordingFromJson(PUBLISHED));
    expect(seen.at(-1)).toMatchObject({
      method: 'HEAD',
      url: '/prefix/api/recordings/rec%201/media?download=1',
      auth: 'Bearer good',
    });
    const err = await api
      .assertDownloadable(recordingFromJson({ id: 'locked' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CosmoError);
    expect((err as CosmoError).code).toBe('PERMISSION_DENIED');
  });

  it('posts the download setting as JSON', async () => {
    await new RecordingsApi(url, 'good').setAllowDownload('rec 1', true);
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/prefix/api/recordings/rec%201/settings',
      body: '{"allowDownload":true}',
    });
  });

  it('gives file URLs with the token, from the listed paths or from the id', () => {
    const api = new RecordingsApi('wss://cosmo.example/ws', 'a b');
    const rec = recordingFromJson(PUBLISHED);
    expect(api.mediaUrl(rec)).toBe(
      'https://cosmo.example/api/recordings/rec%201/media?token=a%20b',
    );
    expect(api.mediaUrl(rec, { download: true })).toBe(
      'https://cosmo.example/api/recordings/rec%201/media?token=a%20b&download=1',
    );
    expect(api.captionsUrl(rec, 'ja')).toBe(
      'https://cosmo.example/api/recordings/rec%201/captions/ja.vtt?token=a%20b',
    );
    expect(api.captionsUrl(rec, 'es')).toBe(
      'https://cosmo.example/api/recordings/rec%201/captions/es.vtt?token=a%20b',
    );
    expect(api.chaptersUrl(recordingFromJson({ id: 'r2' }))).toBe(
      'https://cosmo.example/api/recordings/r2/chapters.vtt?token=a%20b',
    );
  });
});

describe('the recording state', () => {
  it('follows the join and the events, and says when it changed', async () => {
    const sent: unknown[] = [];
    const host = {
      options: { url: 'ws://h/ws', token: 't' },
      request: (kind: string, body: unknown) => {
        sent.push([kind, body]);
        return Promise.resolve({
          recordingChanged: {
            state: { active: kind === 'startRecording', recordingId: 'r1', byParticipantId: 'p1' },
          },
        });
      },
    } as unknown as ConstructorParameters<typeof Recording>[0];
    const recording = new Recording(host);
    expect(recording.state.active).toBe(false);
    const on = recordingStateFromProto({
      active: true,
      recordingId: 'r1',
      startedAt: 5,
      allowDownload: true,
      byParticipantId: 'p1',
    });
    expect(recording.setState(on)).toBe(true);
    expect(recording.setState({ ...on })).toBe(false);
    expect(recording.state).toEqual(on);
    expect(recording.setState(recordingStateFromProto(null))).toBe(true);
    expect(recording.state).toMatchObject({ active: false, recordingId: '' });
    // Starting and stopping answer with the new state.
    expect(await recording.start({ allowDownload: true })).toMatchObject({
      active: true,
      recordingId: 'r1',
    });
    expect(await recording.stop()).toMatchObject({ active: false, recordingId: 'r1' });
    expect(sent).toEqual([
      ['startRecording', { allowDownload: true }],
      ['stopRecording', {}],
    ]);
  });
});
