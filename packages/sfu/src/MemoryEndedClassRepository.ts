import type { EndedClassRepository } from '@cosmo/school';

/** Ended classes kept in memory, for a server without the school database (`school: false`). */
export class MemoryEndedClassRepository implements EndedClassRepository {
  readonly #ended = new Map<string, number>();

  endedAt(room: string): number | undefined {
    return this.#ended.get(room);
  }

  markEnded(room: string, at: number): void {
    this.#ended.set(room, at);
  }

  reopen(room: string): void {
    this.#ended.delete(room);
  }
}
