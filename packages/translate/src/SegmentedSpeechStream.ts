import { toCosmoError } from '@cosmo/core';
import {
  EventQueue,
  type SpeechEvent,
  type SpeechStream,
  type WordConfidence,
} from './SpeechToText.js';
import { VoiceActivityDetector, type VadOptions } from './vad/VoiceActivityDetector.js';

/** What a recogniser heard in one stretch of speech. */
export interface Hypothesis {
  text: string;
  /** 0–1, for the whole utterance. */
  confidence: number;
  /** The engine doubts it (see SpeechEvent); false when absent. */
  uncertain?: boolean;
  /** Each word's confidence, where the engine gives them. */
  words?: WordConfidence[];
}

/** One utterance being decoded while it is spoken. */
export interface UtteranceDecoding {
  write(pcm: Int16Array): void;
  /** No more audio: resolves with the final hypothesis. */
  finish(): Promise<Hypothesis>;
  /** Drops the utterance. */
  abort(): void;
  /** What the utterance sounds like so far, for an interim result (a streaming decoder's own). */
  partial?(): Promise<Hypothesis>;
}

/**
 * An engine that decodes whole utterances (whisper by nature; pocketsphinx is most accurate fed
 * one sentence at a time against a sentence-level lesson model). The VAD cuts the stream for it.
 */
export interface UtteranceDecoder {
  begin(): UtteranceDecoding;
  /** Decodes the audio of an utterance so far, for an interim result. */
  peek?(pcm: Int16Array): Promise<Hypothesis>;
  /** Frees what the decoder holds once its stream is over. */
  close?(): void;
}

/** How a segmented stream cuts and reports. */
export interface SegmentedStreamOptions {
  vad: Partial<VadOptions>;
  /** An interim result every this much speech (ms); 0 sends finals only. */
  interimMs: number;
}

export const SEGMENTED_STREAM_DEFAULTS: SegmentedStreamOptions = { vad: {}, interimMs: 800 };

interface Open {
  utterance: number;
  startMs: number;
  decoding: UtteranceDecoding;
  audio: Int16Array[];
  samples: number;
  peekedAt: number;
  peeking: boolean;
  lastInterim: string;
  /** Its final is out (or failed): no interim may follow it. */
  settled: boolean;
  /** Unvoiced frames not yet given to the decoder: a pause inside the utterance or its end. */
  quiet: Int16Array[];
}

/** Closing silence given to the decoder (frames of 30 ms). */
const TAIL_FRAMES = 4;

const concat = (chunks: Int16Array[], samples: number): Int16Array => {
  const out = new Int16Array(samples);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

/**
 * A speech stream built from a VAD and an utterance decoder: each utterance the VAD finds is
 * decoded on its own, with interim results while it is spoken and a final one when it ends.
 * Finals come in utterance order; times are from the first sample written to the stream.
 */
export function segmentedStream(
  decoder: UtteranceDecoder,
  options: Partial<SegmentedStreamOptions> = {},
): SpeechStream {
  const { vad: vadOptions, interimMs } = { ...SEGMENTED_STREAM_DEFAULTS, ...options };
  const events = new EventQueue<SpeechEvent>();
  let vad: VoiceActivityDetector | undefined;
  let backlog: Int16Array[] | undefined = [];
  let ending = false;
  let closed = false;
  let utterances = 0;
  let open: Open | undefined;
  // Finals are chained so they come out in order even when one decodes faster than another.
  let finals: Promise<void> = Promise.resolve();

  // The utterance's audio is kept only for interim decodes by an engine that cannot stream.
  const peekAt = interimMs > 0 ? decoder.peek?.bind(decoder) : undefined;
  const interims = !!peekAt;
  const fail = (err: unknown) => events.push({ type: 'error', error: toCosmoError(err) });
  const done = () => {
    vad?.close();
    decoder.close?.();
  };

  const peek = (u: Open) => {
    const partial = interimMs > 0 ? u.decoding.partial?.bind(u.decoding) : undefined;
    if ((!partial && !peekAt) || u.peeking) return;
    if ((u.samples - u.peekedAt) / 16 < interimMs) return;
    u.peeking = true;
    u.peekedAt = u.samples;
    const heardMs = u.startMs + u.samples / 16;
    (partial ? partial() : peekAt!(concat(u.audio, u.samples)))
      .then((h) => {
        // A streaming decoder answers in order, so an interim asked for before the utterance
        // ended may arrive after it ended, but still before its final.
        if (u.settled || closed || !h.text || h.text === u.lastInterim) return;
        u.lastInterim = h.text;
        events.push({
          type: 'interim',
          text: h.text,
          startMs: u.startMs,
          endMs: heardMs,
          confidence: h.confidence,
          uncertain: h.uncertain ?? false,
          words: h.words ?? [],
          utterance: u.utterance,
        });
      }, fail)
      .finally(() => (u.peeking = false));
  };

  const finish = (u: Open, endMs: number) => {
    const result = u.decoding.finish();
    finals = finals.then(async () => {
      try {
        const h = await result;
        u.settled = true;
        if (!closed && h.text) {
          events.push({
            type: 'final',
            text: h.text,
            startMs: u.startMs,
            endMs,
            confidence: h.confidence,
            uncertain: h.uncertain ?? false,
            words: h.words ?? [],
            utterance: u.utterance,
          });
        }
      } catch (err) {
        u.settled = true;
        fail(err);
      }
    });
  };

  const feed = (pcm: Int16Array) => {
    for (const e of vad!.push(pcm)) {
      if (e.type === 'start') {
        open = {
          utterance: ++utterances,
          startMs: e.atMs,
          decoding: decoder.begin(),
          audio: interims ? [e.pcm] : [],
          samples: e.pcm.length,
          peekedAt: 0,
          peeking: false,
          lastInterim: '',
          settled: false,
          quiet: [],
        };
        open.decoding.write(e.pcm);
      } else if (e.type === 'speech' && open) {
        // Silence reaches the decoder only when speech follows it; the closing silence mostly
        // does not, since recognisers turn long trailing noise into short words.
        if (!e.voiced) {
          open.quiet.push(e.pcm);
          continue;
        }
        for (const pcm of [...open.quiet.splice(0), e.pcm]) {
          open.decoding.write(pcm);
          if (interims) open.audio.push(pcm);
          open.samples += pcm.length;
        }
        peek(open);
      } else if (e.type === 'end' && open) {
        for (const pcm of open.quiet.slice(0, TAIL_FRAMES)) open.decoding.write(pcm);
        finish(open, e.atMs);
        open = undefined;
      }
    }
  };

  const drain = () => {
    if (open) {
      const [end] = vad!.flush();
      finish(open, end?.atMs ?? open.startMs + open.samples / 16);
      open = undefined;
    }
    void finals.then(() => {
      done();
      events.finish();
    });
  };

  VoiceActivityDetector.create(vadOptions).then(
    (v) => {
      if (closed) return v.close();
      vad = v;
      const queued = backlog ?? [];
      backlog = undefined;
      try {
        for (const pcm of queued) feed(pcm);
      } catch (err) {
        fail(err);
      }
      if (ending) drain();
    },
    (err: unknown) => {
      fail(err);
      decoder.close?.();
      events.finish();
    },
  );

  return {
    write(pcm) {
      if (closed || ending) return;
      if (backlog) backlog.push(pcm.slice());
      else
        try {
          feed(pcm);
        } catch (err) {
          fail(err);
        }
    },
    end() {
      if (closed || ending) return;
      ending = true;
      if (vad) drain();
    },
    close() {
      if (closed) return;
      closed = true;
      open?.decoding.abort();
      open = undefined;
      done();
      events.finish();
    },
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
  };
}
