import type { Logger } from 'pino';
import {
  mediaKindToProto,
  mediaSourceFromProto,
  mediaSourceToProto,
  roleFromProto,
  type cosmo,
  type MediaSource,
  type SharedServerEvent,
  permissionsFromProto,
} from '@cosmo/core';
import type { Classroom, RemoteAction } from '../Classroom.js';
import { CloseCode } from '../Connection.js';
import type { EventBody, Participant } from '../Participant.js';
import type { ClusterBus, ClusterInit, ClusterMessageIn } from './ClusterBus.js';
import { MediaPipes, type PipeAddress } from './MediaPipes.js';
import { RemoteParticipant, isRemote } from './RemoteParticipant.js';

/**
 * Event kinds the other shards show their own participants as they are. Who joined, left, or
 * publishes is not among them: each shard tells those of its mirrors itself.
 */
const RELAYED = new Set<string>([
  'chat',
  'handChanged',
  'muted',
  'producerPaused',
  'producerResumed',
  'participantUpdated',
  'classroomUpdated',
  'classEnded',
  'activeSpeaker',
  'caption',
  'lessonChanged',
  'reactions',
]);

/**
 * This node's shard of a classroom that several nodes serve (cluster mode). It mirrors the other
 * shards' participants (`RemoteParticipant`), pipes their producers here, tells the other shards
 * what its own participants do, and keeps the room's placement count in Redis. Nothing here is a
 * second source of truth: each participant, producer and event belongs to the node it happened on.
 */
export class ClassroomShard {
  readonly #bus: ClusterBus;
  readonly #classroom: Classroom;
  readonly #logger: Logger;
  readonly #pipes: MediaPipes;
  readonly #room: string;
  /** Events to participants of other nodes, gathered over one turn and sent one per node. */
  readonly #outbox = new Map<string, Map<SharedServerEvent, { to: string[]; critical: boolean }>>();
  /** What the other shards offer to pipe here, by producer id (piped again after a worker dies). */
  readonly #offers = new Map<string, cosmo.v1.ProducerOffer.$Properties>();
  #closed = false;

  constructor(bus: ClusterBus, classroom: Classroom, address: PipeAddress, logger: Logger) {
    this.#bus = bus;
    this.#classroom = classroom;
    this.#room = classroom.room;
    this.#logger = logger;
    this.#pipes = new MediaPipes(bus, classroom, address, logger);
  }

  /** Starts: listens to the room, asks the other shards for their members, tells them ours. */
  async open(): Promise<void> {
    const classroom = this.#classroom;
    classroom.link = {
      relay: (body, critical) => this.#relay(body, critical),
      act: (by, target, action) => this.#act(by, target, action),
    };
    classroom.observer.on('participantJoined', (p) => {
      if (isRemote(p)) return;
      this.#publish({ memberJoined: p.info() });
      this.#count();
    });
    classroom.observer.on('participantLeft', (p, reason) => {
      if (isRemote(p)) return;
      this.#publish({ memberLeft: { participantId: p.id, reason } });
      this.#count();
    });
    classroom.observer.on('producerAdded', (p, producer, source) => {
      if (isRemote(p)) return;
      this.#publish({ producerOffer: this.#offer(p.id, producer.id, source) });
    });
    // A worker of this node died: the producers piped to its router went with it; pipe them again.
    classroom.observer.on('mediaReset', () => {
      for (const offer of this.#offers.values()) this.#pipeIn(offer);
    });
    classroom.once('closed', () => void this.close());
    await this.#bus.listen(this.#bus.keys.roomChannel(this.#room));
    this.#publish({ shardOpened: {} });
  }

  /** A message for this room, on its channel or to this node. */
  handle(m: ClusterMessageIn): void {
    if (this.#closed) return;
    switch (m.body) {
      case 'shardOpened':
        this.#bus.send(m.fromNode, { room: this.#room, memberList: this.#members() });
        break;
      case 'memberList': {
        const list = m.memberList!;
        if (list.classroom) this.#classroom.applyState(list.classroom);
        for (const info of list.members ?? []) this.#mirror(info, m.fromNode);
        for (const offer of list.producers ?? []) this.#pipeIn(offer);
        break;
      }
      case 'memberJoined':
        this.#mirror(m.memberJoined!, m.fromNode);
        break;
      case 'memberLeft': {
        const mirror = this.#classroom.participants.get(m.memberLeft!.participantId ?? '');
        if (mirror && isRemote(mirror)) mirror.close(m.memberLeft!.reason || 'left');
        break;
      }
      case 'producerOffer':
        this.#pipeIn(m.producerOffer!);
        break;
      case 'event':
        this.#deliver(m.event!);
        break;
      case 'action':
        this.#perform(m.action!);
        break;
      case 'pipeOpen':
        void this.#pipes.answerOpen(m);
        break;
      case 'pipeConsume':
        void this.#pipes.answerConsume(m);
        break;
      case 'producerState':
        // Closed at its node: gone for good (not to be piped again after a worker dies here).
        if (m.producerState!.closed) this.#offers.delete(m.producerState!.producerId ?? '');
        this.#pipes.producerState(m.producerState!);
        break;
      default:
        break;
    }
  }

  /** A node was lost: its participants leave this shard, the pipes with it close. */
  nodeLost(node: string): void {
    for (const p of [...this.#classroom.participants.values()])
      if (isRemote(p) && p.node === node) p.close('node_lost');
    this.#pipes.dropNode(node);
    void this.#bus.redis.hdel(this.#bus.keys.room(this.#room), node).catch(() => undefined);
  }

  /**
   * After Redis came back (what was said meanwhile is lost, and the others may have dropped this
   * node): forget the mirrors and pipes, count again, and ask the other shards for their members,
   * as when the shard opened.
   */
  resync(): void {
    if (this.#closed) return;
    for (const p of [...this.#classroom.participants.values()]) if (isRemote(p)) p.close('resync');
    this.#offers.clear();
    this.#pipes.reset();
    this.#count();
    this.#publish({ shardOpened: {} });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pipes.close();
    await this.#bus.redis.hdel(this.#bus.keys.room(this.#room), this.#bus.nodeId).catch(() => 0);
    await this.#bus.unlisten(this.#bus.keys.roomChannel(this.#room)).catch(() => undefined);
  }

  /** How many of the room's participants this node serves, for placement. */
  #count(): void {
    let own = 0;
    for (const p of this.#classroom.participants.values()) if (!isRemote(p)) own++;
    const key = this.#bus.keys.room(this.#room);
    const op =
      own > 0
        ? this.#bus.redis.hset(key, this.#bus.nodeId, own)
        : this.#bus.redis.hdel(key, this.#bus.nodeId);
    void op.catch(() => undefined);
  }

  #publish(message: ClusterInit): void {
    this.#bus.publish(this.#bus.keys.roomChannel(this.#room), { ...message, room: this.#room });
  }

  #members(): cosmo.v1.MemberList.$Properties {
    const own = [...this.#classroom.participants.values()].filter((p) => !isRemote(p));
    return {
      members: own.map((p) => ({ ...p.info(), producers: [] })),
      producers: own.flatMap((p) =>
        [...p.producers.values()].map((m) => this.#offer(p.id, m.producer.id, m.source)),
      ),
      classroom: this.#classroom.state(),
    };
  }

  #offer(
    participantId: string,
    producerId: string,
    source: MediaSource,
  ): cosmo.v1.ProducerOffer.$Properties {
    const producer = this.#classroom.participants
      .get(participantId)
      ?.producers.get(producerId)?.producer;
    return {
      participantId,
      producerId,
      kind: mediaKindToProto(producer?.kind ?? 'video'),
      source: mediaSourceToProto(source),
      paused: producer?.paused ?? false,
      routerId: this.#classroom.routerOfProducer(producerId)?.id ?? '',
    };
  }

  #mirror(info: cosmo.v1.ParticipantInfo.$Properties, node: string): void {
    const classroom = this.#classroom;
    if (classroom.closed || !info.id || classroom.participants.has(info.id)) return;
    // One session per person in a classroom, across nodes as on one: the older one makes way.
    for (const own of [...classroom.participants.values()]) {
      if (isRemote(own) || own.identity !== info.identity) continue;
      if (own.joinedAt > (info.joinedAt ?? 0)) continue;
      const connection = own.connection;
      own.close('replaced');
      connection?.close(CloseCode.REPLACED, 'joined from another connection');
    }
    const mirror = new RemoteParticipant(
      {
        id: info.id,
        room: this.#room,
        identity: info.identity ?? '',
        name: info.name ?? '',
        role: roleFromProto(info.role) ?? 'student',
        permissions: permissionsFromProto(info.permissions),
      },
      node,
      (to, event, critical) => this.#sendTo(to, event, critical),
    );
    mirror.setHand(Boolean(info.handRaised));
    mirror.setCaptionLanguage(info.captionLanguage ?? '');
    try {
      classroom.addMirror(mirror);
    } catch {
      // The classroom ended meanwhile.
    }
  }

  #pipeIn(offer: cosmo.v1.ProducerOffer.$Properties): void {
    const owner = this.#classroom.participants.get(offer.participantId ?? '');
    if (!owner || !isRemote(owner) || owner.closed) {
      this.#offers.delete(offer.producerId ?? '');
      return;
    }
    this.#offers.set(offer.producerId ?? '', offer);
    void this.#pipes.pipeIn(owner, offer);
  }

  #relay(body: EventBody, critical: boolean): void {
    const kind = Object.keys(body).find((k) => body[k as keyof EventBody] != null);
    if (!kind || !RELAYED.has(kind)) return;
    this.#publish({ event: { frame: body, ephemeral: !critical } });
  }

  #sendTo(to: RemoteParticipant, event: SharedServerEvent, critical: boolean): void {
    let byEvent = this.#outbox.get(to.node);
    if (!byEvent) {
      byEvent = new Map();
      this.#outbox.set(to.node, byEvent);
      if (this.#outbox.size === 1) setImmediate(() => this.#flush());
    }
    const entry = byEvent.get(event) ?? { to: [], critical };
    entry.to.push(to.id);
    byEvent.set(event, entry);
  }

  #flush(): void {
    for (const [node, byEvent] of this.#outbox)
      for (const [event, { to, critical }] of byEvent)
        this.#bus.send(node, {
          room: this.#room,
          event: { frame: event.body, toParticipantIds: to, ephemeral: !critical },
        });
    this.#outbox.clear();
  }

  /** Shows another node's event to this node's participants, keeping the mirrors' state. */
  #deliver(relayed: cosmo.v1.RelayedEvent.$Properties): void {
    const frame = relayed.frame;
    if (!frame?.body) return;
    const body = { [frame.body]: frame[frame.body] } as EventBody;
    const classroom = this.#classroom;
    const mirrorOf = (id: string | null | undefined) => {
      const p = id ? classroom.participants.get(id) : undefined;
      return p && isRemote(p) ? p : undefined;
    };
    if (body.handChanged)
      mirrorOf(body.handChanged.participantId)?.setHand(Boolean(body.handChanged.raised));
    if (body.participantUpdated?.participant) {
      const info = body.participantUpdated.participant;
      const mirror = mirrorOf(info.id);
      if (mirror) {
        mirror.setCaptionLanguage(info.captionLanguage ?? '');
        mirror.setHand(Boolean(info.handRaised));
        if (info.permissions) mirror.setPermissions(permissionsFromProto(info.permissions));
      }
    }
    if (body.classroomUpdated?.classroom) classroom.applyState(body.classroomUpdated.classroom);
    const to = relayed.toParticipantIds ?? [];
    classroom.deliver(body, !relayed.ephemeral, undefined, to.length ? new Set(to) : undefined);
    if (body.classEnded && to.length === 0) classroom.endHere();
  }

  /** Tells another node (or every node) to act on its own participants for a moderator of ours. */
  #act(by: Participant, target: RemoteParticipant | 'all', action: RemoteAction): void {
    const init: cosmo.v1.RemoteAction.$Properties = {
      byParticipantId: by.id,
      targetParticipantId: target === 'all' ? '' : target.id,
      ...('mute' in action && {
        mute: { all: target === 'all', sources: action.mute.sources.map(mediaSourceToProto) },
      }),
      ...('lowerHand' in action && { lowerHand: { all: target === 'all' } }),
      ...('setPermissions' in action && { setPermissions: { permissions: action.setPermissions } }),
    };
    if (target === 'all') this.#publish({ action: init });
    else this.#bus.send(target.node, { room: this.#room, action: init });
  }

  /** Does what a moderator of another node asked to one (or all) of this node's participants. */
  #perform(action: cosmo.v1.RemoteAction.$Properties): void {
    const classroom = this.#classroom;
    const by = classroom.participants.get(action.byParticipantId ?? '');
    if (!by || !isRemote(by)) return;
    const target = action.targetParticipantId ?? '';
    try {
      if (action.mute) {
        const sources = (action.mute.sources ?? [])
          .map((s) => mediaSourceFromProto(s)!)
          .filter(Boolean);
        classroom.mute(by, target, !target, sources);
      } else if (action.lowerHand) {
        classroom.lowerHand(by, target, !target);
      } else if (action.setPermissions?.permissions) {
        const p = action.setPermissions.permissions;
        classroom.setPermissions(by, target, permissionsFromProto(p));
      }
    } catch (err) {
      this.#logger.warn(
        { err: (err as Error).message, room: this.#room },
        'cluster: a remote action was refused',
      );
    }
  }
}
