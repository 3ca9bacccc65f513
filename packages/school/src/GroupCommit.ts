/**
 * Group commit: writes that arrive in the same turn of the event loop are committed together, in
 * one call of `commit` (one transaction, one disk flush), and each caller learns its own outcome
 * once that call has returned, so an answered write is on disk.
 */
export class GroupCommit<In, Out> {
  readonly #commit: (inputs: In[]) => (Out | Error)[];
  readonly #waiting: { input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] =
    [];

  /** `commit` writes every input at once and returns an outcome (or an Error) per input. */
  constructor(commit: (inputs: In[]) => (Out | Error)[]) {
    this.#commit = commit;
  }

  /** Queues a write; resolves once it is committed. */
  add(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.push({ input, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits what is waiting now (a store calls it before it closes). */
  flush(): void {
    const batch = this.#waiting.splice(0);
    if (batch.length === 0) return;
    let outcomes: (Out | Error)[];
    try {
      outcomes = this.#commit(batch.map((w) => w.input));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) w.reject(outcome);
      else w.resolve(outcome);
    });
  }
}
