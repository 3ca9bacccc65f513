import { SharedServerEvent } from '@cosmo/core';
import { Participant, type EventBody, type ParticipantInit } from '../Participant.js';

/** Where a remote participant's own events go: to its node, for its connection there. */
export type RemoteSend = (
  to: RemoteParticipant,
  event: SharedServerEvent,
  critical: boolean,
) => void;

/**
 * A participant of another node, mirrored in this node's shard of the classroom: it is listed,
 * may be chatted to and moderated, and its producers are piped here for this node's participants
 * to consume. It has no socket here: what is sent to it goes to its node (`RemoteSend`), and the
 * classroom's broadcasts skip it (each node tells its own participants).
 */
export class RemoteParticipant extends Participant {
  /** The node the participant is connected to. */
  readonly node: string;
  readonly #send: RemoteSend;

  constructor(init: ParticipantInit, node: string, send: RemoteSend) {
    super(init);
    this.node = node;
    this.#send = send;
  }

  override send(event: EventBody | SharedServerEvent, critical = true): void {
    if (this.closed) return;
    this.#send(
      this,
      event instanceof SharedServerEvent ? event : new SharedServerEvent(event),
      critical,
    );
  }

  /** Leaves: the producers piped here close with it (they are on pipe transports, not its own). */
  override close(reason: string): void {
    if (this.closed) return;
    for (const media of [...this.producers.values()]) media.producer.close();
    super.close(reason);
  }
}

/** Whether `p` is a mirror of another node's participant. */
export function isRemote(p: Participant): p is RemoteParticipant {
  return p instanceof RemoteParticipant;
}
