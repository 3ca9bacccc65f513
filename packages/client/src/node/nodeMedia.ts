/** The parts of @roamhq/wrtc that Cosmo uses (pass the module itself). */
export interface NodeWebRtc {
  RTCPeerConnection: unknown;
  RTCSessionDescription: unknown;
  RTCIceCandidate: unknown;
  MediaStream: unknown;
  MediaStreamTrack: unknown;
  nonstandard: {
    RTCAudioSource: new () => {
      createTrack(): MediaStreamTrack;
      onData(data: {
        samples: Int16Array;
        sampleRate: number;
        bitsPerSample?: number;
        channelCount?: number;
        numberOfFrames?: number;
      }): void;
    };
    RTCVideoSource: new () => {
      createTrack(): MediaStreamTrack;
      onFrame(frame: { width: number; height: number; data: Uint8Array }): void;
    };
    RTCAudioSink: new (track: MediaStreamTrack) => {
      stop(): void;
      ondata: ((d: { samples: Int16Array }) => void) | null;
    };
    RTCVideoSink: new (track: MediaStreamTrack) => {
      stop(): void;
      onframe: ((e: { frame: { width: number; height: number } }) => void) | null;
    };
  };
}

/** Installs wrtc's WebRTC classes as globals, where mediasoup-client's Chrome111 handler looks. */
export function useNodeWebRtc(wrtc: NodeWebRtc): void {
  const g = globalThis as Record<string, unknown>;
  for (const name of [
    'RTCPeerConnection',
    'RTCSessionDescription',
    'RTCIceCandidate',
    'MediaStream',
    'MediaStreamTrack',
  ] as const) {
    g[name] ??= wrtc[name];
  }
}

/** A synthetic track and the function that stops feeding it. */
export interface SyntheticTrack {
  track: MediaStreamTrack;
  stop(): void;
}

/** A 48 kHz mono tone (440 Hz by default), fed every 10 ms. */
export function toneTrack(wrtc: NodeWebRtc, frequency = 440, amplitude = 8000): SyntheticTrack {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const samples = new Int16Array(480);
  let phase = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) {
      samples[i] = Math.round(amplitude * Math.sin(phase));
      phase += (2 * Math.PI * frequency) / 48000;
    }
    source.onData({
      samples,
      sampleRate: 48000,
      bitsPerSample: 16,
      channelCount: 1,
      numberOfFrames: 480,
    });
  }, 10);
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}

/**
 * Plays mono 16-bit PCM (speech from espeak-ng, say) in real time, then silence, as an audio
 * track; `done` resolves when the last sample has been sent.
 */
export function pcmTrack(
  wrtc: NodeWebRtc,
  pcm: Int16Array,
  sampleRate = 48000,
): SyntheticTrack & { done: Promise<void> } {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const frame = sampleRate / 100;
  let offset = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const started = Date.now();
  let sent = 0;
  // Catch up on timer drift: send as many 10 ms frames as wall time says are due.
  const timer = setInterval(() => {
    const due = Math.floor((Date.now() - started) / 10);
    for (; sent < due; sent++) {
      const samples = new Int16Array(frame);
      if (offset < pcm.length) {
        samples.set(pcm.subarray(offset, offset + frame));
        offset += frame;
        if (offset >= pcm.length) finish();
      }
      source.onData({
        samples,
        sampleRate,
        bitsPerSample: 16,
        channelCount: 1,
        numberOfFrames: frame,
      });
    }
  }, 10);
  return { track, done, stop: () => (clearInterval(timer), track.stop()) };
}

/** A moving I420 test pattern (640x360 at 15 fps by default). */
export function patternTrack(
  wrtc: NodeWebRtc,
  width = 640,
  height = 360,
  fps = 15,
): SyntheticTrack {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const data = new Uint8Array((width * height * 3) / 2);
  let n = 0;
  const timer = setInterval(
    () => {
      n++;
      for (let i = 0; i < width * height; i++) data[i] = (i + n * 4) & 0xff;
      data.fill(128, width * height);
      source.onFrame({ width, height, data });
    },
    Math.round(1000 / fps),
  );
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}

/** What a watched track delivered so far. */
export interface TrackStats {
  /** Decoded video frames, or 10 ms audio chunks. */
  units: number;
  width: number;
  height: number;
  /** Peak absolute audio sample (0 = silence). */
  peak: number;
  stop(): void;
}

/** Counts what a received track delivers: decoded frames and their size, or audio level. */
export function watchTrack(wrtc: NodeWebRtc, track: MediaStreamTrack): TrackStats {
  const stats: TrackStats = { units: 0, width: 0, height: 0, peak: 0, stop: () => undefined };
  if (track.kind === 'video') {
    const sink = new wrtc.nonstandard.RTCVideoSink(track);
    sink.onframe = ({ frame }) => {
      stats.units++;
      stats.width = frame.width;
      stats.height = frame.height;
    };
    stats.stop = () => sink.stop();
  } else {
    const sink = new wrtc.nonstandard.RTCAudioSink(track);
    sink.ondata = ({ samples }) => {
      stats.units++;
      for (const s of samples) if (Math.abs(s) > stats.peak) stats.peak = Math.abs(s);
    };
    stats.stop = () => sink.stop();
  }
  return stats;
}
