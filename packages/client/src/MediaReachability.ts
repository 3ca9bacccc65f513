import type { types as mc } from 'mediasoup-client';

/**
 * Whether audio and video get through: `connecting` while the transports' ICE and DTLS run,
 * `connected` once every transport in use is, `unreachable` when one failed or has not connected
 * in time (a network that blocks the media ports and every TURN route). `unreachable` is not final:
 * a transport that connects later (a TURN allocation that was slow) turns it back to `connected`.
 */
export type MediaReachabilityState = 'connecting' | 'connected' | 'unreachable';

/** Watches the media transports and says when the state changes. */
export class MediaReachability {
  readonly #timeoutMs: number;
  readonly #onChange: (state: MediaReachabilityState) => void;
  readonly #transports = new Map<
    mc.Transport,
    { timer: ReturnType<typeof setTimeout> | undefined; late: boolean }
  >();
  #state: MediaReachabilityState | undefined;

  constructor(timeoutMs: number, onChange: (state: MediaReachabilityState) => void) {
    this.#timeoutMs = timeoutMs;
    this.#onChange = onChange;
  }

  get state(): MediaReachabilityState | undefined {
    return this.#state;
  }

  /** Follows a transport from its first connect (when it has something to send or receive). */
  watch(transport: mc.Transport): void {
    const entry = { timer: undefined as ReturnType<typeof setTimeout> | undefined, late: false };
    this.#transports.set(transport, entry);
    transport.on('connectionstatechange', () => this.#update());
    transport.observer.once('close', () => {
      clearTimeout(entry.timer);
      this.#transports.delete(transport);
      this.#update();
    });
    // mediasoup-client says 'connect' when the first producer or consumer needs the transport.
    transport.observer.once('newproducer', () => this.#start(transport, entry));
    transport.observer.once('newconsumer', () => this.#start(transport, entry));
  }

  /** Stops every timer (the session closed). */
  close(): void {
    for (const { timer } of this.#transports.values()) clearTimeout(timer);
    this.#transports.clear();
  }

  #start(
    transport: mc.Transport,
    entry: { timer: ReturnType<typeof setTimeout> | undefined; late: boolean },
  ): void {
    if (entry.timer) return;
    entry.timer = setTimeout(() => {
      // Late only if it never got through; a drop after connecting is a reconnect, not a wall.
      if (transport.connectionState !== 'connected') entry.late = true;
      this.#update();
    }, this.#timeoutMs);
    this.#update();
  }

  #update(): void {
    let next: MediaReachabilityState | undefined;
    for (const [transport, entry] of this.#transports) {
      if (!entry.timer) continue; // never used yet
      const s = transport.connectionState;
      if (s === 'connected') {
        entry.late = false;
        next ??= 'connected';
        continue;
      }
      if (s === 'failed' || entry.late) {
        next = 'unreachable';
        break;
      }
      next = 'connecting';
    }
    if (next && next !== this.#state) {
      this.#state = next;
      this.#onChange(next);
    }
  }
}
