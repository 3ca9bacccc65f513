// Conversions between the protocol's WebRTC messages and mediasoup's ORTC objects (the shapes
// mediasoup and mediasoup-client take and return). The types here are structural copies of
// mediasoup's, so core depends on neither.
import type { cosmo } from './gen/proto.js';
import { ProtocolError } from './errors.js';
import { mediaKindFromProto, mediaKindToProto, type MediaKind } from './types.js';

type P<T> = T | null | undefined;

/** Codec or header-extension parameters; values keep their JSON type. */
export type RtcParams = Record<string, string | number>;

/** mediasoup's RtcpFeedback. */
export interface RtcpFeedback {
  type: string;
  parameter?: string;
}

/** mediasoup's RtpCodecCapability. */
export interface RtpCodecCapability {
  kind: MediaKind;
  mimeType: string;
  preferredPayloadType?: number;
  clockRate: number;
  channels?: number;
  parameters?: RtcParams;
  rtcpFeedback?: RtcpFeedback[];
}

/** mediasoup's RtpHeaderExtension (capability). */
export interface RtpHeaderExtension {
  kind: MediaKind;
  uri: string;
  preferredId: number;
  preferredEncrypt?: boolean;
  direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** mediasoup's RtpCapabilities. */
export interface RtpCapabilities {
  codecs?: RtpCodecCapability[];
  headerExtensions?: RtpHeaderExtension[];
}

/** mediasoup's RtpCodecParameters. */
export interface RtpCodecParameters {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters?: RtcParams;
  rtcpFeedback?: RtcpFeedback[];
}

/** mediasoup's RtpHeaderExtensionParameters. */
export interface RtpHeaderExtensionParameters {
  uri: string;
  id: number;
  encrypt?: boolean;
  parameters?: RtcParams;
}

/** mediasoup's RtpEncodingParameters. */
export interface RtpEncodingParameters {
  ssrc?: number;
  rid?: string;
  codecPayloadType?: number;
  rtx?: { ssrc: number };
  dtx?: boolean;
  scalabilityMode?: string;
  scaleResolutionDownBy?: number;
  maxBitrate?: number;
  maxFramerate?: number;
  adaptivePtime?: boolean;
  priority?: string;
  networkPriority?: string;
  active?: boolean;
}

/** mediasoup's RtcpParameters. */
export interface RtcpParameters {
  cname?: string;
  reducedSize?: boolean;
  mux?: boolean;
}

/** mediasoup's RtpParameters. */
export interface RtpParameters {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions?: RtpHeaderExtensionParameters[];
  encodings?: RtpEncodingParameters[];
  rtcp?: RtcpParameters;
}

/** mediasoup's IceParameters. */
export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

/** mediasoup's IceCandidate. */
export interface IceCandidate {
  foundation: string;
  priority: number;
  ip: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  tcpType?: 'passive';
}

/** mediasoup's DtlsParameters. */
export interface DtlsParameters {
  role?: 'auto' | 'client' | 'server';
  fingerprints: { algorithm: string; value: string }[];
}

/** mediasoup's SctpCapabilities. */
export interface SctpCapabilities {
  numStreams: { OS: number; MIS: number };
}

/** mediasoup's SctpParameters. */
export interface SctpParameters {
  port: number;
  OS: number;
  MIS: number;
  maxMessageSize: number;
}

/** Drops keys whose value is null or undefined, so mediasoup's validators see absent fields. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] == null) delete o[k];
  return o;
}

const opt = <T>(v: P<T>): T | undefined => (v == null ? undefined : v);

function kindFrom(value: P<number>): MediaKind {
  const kind = mediaKindFromProto(value);
  if (!kind) throw new ProtocolError('media kind must be audio or video');
  return kind;
}

function paramsTo(p: RtcParams | undefined): Record<string, cosmo.v1.ParamValue.$Properties> {
  const out: Record<string, cosmo.v1.ParamValue.$Properties> = {};
  for (const [k, v] of Object.entries(p ?? {})) {
    out[k] = typeof v === 'number' ? { number: v } : { text: String(v) };
  }
  return out;
}

function paramsFrom(m: P<Record<string, cosmo.v1.ParamValue.$Properties>>): RtcParams {
  const out: RtcParams = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k] = v.number ?? v.text ?? '';
  return out;
}

const feedbackTo = (f: RtcpFeedback[] | undefined) =>
  (f ?? []).map((x) => ({ type: x.type, parameter: x.parameter ?? '' }));
const feedbackFrom = (f: P<cosmo.v1.RtcpFeedback.$Properties[]>): RtcpFeedback[] =>
  (f ?? []).map((x) => ({ type: x.type ?? '', parameter: x.parameter ?? '' }));

/** RTP capabilities to their protocol message. */
export function rtpCapabilitiesToProto(
  caps: RtpCapabilities,
): cosmo.v1.RtpCapabilities.$Properties {
  return {
    codecs: (caps.codecs ?? []).map((c) => ({
      kind: mediaKindToProto(c.kind),
      mimeType: c.mimeType,
      preferredPayloadType: opt(c.preferredPayloadType),
      clockRate: c.clockRate,
      channels: opt(c.channels),
      parameters: paramsTo(c.parameters),
      rtcpFeedback: feedbackTo(c.rtcpFeedback),
    })),
    headerExtensions: (caps.headerExtensions ?? []).map((h) => ({
      kind: mediaKindToProto(h.kind),
      uri: h.uri,
      preferredId: h.preferredId,
      preferredEncrypt: opt(h.preferredEncrypt),
      direction: opt(h.direction),
    })),
  };
}

/** A protocol message to RTP capabilities; throws ProtocolError on an unknown media kind. */
export function rtpCapabilitiesFromProto(m: cosmo.v1.RtpCapabilities.$Properties): RtpCapabilities {
  return {
    codecs: (m.codecs ?? []).map((c) =>
      compact<RtpCodecCapability>({
        kind: kindFrom(c.kind),
        mimeType: c.mimeType ?? '',
        preferredPayloadType: opt(c.preferredPayloadType),
        clockRate: c.clockRate ?? 0,
        channels: opt(c.channels),
        parameters: paramsFrom(c.parameters),
        rtcpFeedback: feedbackFrom(c.rtcpFeedback),
      }),
    ),
    headerExtensions: (m.headerExtensions ?? []).map((h) =>
      compact<RtpHeaderExtension>({
        kind: kindFrom(h.kind),
        uri: h.uri ?? '',
        preferredId: h.preferredId ?? 0,
        preferredEncrypt: opt(h.preferredEncrypt),
        direction: opt(h.direction) as RtpHeaderExtension['direction'],
      }),
    ),
  };
}

/** RTP parameters to their protocol message. */
export function rtpParametersToProto(p: RtpParameters): cosmo.v1.RtpParameters.$Properties {
  return {
    mid: opt(p.mid),
    codecs: p.codecs.map((c) => ({
      mimeType: c.mimeType,
      payloadType: c.payloadType,
      clockRate: c.clockRate,
      channels: opt(c.channels),
      parameters: paramsTo(c.parameters),
      rtcpFeedback: feedbackTo(c.rtcpFeedback),
    })),
    headerExtensions: (p.headerExtensions ?? []).map((h) => ({
      uri: h.uri,
      id: h.id,
      encrypt: opt(h.encrypt),
      parameters: paramsTo(h.parameters),
    })),
    encodings: (p.encodings ?? []).map((e) => ({ ...e })),
    rtcp: p.rtcp ? { ...p.rtcp } : undefined,
  };
}

/** A protocol message to RTP parameters. */
export function rtpParametersFromProto(m: cosmo.v1.RtpParameters.$Properties): RtpParameters {
  return compact<RtpParameters>({
    mid: opt(m.mid),
    codecs: (m.codecs ?? []).map((c) =>
      compact<RtpCodecParameters>({
        mimeType: c.mimeType ?? '',
        payloadType: c.payloadType ?? 0,
        clockRate: c.clockRate ?? 0,
        channels: opt(c.channels),
        parameters: paramsFrom(c.parameters),
        rtcpFeedback: feedbackFrom(c.rtcpFeedback),
      }),
    ),
    headerExtensions: (m.headerExtensions ?? []).map((h) =>
      compact<RtpHeaderExtensionParameters>({
        uri: h.uri ?? '',
        id: h.id ?? 0,
        encrypt: opt(h.encrypt),
        parameters: paramsFrom(h.parameters),
      }),
    ),
    encodings: (m.encodings ?? []).map((e) =>
      compact<RtpEncodingParameters>({
        ssrc: opt(e.ssrc),
        rid: opt(e.rid),
        codecPayloadType: opt(e.codecPayloadType),
        rtx: e.rtx ? { ssrc: e.rtx.ssrc ?? 0 } : undefined,
        dtx: opt(e.dtx),
        scalabilityMode: opt(e.scalabilityMode),
        scaleResolutionDownBy: opt(e.scaleResolutionDownBy),
        maxBitrate: opt(e.maxBitrate),
        maxFramerate: opt(e.maxFramerate),
        adaptivePtime: opt(e.adaptivePtime),
        priority: opt(e.priority),
        networkPriority: opt(e.networkPriority),
        active: opt(e.active),
      }),
    ),
    rtcp: m.rtcp
      ? compact<RtcpParameters>({
          cname: opt(m.rtcp.cname),
          reducedSize: opt(m.rtcp.reducedSize),
          mux: opt(m.rtcp.mux),
        })
      : undefined,
  });
}

/** DTLS parameters to their protocol message. */
export function dtlsParametersToProto(d: DtlsParameters): cosmo.v1.DtlsParameters.$Properties {
  return { role: opt(d.role), fingerprints: d.fingerprints.map((f) => ({ ...f })) };
}

/** A protocol message to DTLS parameters. */
export function dtlsParametersFromProto(m: cosmo.v1.DtlsParameters.$Properties): DtlsParameters {
  return compact<DtlsParameters>({
    role: opt(m.role) as DtlsParameters['role'],
    fingerprints: (m.fingerprints ?? []).map((f) => ({
      algorithm: f.algorithm ?? '',
      value: f.value ?? '',
    })),
  });
}

/** ICE parameters to their protocol message. */
export function iceParametersToProto(i: IceParameters): cosmo.v1.IceParameters.$Properties {
  return { usernameFragment: i.usernameFragment, password: i.password, iceLite: opt(i.iceLite) };
}

/** A protocol message to ICE parameters. */
export function iceParametersFromProto(m: cosmo.v1.IceParameters.$Properties): IceParameters {
  return compact<IceParameters>({
    usernameFragment: m.usernameFragment ?? '',
    password: m.password ?? '',
    iceLite: opt(m.iceLite),
  });
}

/** ICE candidates to their protocol messages. */
export function iceCandidatesToProto(c: IceCandidate[]): cosmo.v1.IceCandidate.$Properties[] {
  return c.map((x) => ({ ...x, tcpType: opt(x.tcpType) }));
}

/** Protocol messages to ICE candidates. */
export function iceCandidatesFromProto(m: P<cosmo.v1.IceCandidate.$Properties[]>): IceCandidate[] {
  return (m ?? []).map((x) =>
    compact<IceCandidate>({
      foundation: x.foundation ?? '',
      priority: x.priority ?? 0,
      ip: x.ip ?? '',
      protocol: (x.protocol ?? 'udp') as IceCandidate['protocol'],
      port: x.port ?? 0,
      type: (x.type ?? 'host') as IceCandidate['type'],
      tcpType: opt(x.tcpType) as IceCandidate['tcpType'],
    }),
  );
}

/** SCTP capabilities to their protocol message. */
export function sctpCapabilitiesToProto(
  s: SctpCapabilities,
): cosmo.v1.SctpCapabilities.$Properties {
  return { numStreamsOs: s.numStreams.OS, numStreamsMis: s.numStreams.MIS };
}

/** A protocol message to SCTP capabilities. */
export function sctpCapabilitiesFromProto(
  m: cosmo.v1.SctpCapabilities.$Properties,
): SctpCapabilities {
  return { numStreams: { OS: m.numStreamsOs ?? 0, MIS: m.numStreamsMis ?? 0 } };
}

/** SCTP parameters to their protocol message. */
export function sctpParametersToProto(s: SctpParameters): cosmo.v1.SctpParameters.$Properties {
  return { port: s.port, os: s.OS, mis: s.MIS, maxMessageSize: s.maxMessageSize };
}

/** A protocol message to SCTP parameters. */
export function sctpParametersFromProto(m: cosmo.v1.SctpParameters.$Properties): SctpParameters {
  return {
    port: m.port ?? 0,
    OS: m.os ?? 0,
    MIS: m.mis ?? 0,
    maxMessageSize: m.maxMessageSize ?? 0,
  };
}
