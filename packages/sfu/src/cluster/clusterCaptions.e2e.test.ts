import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { wordErrorRate } from '@cosmo/translate';
import { waitFor } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from '../ephemeral.js';
import { joinPeer, type Peer } from '../testing/peers.js';
import { speakSentences } from '../testing/speech.js';

const REDIS_URL = process.env['COSMO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SENTENCES = ['Light travels in straight lines.', 'A mirror reflects the light.'];
const installed = [
  '/usr/bin/pocketsphinx_continuous',
  '/usr/bin/apertium',
  '/usr/bin/ffmpeg',
].every((e) => existsSync(e));

describe.runIf(installed)('captions across cluster nodes', () => {
  const nodes: EphemeralServer[] = [];
  const peers: Peer[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    for (const n of nodes) await n.close();
  });

  it('students on another node read the teacher’s captions in their languages', async () => {
    const prefix = `cosmo-captions-${process.pid}-${Date.now()}`;
    const apiSecret = `captions-cluster-${crypto.randomUUID()}`;
    for (const nodeId of ['a', 'b'])
      nodes.push(
        await startEphemeralServer({
          apiSecret,
          school: false,
          // The teacher fills A's one seat: the students are served by B.
          cluster: { redisUrl: REDIS_URL, prefix, nodeId, seatsPerClassroom: 1, heartbeatMs: 500 },
        }),
      );
    const [a, b] = nodes as [EphemeralServer, EphemeralServer];
    const teacher = await joinPeer(a, 'optics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    const english = await joinPeer(b, 'optics', 'aiko', 'student', { autoSubscribe: 'none' });
    const spanish = await joinPeer(b, 'optics', 'mateo', 'student', { autoSubscribe: 'none' });
    peers.push(teacher, english, spanish);
    expect(english.client.url).toBe(b.url);
    const finals: Record<string, string[]> = { en: [], es: [] };
    for (const [peer, lang] of [
      [english, 'en'],
      [spanish, 'es'],
    ] as const) {
      peer.client.on('caption', (c) => {
        if (c?.caption?.final) finals[lang]!.push(c.caption.text ?? '');
      });
      await peer.client.subscribeCaptions(lang);
    }
    await teacher.client.request('setLesson', { text: SENTENCES.join(' '), language: 'en' });
    // The teacher's node learns the students' languages from B (they translate there).
    await waitFor('A to know the languages read on B', () => {
      const classroom = a.server.classrooms.get('optics');
      const languages = [...(classroom?.participants.values() ?? [])].map((p) => p.captionLanguage);
      return languages.includes('en') && languages.includes('es');
    });
    const speech = await speakSentences(teacher, SENTENCES);
    await waitFor(
      'both sentences to reach B in English and Spanish',
      () => finals.en!.length >= 2 && finals.es!.length >= 2,
      30_000,
    );
    speech.stop();
    expect(wordErrorRate(SENTENCES.join(' '), finals.en!.join(' '))).toBeLessThanOrEqual(0.2);
    // Spanish, not the English words again.
    expect(finals.es!.join(' ')).not.toEqual(finals.en!.join(' '));
    console.log(
      `captions on node B: en "${finals.en!.join(' | ')}", es "${finals.es!.join(' | ')}"`,
    );
  }, 90_000);
});
