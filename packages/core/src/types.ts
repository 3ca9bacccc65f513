import { cosmo } from './gen/proto.js';

/** The protocol version this build speaks; a join with another version is refused. */
export const PROTOCOL_VERSION = 1;

/**
 * A client acknowledges events (`ackEvents`) at least every this many, so the server keeps only
 * the few a resume could still need.
 */
export const EVENT_ACK_INTERVAL = 64;

const pb = cosmo.v1;

/** What a participant is in a classroom; decides what they may do. */
export type Role = 'teacher' | 'assistant' | 'student' | 'observer';

/** Every role, most privileged first. */
export const ROLES: readonly Role[] = ['teacher', 'assistant', 'student', 'observer'];

const roleToWire: Record<Role, cosmo.v1.Role> = {
  teacher: pb.Role.ROLE_TEACHER,
  assistant: pb.Role.ROLE_ASSISTANT,
  student: pb.Role.ROLE_STUDENT,
  observer: pb.Role.ROLE_OBSERVER,
};

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(roleToWire, value);
}

/** Whether `role` moderates a classroom (teachers and assistants). */
export function isModerator(role: unknown): boolean {
  return role === 'teacher' || role === 'assistant';
}

/** The protocol enum of a role. */
export function roleToProto(role: Role): cosmo.v1.Role {
  return roleToWire[role];
}

/** The role of a protocol enum value, or `undefined` for unspecified or unknown values. */
export function roleFromProto(value: number | null | undefined): Role | undefined {
  return ROLES.find((r) => roleToWire[r] === value);
}

/** Where a leave request stands. */
export type LeaveStatus = 'pending' | 'approved' | 'rejected';

const leaveStatusToWire: Record<LeaveStatus, cosmo.v1.LeaveStatus> = {
  pending: pb.LeaveStatus.LEAVE_STATUS_PENDING,
  approved: pb.LeaveStatus.LEAVE_STATUS_APPROVED,
  rejected: pb.LeaveStatus.LEAVE_STATUS_REJECTED,
};

/** The protocol enum of a leave status. */
export function leaveStatusToProto(status: LeaveStatus): cosmo.v1.LeaveStatus {
  return leaveStatusToWire[status];
}

/** The leave status of a protocol enum value (`pending` for unspecified or unknown values). */
export function leaveStatusFromProto(value: number | null | undefined): LeaveStatus {
  return (
    (Object.keys(leaveStatusToWire) as LeaveStatus[]).find((s) => leaveStatusToWire[s] === value) ??
    'pending'
  );
}

/** Audio or video. */
export type MediaKind = 'audio' | 'video';

/** The protocol enum of a media kind. */
export function mediaKindToProto(kind: MediaKind): cosmo.v1.MediaKind {
  return kind === 'audio' ? pb.MediaKind.MEDIA_KIND_AUDIO : pb.MediaKind.MEDIA_KIND_VIDEO;
}

/** The media kind of a protocol enum value, or `undefined` when unspecified or unknown. */
export function mediaKindFromProto(value: number | null | undefined): MediaKind | undefined {
  if (value === pb.MediaKind.MEDIA_KIND_AUDIO) return 'audio';
  if (value === pb.MediaKind.MEDIA_KIND_VIDEO) return 'video';
  return undefined;
}

/** What a producer carries, which decides its place in the layout. */
export type MediaSource = 'microphone' | 'camera' | 'screen' | 'screen-audio';

const sourceToWire: Record<MediaSource, cosmo.v1.MediaSource> = {
  microphone: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
  camera: pb.MediaSource.MEDIA_SOURCE_CAMERA,
  screen: pb.MediaSource.MEDIA_SOURCE_SCREEN,
  'screen-audio': pb.MediaSource.MEDIA_SOURCE_SCREEN_AUDIO,
};

/** The protocol enum of a media source. */
export function mediaSourceToProto(source: MediaSource): cosmo.v1.MediaSource {
  return sourceToWire[source];
}

/** The media source of a protocol enum value, or `undefined` when unspecified or unknown. */
export function mediaSourceFromProto(value: number | null | undefined): MediaSource | undefined {
  return (Object.keys(sourceToWire) as MediaSource[]).find((s) => sourceToWire[s] === value);
}

/** Rights a moderator grants or revokes per participant. */
export interface Permissions {
  speak: boolean;
  video: boolean;
  screen: boolean;
  chat: boolean;
  /** Drawing on the shared board. */
  draw: boolean;
}

/** A producer (published track) as every client sees it. */
export interface ProducerSummary {
  id: string;
  participantId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
  /** Simulcast layers (1 when not simulcast). */
  layers: number;
}

/** A participant as every client sees them. */
export interface ParticipantSummary {
  id: string;
  identity: string;
  name: string;
  role: Role;
  permissions: Permissions;
  handRaised: boolean;
  /** Unix time in milliseconds. */
  joinedAt: number;
  producers: ProducerSummary[];
  /** Language the participant reads captions in, empty when off. */
  captionLanguage: string;
}

/** The classroom's shared state. */
export interface ClassroomSummary {
  room: string;
  title: string;
  locked: boolean;
  lectureMode: boolean;
  startedAt: number;
  ended: boolean;
  /** The school class, when the room belongs to one. */
  classId: string;
  /** The scheduled lecture, when the room is one. */
  lectureId: string;
  /** Languages captions can be read in (the spoken one first); empty when captions are off. */
  captionLanguages: string[];
}

/** A producer from its protocol message. */
export function producerFromProto(m: cosmo.v1.ProducerInfo.$Properties): ProducerSummary {
  return {
    id: m.id ?? '',
    participantId: m.participantId ?? '',
    kind: mediaKindFromProto(m.kind) ?? 'audio',
    source: mediaSourceFromProto(m.source) ?? 'microphone',
    paused: Boolean(m.paused),
    layers: m.layers || 1,
  };
}

/** A participant from its protocol message. */
export function participantFromProto(m: cosmo.v1.ParticipantInfo.$Properties): ParticipantSummary {
  const p = m.permissions ?? {};
  return {
    id: m.id ?? '',
    identity: m.identity ?? '',
    name: m.name ?? '',
    role: roleFromProto(m.role) ?? 'observer',
    permissions: permissionsFromProto(p),
    handRaised: Boolean(m.handRaised),
    joinedAt: m.joinedAt ?? 0,
    producers: (m.producers ?? []).map(producerFromProto),
    captionLanguage: m.captionLanguage ?? '',
  };
}

/** Classroom state from its protocol message. */
export function classroomFromProto(m: cosmo.v1.ClassroomState.$Properties): ClassroomSummary {
  return {
    room: m.room ?? '',
    title: m.title ?? '',
    locked: Boolean(m.locked),
    lectureMode: Boolean(m.lectureMode),
    startedAt: m.startedAt ?? 0,
    ended: Boolean(m.ended),
    classId: m.classId ?? '',
    lectureId: m.lectureId ?? '',
    captionLanguages: [...(m.captionLanguages ?? [])],
  };
}

/** Rights from their wire form (a missing one is not granted). */
export function permissionsFromProto(
  p: cosmo.v1.Permissions.$Properties | null | undefined,
): Permissions {
  return {
    speak: Boolean(p?.speak),
    video: Boolean(p?.video),
    screen: Boolean(p?.screen),
    chat: Boolean(p?.chat),
    draw: Boolean(p?.draw),
  };
}
