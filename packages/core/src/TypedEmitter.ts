/** An event map: event name to the tuple of its listener's arguments. */
export type EventMap = Record<string, unknown[]>;

type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * An event emitter whose event names and listener arguments are checked by TypeScript, e.g.
 * `new TypedEmitter<{ closed: []; joined: [p: Participant] }>()`. It has no Node dependency, so
 * the browser client shares it with the server.
 */
export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Listener<never>[]>();

  /** Adds a listener. */
  on<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  /** Adds a listener that runs once. */
  once<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    const wrapper: Listener<E[K]> = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    onceOriginal.set(wrapper, listener);
    return this.on(event, wrapper);
  }

  /** Removes a listener (also one added with `once`). */
  off<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const index = list.findIndex((l) => l === listener || onceOriginal.get(l) === listener);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  /** Removes every listener, or every listener of one event. */
  removeAllListeners<K extends keyof E & string>(event?: K): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** Number of listeners of an event. */
  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls the listeners in order; the first one that throws stops the rest and propagates. */
  emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list) return false;
    for (const listener of [...list]) (listener as Listener<E[K]>)(...args);
    return true;
  }

  /**
   * Calls the listeners, reporting (not propagating) an error thrown by one of them, so a faulty
   * listener cannot break the emitter's own state machine. The remaining listeners still run.
   */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list) return false;
    for (const listener of [...list]) {
      try {
        (listener as Listener<E[K]>)(...args);
      } catch (err) {
        TypedEmitter.onListenerError(err, event);
      }
    }
    return true;
  }

  /** Where `safeEmit` reports listener errors; replace it to route them to a logger. */
  static onListenerError: (err: unknown, event: string) => void = (err, event) => {
    console.error(`cosmo: a listener of '${event}' threw`, err);
  };
}

const onceOriginal = new WeakMap<Listener<never>, Listener<never>>();
