// Test helper: a camera showing red, green, blue and white quarters, which a recording or a
// decoded frame can be checked against (quarterColours in recording/recordingMedia.ts).
import wrtc from '@roamhq/wrtc';
import type { NodeWebRtc } from '@cosmo/client/node';

/** A 640x360 video track of four coloured quarters (I420, BT.601 limited range), 15 fps. */
export function quartersTrack(): { track: MediaStreamTrack; stop(): void } {
  const rtc = wrtc as unknown as NodeWebRtc;
  const w = 640;
  const h = 360;
  const source = new rtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const data = new Uint8Array((w * h * 3) / 2);
  // Red, green, blue, white.
  const yuv = [
    [81, 90, 240],
    [145, 54, 34],
    [41, 240, 110],
    [235, 128, 128],
  ] as const;
  const quarter = (x: number, y: number) => (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = yuv[quarter(x, y)]![0];
  for (let y = 0; y < h / 2; y++)
    for (let x = 0; x < w / 2; x++) {
      const q = yuv[quarter(x * 2, y * 2)]!;
      data[w * h + y * (w / 2) + x] = q[1];
      data[w * h + (w * h) / 4 + y * (w / 2) + x] = q[2];
    }
  const timer = setInterval(() => source.onFrame({ width: w, height: h, data }), 66);
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}
