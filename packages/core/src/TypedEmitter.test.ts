import { afterEach, describe, expect, it } from 'vitest';
import { TypedEmitter } from './TypedEmitter.js';

type Events = { joined: [name: string, seat: number]; closed: [] };

describe('TypedEmitter', () => {
  const original = TypedEmitter.onListenerError;
  afterEach(() => {
    TypedEmitter.onListenerError = original;
  });

  it('delivers typed arguments to listeners in order', () => {
    const emitter = new TypedEmitter<Events>();
    const calls: string[] = [];
    emitter.on('joined', (name, seat) => calls.push(`a:${name}:${seat}`));
    emitter.on('joined', (name) => calls.push(`b:${name}`));
    expect(emitter.emit('joined', 'Aiko', 3)).toBe(true);
    expect(calls).toEqual(['a:Aiko:3', 'b:Aiko']);
    expect(emitter.emit('closed')).toBe(false);
  });

  it('runs a once listener once and can remove it before it runs', () => {
    const emitter = new TypedEmitter<Events>();
    let count = 0;
    const listener = () => count++;
    emitter.once('closed', listener);
    emitter.emit('closed');
    emitter.emit('closed');
    expect(count).toBe(1);
    emitter.once('closed', listener);
    emitter.off('closed', listener);
    emitter.emit('closed');
    expect(count).toBe(1);
    expect(emitter.listenerCount('closed')).toBe(0);
  });

  it('safeEmit reports a throwing listener and still calls the others', () => {
    const emitter = new TypedEmitter<Events>();
    const reported: string[] = [];
    TypedEmitter.onListenerError = (err, event) => reported.push(`${event}:${String(err)}`);
    let reached = false;
    emitter.on('closed', () => {
      throw new Error('boom');
    });
    emitter.on('closed', () => (reached = true));
    expect(() => emitter.safeEmit('closed')).not.toThrow();
    expect(reached).toBe(true);
    expect(reported).toEqual(['closed:Error: boom']);
    expect(() => emitter.emit('closed')).toThrow('boom');
  });

  it('removeAllListeners forgets every listener', () => {
    const emitter = new TypedEmitter<Events>();
    emitter.on('closed', () => undefined);
    emitter.on('joined', () => undefined);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('closed') + emitter.listenerCount('joined')).toBe(0);
  });
});
