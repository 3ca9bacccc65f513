import {
  CosmoError,
  ErrorCode,
  cosmo,
  dtlsParametersFromProto,
  dtlsParametersToProto,
  iceCandidatesToProto,
  iceParametersToProto,
  mediaKindFromProto,
  mediaKindToProto,
  mediaSourceFromProto,
  mediaSourceToProto,
  rtpCapabilitiesFromProto,
  rtpParametersFromProto,
  rtpParametersToProto,
  sctpParametersToProto,
  type ClientRequestKind,
  type MediaSource,
} from '@cosmo/core';
import type { types as ms } from 'mediasoup';
import type { Classroom } from './Classroom.js';
import type { Participant, EventBody } from './Participant.js';
import { publishAction } from './permissions.js';
import type { ClassroomCaptions } from './captions/ClassroomCaptions.js';
import { attendanceCsv } from './school/attendance.js';
import type { School } from './school/School.js';
import { attendanceToProto, chatToProto, leaveToProto } from './school/wire.js';

/** What a request handler works on: a joined participant in its classroom. */
export interface JoinedContext {
  classroom: Classroom;
  participant: Participant;
  school: School | undefined;
  captions: ClassroomCaptions | undefined;
}

function nameOf(ctx: JoinedContext, personId: string): string {
  return ctx.school?.repos.roster.person(personId)?.name ?? personId;
}

function schoolOf(ctx: JoinedContext): School {
  if (!ctx.school)
    throw new CosmoError(ErrorCode.UNAVAILABLE, 'the school features are off on this server');
  return ctx.school;
}

type Body<K extends ClientRequestKind> = NonNullable<cosmo.v1.ClientFrame[K]>;
type Handler<K extends ClientRequestKind> = (
  ctx: JoinedContext,
  request: Body<K>,
) => EventBody | Promise<EventBody>;

const OK: EventBody = { ok: {} };
const pb = cosmo.v1;

function source(value: number | null | undefined): MediaSource {
  const s = mediaSourceFromProto(value);
  if (!s)
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      'source must be microphone, camera, screen or screen-audio',
    );
  return s;
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, `${what} is required`);
  return value;
}

function transportCreated(
  t: ms.WebRtcTransport,
  direction: cosmo.v1.TransportDirection,
): EventBody {
  return {
    transportCreated: {
      id: t.id,
      direction,
      iceParameters: iceParametersToProto(t.iceParameters),
      iceCandidates: iceCandidatesToProto(t.iceCandidates),
      dtlsParameters: dtlsParametersToProto(t.dtlsParameters),
      sctpParameters: t.sctpParameters ? sctpParametersToProto(t.sctpParameters) : undefined,
    },
  };
}

/**
 * Handlers of the requests a joined participant makes, by request kind. Join, resume, leave and
 * ping are handled by the server itself.
 */
export const joinedHandlers: { [K in ClientRequestKind]?: Handler<K> } = {
  async createTransport({ classroom, participant }, req) {
    const direction = req.direction ?? 0;
    if (
      direction !== pb.TransportDirection.TRANSPORT_DIRECTION_SEND &&
      direction !== pb.TransportDirection.TRANSPORT_DIRECTION_RECV
    ) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'direction must be SEND or RECV');
    }
    const transport = await classroom.createTransport(participant, Boolean(req.preferTcp));
    return transportCreated(transport, direction);
  },

  async connectTransport({ classroom, participant }, req) {
    const transport = classroom.transport(participant, req.transportId);
    const dtls = dtlsParametersFromProto(required(req.dtlsParameters, 'dtlsParameters'));
    if (dtls.fingerprints.length === 0) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'dtlsParameters need a fingerprint');
    }
    await transport.connect({ dtlsParameters: dtls as ms.DtlsParameters });
    return OK;
  },

  async restartIce({ classroom, participant }, req) {
    const transport = classroom.transport(participant, req.transportId);
    const iceParameters = await transport.restartIce();
    return { restartIce: { iceParameters: iceParametersToProto(iceParameters) } };
  },

  async produce({ classroom, participant }, req) {
    const kind = mediaKindFromProto(req.kind);
    if (!kind) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'kind must be audio or video');
    const rtpParameters = rtpParametersFromProto(required(req.rtpParameters, 'rtpParameters'));
    const producer = await classroom.produce(
      participant,
      req.transportId ?? '',
      kind,
      rtpParameters as ms.RtpParameters,
      source(req.source),
      Boolean(req.paused),
    );
    return { produce: { producerId: producer.id } };
  },

  closeProducer({ classroom, participant }, req) {
    classroom.controllableProducer(participant, req.producerId).close();
    return OK;
  },

  async pauseProducer({ classroom, participant }, req) {
    const producer = classroom.controllableProducer(participant, req.producerId);
    if (!producer.paused) {
      await producer.pause();
      classroom.broadcast({ producerPaused: { producerId: producer.id } });
    }
    return OK;
  },

  async resumeProducer({ participant, classroom }, req) {
    // Only the owner resumes: a moderator's mute is not undone by another moderator's click.
    const media = req.producerId ? participant.producers.get(req.producerId) : undefined;
    if (!media) throw new CosmoError(ErrorCode.NOT_FOUND, 'no such producer of yours');
    classroom.authorize(participant, publishAction(media.source));
    if (media.producer.paused) {
      await media.producer.resume();
      classroom.broadcast({ producerResumed: { producerId: media.producer.id } });
    }
    return OK;
  },

  async consume({ classroom, participant }, req) {
    const consumer = await classroom.consume(
      participant,
      req.transportId ?? '',
      required(req.producerId, 'producerId'),
    );
    const media = classroom.findProducer(consumer.producerId);
    const published = media.owner.producers.get(consumer.producerId);
    return {
      consume: {
        consumerId: consumer.id,
        producerId: consumer.producerId,
        kind: mediaKindToProto(consumer.kind),
        rtpParameters: rtpParametersToProto(consumer.rtpParameters),
        paused: consumer.paused,
        producerPaused: consumer.producerPaused,
        participantId: media.owner.id,
        source: published ? mediaSourceToProto(published.source) : 0,
      },
    };
  },

  async pauseConsumer({ classroom, participant }, req) {
    await classroom.consumer(participant, req.consumerId).pause();
    return OK;
  },

  async resumeConsumer({ classroom, participant }, req) {
    const consumer = classroom.consumer(participant, req.consumerId);
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
    return OK;
  },

  closeConsumer({ classroom, participant }, req) {
    classroom.consumer(participant, req.consumerId).close();
    return OK;
  },

  async setPreferredLayers({ classroom, participant }, req) {
    const consumer = classroom.consumer(participant, req.consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw new CosmoError(ErrorCode.INVALID_STATE, 'this consumer has no layers');
    }
    await consumer.setPreferredLayers({
      spatialLayer: req.spatialLayer ?? 0,
      ...(req.temporalLayer != null ? { temporalLayer: req.temporalLayer } : {}),
    });
    return OK;
  },

  setRtpCapabilities({ participant }, req) {
    const caps = rtpCapabilitiesFromProto(required(req.rtpCapabilities, 'rtpCapabilities'));
    participant.rtpCapabilities = caps as ms.RtpCapabilities;
    return OK;
  },

  sendChat({ classroom, participant }, req) {
    classroom.chat(participant, req.text ?? '', req.toParticipantId ?? '');
    return OK;
  },

  raiseHand({ classroom, participant }) {
    classroom.raiseHand(participant);
    return OK;
  },

  lowerHand({ classroom, participant }, req) {
    classroom.lowerHand(participant, req.participantId ?? '', Boolean(req.all));
    return OK;
  },

  mute({ classroom, participant }, req) {
    classroom.mute(
      participant,
      req.participantId ?? '',
      Boolean(req.all),
      (req.sources ?? []).map(source),
    );
    return OK;
  },

  setPermissions({ classroom, participant }, req) {
    const p = required(req.permissions, 'permissions');
    classroom.setPermissions(participant, req.participantId ?? '', {
      speak: Boolean(p.speak),
      video: Boolean(p.video),
      screen: Boolean(p.screen),
      chat: Boolean(p.chat),
    });
    return OK;
  },

  lockRoom({ classroom, participant }, req) {
    classroom.lock(participant, Boolean(req.locked));
    return OK;
  },

  endClass({ classroom, participant }) {
    classroom.end(participant);
    return OK;
  },

  subscribeCaptions({ classroom, participant }, req) {
    const language = req.language ?? '';
    if (language && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) {
      throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'language must be a BCP 47 tag like "es"');
    }
    participant.captionLanguage = language;
    classroom.broadcast({ participantUpdated: { participant: participant.info() } });
    return OK;
  },

  setLesson(ctx, req) {
    ctx.classroom.authorize(ctx.participant, 'manageCaptions');
    if (!ctx.captions)
      throw new CosmoError(ErrorCode.UNAVAILABLE, 'captions are off on this server');
    ctx.captions.setLesson(req.text ?? '', req.language || 'en', { ...(req.glossary ?? {}) });
    ctx.classroom.captionLanguages = ctx.captions.languages();
    ctx.classroom.broadcast({ classroomUpdated: { classroom: ctx.classroom.state() } });
    // A microphone already live is captioned from now on.
    for (const p of ctx.classroom.participants.values()) {
      if (p.role !== 'teacher' && p.role !== 'assistant') continue;
      const mic = p.producerBySource('microphone');
      if (mic) void ctx.captions.tapProducer(p, mic.producer);
    }
    return OK;
  },

  sendNotification(ctx, req) {
    ctx.classroom.authorize(ctx.participant, 'sendNotification');
    const { notice, recipients } = schoolOf(ctx).sendNotice({
      senderId: ctx.participant.identity,
      audience: req.audience ?? '',
      title: req.title ?? '',
      body: req.body ?? '',
      urgent: req.priority === cosmo.v1.NotificationPriority.NOTIFICATION_PRIORITY_URGENT,
      idempotencyKey: req.idempotencyKey ?? '',
    });
    return { sendNotification: { notificationId: notice.id, recipients } };
  },

  async notificationReceipt(ctx, req) {
    const kind = req.kind === cosmo.v1.ReceiptKind.RECEIPT_KIND_READ ? 'read' : 'delivered';
    await schoolOf(ctx).receipt(ctx.participant.identity, req.notificationId ?? '', kind);
    return OK;
  },

  chatHistory(ctx, req) {
    const messages = schoolOf(ctx).chatHistory(
      ctx.classroom.room,
      ctx.participant.identity,
      req.limit || 50,
      req.beforeSeq || undefined,
    );
    return { chatHistory: { messages: messages.map(chatToProto) } };
  },

  requestLeave(ctx, req) {
    const request = schoolOf(ctx).requestLeave(ctx.participant.identity, {
      classId: req.classId ?? '',
      fromDate: req.fromDate ?? '',
      toDate: req.toDate ?? '',
      reason: req.reason ?? '',
    });
    return { leaveRequest: leaveToProto(request, nameOf(ctx, request.personId)) };
  },

  decideLeave(ctx, req) {
    const decided = schoolOf(ctx).decideLeave(
      ctx.participant.identity,
      req.requestId ?? '',
      Boolean(req.approve),
      req.comment ?? '',
    );
    return { leaveRequest: leaveToProto(decided, nameOf(ctx, decided.personId)) };
  },

  listLeaveRequests(ctx, req) {
    const school = schoolOf(ctx);
    const classId = req.classId ?? '';
    const me = ctx.participant.identity;
    // A person of another school learns nothing of this class (a guest off the roster sees none).
    if (school.repos.roster.person(me) && !school.inSameSchool(me, classId))
      throw new CosmoError(ErrorCode.NOT_FOUND, 'no such class');
    const all = school.repos.leave.forClass(classId);
    // Teachers of the class see every request; students see their own.
    let moderates = true;
    try {
      school.assertModerates(me, classId);
    } catch {
      moderates = false;
    }
    return {
      leaveRequests: {
        requests: all
          .filter((r) => moderates || r.personId === me)
          .map((r) => leaveToProto(r, nameOf(ctx, r.personId))),
      },
    };
  },

  attendanceReport(ctx, req) {
    const school = schoolOf(ctx);
    const lecture = school.repos.roster.lecture(req.lectureId ?? '');
    // Another school's lecture does not exist for this person (nor does its class).
    if (!lecture || !school.inSameSchool(ctx.participant.identity, lecture.classId))
      throw new CosmoError(ErrorCode.NOT_FOUND, 'no such lecture');
    school.assertModerates(ctx.participant.identity, lecture.classId);
    const rows = school.attendance(lecture.id);
    return {
      attendanceReport: {
        lectureId: lecture.id,
        rows: rows.map(attendanceToProto),
        csv: attendanceCsv(rows),
      },
    };
  },
};
