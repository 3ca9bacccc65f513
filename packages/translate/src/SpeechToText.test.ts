import { describe, expect, it } from 'vitest';
import {
  borrowEngine,
  EventQueue,
  SpeechToText,
  type SpeechEvent,
  type SpeechStream,
  type StreamOptions,
} from './SpeechToText.js';

/** An engine that remembers how its streams were opened and whether it was closed. */
class RecordingEngine extends SpeechToText {
  readonly label = 'recording';
  readonly capabilities = { languages: ['ja'], interim: false };
  readonly opened: StreamOptions[] = [];
  closed = false;
  stream(options: StreamOptions = {}): SpeechStream {
    this.opened.push(options);
    const queue = new EventQueue<SpeechEvent>();
    return {
      write: () => {},
      end: () => queue.finish(),
      close: () => queue.finish(),
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('borrowEngine', () => {
  it("a borrowed engine opens streams with its classroom's lesson as prompt, and closing it leaves the engine open", async () => {
    const engine = new RecordingEngine();
    const borrowed = borrowEngine(engine, { prompt: '光は直進する。' });
    borrowed.stream({ language: 'ja' });
    borrowed.stream({ language: 'ja', prompt: 'another lesson' });
    await borrowed.close();
    expect(engine.opened).toEqual([
      { prompt: '光は直進する。', language: 'ja' },
      { prompt: 'another lesson', language: 'ja' },
    ]);
    expect(engine.closed).toBe(false);
  });
});
