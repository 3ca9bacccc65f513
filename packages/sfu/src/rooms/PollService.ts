import type { School } from '@cosmo/school';
import type { Classroom } from '../Classroom.js';
import { MemoryPollRepository } from '../MemoryPollRepository.js';
import type { Participant } from '../Participant.js';
import { ClassroomPolls } from './ClassroomPolls.js';
import type { ClassroomDirectory } from './ClassroomDirectory.js';

/**
 * Polls and quizzes for every classroom: one `ClassroomPolls` per open classroom, attached as it
 * opens. A lecture's polls are kept in the school's records (they survive a restart); another
 * room's last as long as its classroom. Prepared questions are kept per class in the school's
 * records, or in memory without them.
 */
export class PollService {
  readonly #school: School | undefined;
  readonly #rooms = new Map<string, ClassroomPolls>();
  /** Prepared questions when there are no school records. */
  readonly #prepared = new MemoryPollRepository();

  constructor(classrooms: ClassroomDirectory, school: School | undefined) {
    this.#school = school;
    classrooms.on('opened', (classroom) => this.#attach(classroom));
  }

  /** The polls of an open classroom. */
  forRoom(room: string): ClassroomPolls | undefined {
    return this.#rooms.get(room);
  }

  /** What a joining participant is told of the classroom's polls. */
  joinView(classroom: Classroom, p: Participant): ReturnType<ClassroomPolls['joinView']> {
    return this.#rooms.get(classroom.room)?.joinView(p) ?? { polls: [], pollResults: [] };
  }

  #attach(classroom: Classroom): void {
    const school = this.#school;
    const polls = new ClassroomPolls(classroom, {
      polls: school && classroom.lectureId ? school.repos.polls : new MemoryPollRepository(),
      prepared: school?.repos.polls ?? this.#prepared,
      ...(school && { now: () => school.options.now() }),
    });
    this.#rooms.set(classroom.room, polls);
    classroom.once('closed', () => {
      polls.close();
      if (this.#rooms.get(classroom.room) === polls) this.#rooms.delete(classroom.room);
    });
  }
}
