import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench is plain JavaScript
import { run } from './scenarios/fanout.mjs';

interface WebRtcRow {
  sfu: string;
  students: number;
  studentsWithVideo: number;
  studentsWithAudio: number;
}

describe('the fan-out bench scenario (smoke)', () => {
  it('forwards the teacher to plain-RTP students, then WebRTC students through Cosmo, raw mediasoup and Janus', async () => {
    const result = await run({
      steps: [2, 4],
      viewers: 2,
      alongside: 1,
      rounds: 1,
      settleMs: 2500,
      windowMs: 1500,
      log: () => undefined,
    });
    expect(result.ceiling.table.map((r: { students: number }) => r.students)).toEqual([0, 2, 4]);
    const four = result.ceiling.table.at(-1);
    // 2 streams per student, the video at ~100 packets/s and the audio at 50.
    expect(four.packetsPerSecond).toBeGreaterThan(4 * 100);
    expect(four.silentStreams).toBe(0);
    // The WebRTC student watching alongside decodes video.
    expect(four.webrtcFpsMin).toBeGreaterThan(0);
    expect(result.webrtc.map((r: WebRtcRow) => r.sfu)).toEqual(['Cosmo', 'raw mediasoup', 'Janus']);
    for (const r of result.webrtc as WebRtcRow[]) {
      expect(r.studentsWithVideo).toBe(2);
      expect(r.studentsWithAudio).toBe(2);
    }
    // The chart and the JSON carry all three, with the ratios in the labels.
    expect(result.rows.map((r: { label: string }) => r.label.split(' (')[0])).toEqual([
      'plain RTP, 4 students: worker',
      'WebRTC student through Cosmo',
      'baseline: raw mediasoup',
      'baseline: Janus',
    ]);
  }, 180_000);
});
