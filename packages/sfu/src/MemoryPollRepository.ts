import type {
  AnonymousPollTotals,
  PollAnswerRecord,
  PollRecord,
  PollRepository,
  PreparedPollRecord,
} from '@cosmo/school';

/**
 * Polls kept in memory: those of a room that is not a lecture (they last as long as its
 * classroom), and prepared questions on a server without the school database. An anonymous
 * poll's totals are kept as the school's are: who answered apart from counts that name nobody.
 */
export class MemoryPollRepository implements PollRepository {
  readonly #polls = new Map<string, PollRecord>();
  readonly #answers = new Map<string, Map<string, PollAnswerRecord>>();
  readonly #voters = new Map<string, Set<string>>();
  readonly #counts = new Map<string, Map<number, number>>();
  readonly #texts = new Map<string, Map<string, number>>();
  readonly #prepared = new Map<string, PreparedPollRecord>();

  create(poll: PollRecord): void {
    this.#polls.set(poll.id, structuredClone(poll));
  }

  get(id: string): PollRecord | undefined {
    const poll = this.#polls.get(id);
    return poll && structuredClone(poll);
  }

  forRoom(room: string): PollRecord[] {
    return [...this.#polls.values()]
      .filter((p) => p.room === room)
      .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1))
      .map((p) => structuredClone(p));
  }

  setClosed(id: string, at: number): void {
    const poll = this.#polls.get(id);
    if (poll) poll.closedAt = at;
  }

  setResultsShown(id: string, shown: boolean): void {
    const poll = this.#polls.get(id);
    if (poll) poll.resultsShown = shown;
  }

  saveAnswer(answer: PollAnswerRecord): void {
    let answers = this.#answers.get(answer.pollId);
    if (!answers) this.#answers.set(answer.pollId, (answers = new Map()));
    answers.set(answer.personId, { ...answer, choices: [...answer.choices] });
  }

  answers(pollId: string): PollAnswerRecord[] {
    return [...(this.#answers.get(pollId)?.values() ?? [])]
      .sort((a, b) => (a.personId < b.personId ? -1 : 1))
      .map((a) => ({ ...a, choices: [...a.choices] }));
  }

  countAnonymous(
    pollId: string,
    personId: string,
    choices: readonly number[],
    text: string,
  ): boolean {
    let voters = this.#voters.get(pollId);
    if (!voters) this.#voters.set(pollId, (voters = new Set()));
    if (voters.has(personId)) return false;
    voters.add(personId);
    let counts = this.#counts.get(pollId);
    if (!counts) this.#counts.set(pollId, (counts = new Map()));
    for (const option of choices) counts.set(option, (counts.get(option) ?? 0) + 1);
    if (text) {
      let texts = this.#texts.get(pollId);
      if (!texts) this.#texts.set(pollId, (texts = new Map()));
      texts.set(text, (texts.get(text) ?? 0) + 1);
    }
    return true;
  }

  anonymousTotals(pollId: string): AnonymousPollTotals {
    return {
      voters: [...(this.#voters.get(pollId) ?? [])].sort(),
      counts: new Map(this.#counts.get(pollId)),
      texts: [...(this.#texts.get(pollId) ?? [])]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([text, count]) => ({ text, count })),
    };
  }

  prepared(classId: string): PreparedPollRecord[] {
    return [...this.#prepared.values()]
      .filter((p) => p.classId === classId)
      .sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1))
      .map((p) => structuredClone(p));
  }

  savePrepared(record: PreparedPollRecord): void {
    this.#prepared.set(record.id, structuredClone(record));
  }

  removePrepared(classId: string, id: string): boolean {
    if (this.#prepared.get(id)?.classId !== classId) return false;
    return this.#prepared.delete(id);
  }
}
