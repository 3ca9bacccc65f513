// Requests about media: transports, producers, consumers, layers.
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
  type MediaSource,
} from '@cosmo/core';
import type { types as ms } from 'mediasoup';
import type { EventBody } from '../Participant.js';
import { publishAction } from '../permissions.js';
import { OK, required, type Handlers } from './context.js';

const pb = cosmo.v1;

/** A media source from the protocol, or INVALID_ARGUMENT. */
export function source(value: number | null | undefined): MediaSource {
  const s = mediaSourceFromProto(value);
  if (!s)
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      'source must be microphone, camera, screen or screen-audio',
    );
  return s;
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

/** Handlers of media requests. */
export const mediaHandlers: Handlers = {
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
    participant.setRtpCapabilities(caps as ms.RtpCapabilities);
    return OK;
  },
};
