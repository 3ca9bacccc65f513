import * as encoding from 'lib0/encoding';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignallingClient, type WebSocketConstructor } from '@cosmo/client';
import {
  BOARD_MESSAGE_SYNC,
  PROTOCOL_VERSION,
  ROLES,
  boardPageKey,
  cosmo,
  mediaKindToProto,
  mediaSourceToProto,
  type MediaSource,
  type Role,
} from '@cosmo/core';
import { waitFor } from '@cosmo/testkit';
import {
  ACTIONS,
  ROLE_ACTIONS,
  initialPermissions,
  isAllowed,
  type Action,
} from './permissions.js';
import { joinPeer, type Peer } from './testing/peers.js';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';

describe('the role x action table, enforced by the server', () => {
  let t: EphemeralServer;
  let teacher: Peer;
  let target: Peer;
  let targetId: string;
  let targetProducerId: string;
  /** An open poll the teacher started, for `vote`. */
  let pollId: string;
  const actors = new Map<Role, Peer>();
  const chats: string[] = [];

  beforeAll(async () => {
    t = await startEphemeralServer();
    teacher = await joinPeer(t, 'art', 'teacher', 'teacher', { autoSubscribe: 'none' });
    teacher.client.on('chat', (m) => chats.push(m.text));
    // A student allowed to speak, with a live microphone and a raised hand: the target of
    // every moderation attempt.
    target = await joinPeer(t, 'art', 'target', 'student', {
      grants: { speak: true },
      autoSubscribe: 'none',
    });
    targetId = target.client.self!.id;
    targetProducerId = await target.publishTone();
    await target.client.raiseHand();
    pollId = (
      await teacher.client.request('startPoll', {
        question: {
          question: 'Ready?',
          kind: cosmo.v1.PollKind.POLL_KIND_SINGLE,
          options: ['Yes', 'No'],
        },
      })
    ).poll!.id!;
    for (const role of ROLES) {
      actors.set(role, await joinPeer(t, 'art', `actor-${role}`, role, { autoSubscribe: 'none' }));
    }
  });

  afterAll(async () => {
    await Promise.all([teacher, target, ...actors.values()].map((p) => p?.close()));
    await t?.close();
  });

  const sendTransports = new Map<Peer, string>();

  /** Asks the server to publish `source` on a real send transport of `actor`. */
  async function produce(actor: Peer, source: MediaSource, kind: 'audio' | 'video') {
    let transportId = sendTransports.get(actor);
    if (!transportId) {
      const res = await actor.client.request('createTransport', {
        direction: cosmo.v1.TransportDirection.TRANSPORT_DIRECTION_SEND,
      });
      transportId = res.transportCreated!.id!;
      sendTransports.set(actor, transportId);
    }
    return actor.client.request('produce', {
      transportId,
      kind: mediaKindToProto(kind),
      source: mediaSourceToProto(source),
      rtpParameters: { codecs: [], encodings: [] },
    });
  }

  /** Performs `action` as `actor` the way a client would. */
  async function attempt(actor: Peer, action: Action): Promise<unknown> {
    const r = actor.client;
    switch (action) {
      case 'consume':
        return actor.client.subscribe(targetProducerId);
      case 'publishMicrophone':
        return produce(actor, 'microphone', 'audio');
      case 'publishCamera':
        return produce(actor, 'camera', 'video');
      case 'publishScreen':
        return produce(actor, 'screen', 'video');
      case 'chat':
        return r.request('sendChat', { text: 'hello' });
      case 'raiseHand':
        return r.request('raiseHand', {});
      case 'lowerOthersHand':
        return r.request('lowerHand', { participantId: targetId });
      case 'muteOthers':
        return r.request('mute', { participantId: targetId });
      case 'closeOthersProducer':
        return r.request('closeProducer', { producerId: targetProducerId });
      case 'setPermissions':
        return r.request('setPermissions', {
          participantId: targetId,
          permissions: { speak: true, video: true, screen: true, chat: true, draw: true },
        });
      case 'lockRoom':
        return r.request('lockRoom', { locked: true });
      case 'endClass':
        return r.request('endClass', {});
      case 'reopenClass': {
        // A join that asks to start the class again, from another identity of the same role.
        const c = await SignallingClient.connect({
          url: t.url,
          WebSocket: WebSocket as unknown as WebSocketConstructor,
        });
        try {
          return await c.request('join', {
            token: await t.token('art', `reopener-${role(actor)}`, role(actor)),
            protocolVersion: PROTOCOL_VERSION,
            reopen: true,
          });
        } finally {
          c.close();
        }
      }
      case 'manageCaptions':
        return r.request('setLesson', { text: 'a lesson', language: 'en' });
      case 'sendNotification':
        return r.request('sendNotification', { audience: 'class:art', title: 'x', body: 'y' });
      case 'runPolls':
        return r.request('startPoll', {
          question: {
            question: 'Q?',
            kind: cosmo.v1.PollKind.POLL_KIND_SINGLE,
            options: ['a', 'b'],
          },
        });
      case 'vote':
        return r.request('vote', { pollId, choices: [0] });
      case 'react':
        return r.request('react', { emoji: '👍' });
      case 'manageWaitingRoom':
        return r.request('setWaitingRoom', { enabled: true });
      case 'runBreakout':
        return r.request('startBreakout', {
          rooms: 1,
          mode: cosmo.v1.BreakoutMode.BREAKOUT_MODE_RANDOM,
          durationSeconds: 600,
        });
      case 'chooseBreakoutRoom':
        return r.request('chooseBreakoutRoom', { roomId: 'art~b1' });
      case 'record':
        return r.request('startRecording', { allowDownload: true });
      case 'draw':
        return r.request('boardMessage', { message: strokeMessage(actor) });
    }
  }

  function role(actor: Peer): Role {
    return [...actors.entries()].find(([, p]) => p === actor)![0];
  }

  function snapshot(): string {
    const classroom = t.server.classrooms.get('art')!;
    return JSON.stringify({
      state: classroom.state(),
      participants: [...classroom.participants.values()].map((p) => p.info()),
    });
  }

  it('teachers and assistants may do everything; observers only watch', () => {
    for (const action of ACTIONS) {
      expect(ROLE_ACTIONS.teacher[action]).toBe('always');
      expect(ROLE_ACTIONS.assistant[action]).toBe('always');
      expect(ROLE_ACTIONS.observer[action]).toBe(action === 'consume' ? 'always' : 'never');
    }
  });

  it('every forbidden action from every role is refused with PERMISSION_DENIED and changes nothing', async () => {
    let refused = 0;
    for (const role of ROLES) {
      const actor = actors.get(role)!;
      const permissions = initialPermissions(role, true);
      for (const action of ACTIONS) {
        if (isAllowed(role, permissions, action)) continue;
        const before = snapshot();
        const chatsBefore = chats.length;
        await expect(attempt(actor, action), `${role} ${action}`).rejects.toMatchObject({
          code: 'PERMISSION_DENIED',
        });
        expect(snapshot(), `${role} ${action} changed the classroom`).toBe(before);
        expect(chats).toHaveLength(chatsBefore);
        refused++;
      }
    }
    // Students: 3 unpublished sources + 13 moderation actions (running polls, the waiting room,
    // breakouts and recording among them) + drawing (not granted); observers: all but consume.
    expect(refused).toBe(17 + (ACTIONS.length - 1));
    // The target is untouched: still speaking, hand still up.
    const onServer = t.server.classrooms.get('art')!.participants.get(targetId)!;
    expect(onServer.producers.get(targetProducerId)?.producer.paused).toBe(false);
    expect(onServer.handRaised).toBe(true);
  });

  it('an assistant may not mute the teacher, but may mute a student', async () => {
    const assistant = actors.get('assistant')!;
    const teacherMic = await teacher.publishTone();
    await expect(
      assistant.client.request('closeProducer', { producerId: teacherMic }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(assistant.client.mute(teacher.client.self!.id)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const mutedBy: string[] = [];
    target.client.on('muted', (_sources, by) => mutedBy.push(by));
    await assistant.client.mute(targetId);
    await waitFor('the student to be told they were muted', () =>
      mutedBy.includes(assistant.client.self!.id),
    );
    // The client pauses its track when it handles the event (not necessarily in the same turn).
    await waitFor(
      'the student’s microphone to be paused',
      () => target.client.localTracks.get('microphone')?.paused === true,
    );
    const classroom = t.server.classrooms.get('art')!;
    expect(
      classroom.participants.get(targetId)!.producers.get(targetProducerId)!.producer.paused,
    ).toBe(true);
  });
});

/** A board change adding one stroke on page 1 by `actor` (y-protocols update, framed). */
function strokeMessage(actor: Peer): Uint8Array {
  const doc = new Y.Doc();
  let update: Uint8Array | undefined;
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getArray(boardPageKey('1')).push([
    {
      t: 'stroke',
      id: 's',
      by: actor.client.self?.identity ?? '',
      at: 1,
      color: '#000000',
      size: 3,
      points: [1, 1, 0.5, 2, 2, 0.5],
    },
  ]);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, BOARD_MESSAGE_SYNC);
  sync.writeUpdate(e, update!);
  return encoding.toUint8Array(e);
}
