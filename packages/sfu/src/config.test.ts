import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName, loadConfig, type ConfigInput } from './config.js';
import { mediaAddressWarnings } from './mediaAddress.js';

describe('configuration', () => {
  it('has sensible defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({ port: 7880, transport: 'uws', workers: 0, resumeGraceMs: 15_000 });
  });

  it('closes idle sockets after 10 s and limits each address generously by default', () => {
    const c = loadConfig({ env: {} });
    expect(c.joinTimeoutMs).toBe(10_000);
    // A school's 300+ students may share one NAT address.
    expect(c.addressLimits).toEqual({ sockets: 1000, httpPerSecond: 50, httpBurst: 500 });
    expect(c.trustProxy).toBe(false);
    expect(loadConfig({ env: { COSMO_TRUST_PROXY: 'true' } }).trustProxy).toBe(true);
  });

  it('reads a file, then the environment, then overrides', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cosmo-config-')), 'cosmo.json');
    writeFileSync(file, JSON.stringify({ port: 9000, announcedIp: '203.0.113.7', workers: 3 }));
    const c = loadConfig({
      file,
      env: { COSMO_PORT: '9100', COSMO_ICE_SERVERS: '[{"urls":"turn:turn.example:3478"}]' },
      overrides: { workers: 1 },
    });
    expect(c.port).toBe(9100);
    expect(c.announcedIp).toBe('203.0.113.7');
    expect(c.workers).toBe(1);
    expect(c.iceServers).toEqual([{ urls: 'turn:turn.example:3478' }]);
  });

  it('lists every bad field in one clear error', () => {
    let message = '';
    try {
      loadConfig({
        env: { COSMO_PORT: 'eighty', COSMO_TRANSPORT: 'carrier-pigeon', COSMO_API_SECRET: 'short' },
      });
    } catch (err) {
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
      message = (err as Error).message;
    }
    expect(message).toContain('COSMO_PORT=eighty is not a number');
    expect(message).toContain('transport:');
    expect(message).toContain('apiSecret: apiSecret must be at least 32 characters');
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    expect(() =>
      loadConfig({ env: {}, overrides: { webRTCServer: false } as unknown as ConfigInput }),
    ).toThrow(/webRTCServer/);
  });

  it('refuses a misspelt COSMO_ variable, naming the one it resembles, and a number that is not one', () => {
    expect(() => loadConfig({ env: { COSMO_CAPTION_LESSONWEIGHT: '0.9' } })).toThrow(
      /COSMO_CAPTION_LESSONWEIGHT: unknown variable \(did you mean COSMO_CAPTION_LESSON_WEIGHT\?\)/,
    );
    expect(() => loadConfig({ env: { COSMO_PROT: '7000' } })).toThrow(/did you mean COSMO_PORT/);
    expect(() => loadConfig({ env: { COSMO_CAPTION_LESSON_WEIGHT: 'abc' } })).toThrow(
      'COSMO_CAPTION_LESSON_WEIGHT=abc is not a number',
    );
    // Variables that are not configuration keys are left alone.
    expect(loadConfig({ env: { COSMO_CACHE_DIR: '/tmp/x' } }).port).toBe(7880);
  });

  it('sets the media settings from the environment', () => {
    const config = loadConfig({
      env: {
        COSMO_MEDIA_PORT: '9000',
        COSMO_WEBRTC_SERVER: 'false',
        COSMO_CONSUMERS_PER_WORKER: '120',
      },
    });
    expect(config).toMatchObject({ mediaPort: 9000, webRtcServer: false, consumersPerWorker: 120 });
    expect(loadConfig({ env: {} }).consumersPerWorker).toBe(300);
  });

  it('refuses an unreadable or invalid file', () => {
    expect(() => loadConfig({ file: '/nonexistent/cosmo.json', env: {} })).toThrow(
      /cannot read config file/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'cosmo-config-')), 'bad.json');
    writeFileSync(file, '{ port: 1');
    expect(() => loadConfig({ file, env: {} })).toThrow(/is not valid JSON/);
  });

  it('warns when students on other machines would get no media', () => {
    const defaults = loadConfig({ env: {} });
    expect(mediaAddressWarnings(defaults)[0]).toMatch(/no audio or video.*COSMO_LISTEN_IP/);
    expect(mediaAddressWarnings({ ...defaults, listenIp: '0.0.0.0' })[0]).toMatch(
      /COSMO_ANNOUNCED_IP/,
    );
    expect(mediaAddressWarnings({ ...defaults, listenIp: '192.0.2.10' })).toEqual([]);
    expect(mediaAddressWarnings({ ...defaults, host: '127.0.0.1' })).toEqual([]);
    // Behind a reverse proxy the HTTP side is on loopback, the students are not.
    expect(mediaAddressWarnings({ ...defaults, host: '127.0.0.1', trustProxy: true })[0]).toMatch(
      /no audio or video/,
    );
  });

  it('takes every field from a COSMO_* variable', () => {
    const config = loadConfig({
      env: {
        [envName('captionCmnInit')]: '40,3,-1',
        [envName('rateLimit')]: '{"perSecond":10,"burst":20}',
        [envName('school')]: 'false',
        [envName('maxParticipants')]: '42',
        COSMO_WHISPER_MODEL: '/models/base.bin',
      },
    });
    expect(envName('captionCmnInit')).toBe('COSMO_CAPTION_CMN_INIT');
    expect(config).toMatchObject({
      captionCmnInit: '40,3,-1',
      rateLimit: { perSecond: 10, burst: 20 },
      school: false,
      maxParticipants: 42,
      captionWhisperModel: '/models/base.bin',
    });
  });
});
