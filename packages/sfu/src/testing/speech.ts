// Test helper: a teacher who speaks, through a real WebRTC microphone track, sentences spoken by
// espeak-ng, each after a pause, as a teacher talks.
import wrtc from '@roamhq/wrtc';
import { pcmTrack, type NodeWebRtc } from '@cosmo/client/node';
import { synthesizeSpeech } from '@cosmo/translate';
import type { Peer } from './peers.js';

/**
 * Publishes `sentences` as `peer`'s microphone (48 kHz, `pauseS` of silence before each and after
 * the last) and resolves once all was sent; `stop()` ends the track.
 */
export async function speakSentences(
  peer: Peer,
  sentences: string[],
  pauseS = 1.2,
): Promise<{ stop(): void }> {
  const rate = 48000;
  const pause = new Int16Array(rate * pauseS);
  const clips = sentences.map((s) => synthesizeSpeech(s, rate));
  const audio = new Int16Array(clips.reduce((n, c) => n + c.length + pause.length, pause.length));
  let at = pause.length;
  for (const clip of clips) {
    audio.set(clip, at);
    at += clip.length + pause.length;
  }
  const speech = pcmTrack(wrtc as unknown as NodeWebRtc, audio);
  await peer.client.publish(speech.track, 'microphone');
  await speech.done;
  return { stop: () => speech.stop() };
}
