// The teacher's stream every fan-out run sends: a 20 s clip (640x360 moving test pattern with
// noise, VP8 at ~1 Mbit/s with a keyframe every 2 s; a 440 Hz tone as Opus 48 kHz stereo),
// encoded once by ffmpeg and cached, then sent as RTP in real time by `ffmpeg -re -c copy`
// (VP8 payload descriptors with the X bit and a picture id, which mediasoup needs to see keyframes).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VIDEO = { payloadType: 96, ssrc: 11111111, clockRate: 90000 };
export const AUDIO = { payloadType: 100, ssrc: 22222222, clockRate: 48000 };

/** The producers' RTP parameters (what the feeder sends). */
export const VIDEO_RTP = {
  codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO.payloadType, clockRate: 90000 }],
  encodings: [{ ssrc: VIDEO.ssrc }],
};
export const AUDIO_RTP = {
  codecs: [
    { mimeType: 'audio/opus', payloadType: AUDIO.payloadType, clockRate: 48000, channels: 2 },
  ],
  encodings: [{ ssrc: AUDIO.ssrc }],
};

const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cosmo', 'bench');

function ffmpeg(args, what) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    encoding: 'utf8',
  });
  if (r.error?.code === 'ENOENT')
    throw new Error(
      'ffmpeg is not installed: run `bash scripts/setup.sh` (Debian: apt-get install ffmpeg)',
    );
  if (r.status !== 0) throw new Error(`ffmpeg could not ${what}: ${r.stderr.trim()}`);
}

/** The cached teacher clip (made on first use, ~10 s). */
export function teacherClip() {
  const file = join(CACHE, 'teacher-vp8-opus-v1.webm');
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  const partial = `${file}.partial.webm`;
  ffmpeg(
    [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25,noise=alls=12:allf=t'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', '20', '-c:v', 'libvpx', '-b:v', '1M', '-minrate', '1M', '-maxrate', '1M'],
      ...['-bufsize', '500k', '-g', '50', '-deadline', 'realtime', '-cpu-used', '8'],
      ...['-c:a', 'libopus', '-b:a', '64k', '-ac', '2', partial],
    ],
    'encode the teacher clip',
  );
  renameSync(partial, file);
  return file;
}

/**
 * Sends the clip as RTP, looping, in real time, to `host` (audio and video ports; no RTCP). `wrap` prefixes the command (the bench runs Janus's feeder in its network namespace).
 * Returns the ffmpeg process.
 */
export function feedTeacher({ host = '127.0.0.1', audioPort, videoPort, wrap = [] }) {
  const clip = teacherClip();
  // ffmpeg sends RTCP from a second socket; a plain transport that learns its sender from the
  // first packet (comedia) would then take that socket for the sender and drop the RTP.
  const noRtcp = ['-rtpflags', 'skip_rtcp'];
  const rtp = (port) => `rtp://${host}:${port}?rtcpport=${port}&pkt_size=1200`;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip],
    ...['-map', '0:v:0', '-c', 'copy', '-payload_type', String(VIDEO.payloadType)],
    ...['-ssrc', String(VIDEO.ssrc), ...noRtcp, '-f', 'rtp', rtp(videoPort)],
    ...['-map', '0:a:0', '-c', 'copy', '-payload_type', String(AUDIO.payloadType)],
    ...['-ssrc', String(AUDIO.ssrc), ...noRtcp, '-f', 'rtp', rtp(audioPort)],
  ];
  const [command, ...prefix] = [...wrap, 'ffmpeg'];
  const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
  child.stopped = false;
  child.once('exit', (code) => {
    if (!child.stopped && code) console.error(`bench: the RTP feeder stopped (${code}): ${err}`);
  });
  child.stop = () => {
    child.stopped = true;
    child.kill('SIGTERM');
  };
  return child;
}
