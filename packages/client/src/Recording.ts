// Recording a lecture: whether it runs, starting and stopping it, and the class's recordings.
import type { cosmo } from '@cosmo/core';
import type { CosmoClient } from './CosmoClient.js';
import { RecordingsApi } from './RecordingsApi.js';

/** Whether the classroom is being recorded, as everyone in it sees. */
export interface RecordingStateInfo {
  active: boolean;
  /** The lecture's recording ('' when none was started in this classroom). */
  recordingId: string;
  /** Unix ms: when this stretch of recording started (0 when not active). */
  startedAt: number;
  /** Whether the class's students may download the published file. */
  allowDownload: boolean;
  /** Who last started or stopped it. */
  byParticipantId: string;
}

/** Not recording, nothing recorded. */
export const NOT_RECORDING: RecordingStateInfo = Object.freeze({
  active: false,
  recordingId: '',
  startedAt: 0,
  allowDownload: false,
  byParticipantId: '',
});

/** A recording state from its protocol message (absent: not recording). */
export function recordingStateFromProto(
  s: cosmo.v1.RecordingState.$Properties | null | undefined,
): RecordingStateInfo {
  return {
    active: Boolean(s?.active),
    recordingId: s?.recordingId ?? '',
    startedAt: s?.startedAt ?? 0,
    allowDownload: Boolean(s?.allowDownload),
    byParticipantId: s?.byParticipantId ?? '',
  };
}

/** What a Recording needs of its client: the server and token, and the classroom connection. */
export type RecordingHost = Pick<CosmoClient, 'options' | 'request'>;

/**
 * The lecture's recording as one client sees it (`client.recording`): its state, kept current by
 * the join and `recordingChanged`; moderators start and stop it. The class's recordings (list,
 * file URLs, download setting) come from the server's HTTP API.
 */
export class Recording extends RecordingsApi {
  readonly #host: RecordingHost;
  #state: RecordingStateInfo = NOT_RECORDING;

  constructor(host: RecordingHost) {
    // Read at each call: the client sets its options after its fields.
    super(() => host.options);
    this.#host = host;
  }

  /** Whether the classroom is being recorded now, and by whom it was last started or stopped. */
  get state(): RecordingStateInfo {
    return this.#state;
  }

  /**
   * Moderators: starts recording (or goes on with the lecture's recording after a stop); resolves
   * to the new state, as the server answered it.
   */
  async start(options: { allowDownload?: boolean } = {}): Promise<RecordingStateInfo> {
    const res = await this.#host.request('startRecording', {
      allowDownload: Boolean(options.allowDownload),
    });
    return recordingStateFromProto(res.recordingChanged?.state);
  }

  /**
   * Moderators: stops recording (what was recorded is published when the lecture ends); resolves
   * to the new state.
   */
  async stop(): Promise<RecordingStateInfo> {
    const res = await this.#host.request('stopRecording', {});
    return recordingStateFromProto(res.recordingChanged?.state);
  }

  /**
   * @internal The state from a join or a `recordingChanged` event; true when it changed (the
   * client then emits `recordingChanged`).
   */
  setState(state: RecordingStateInfo): boolean {
    const before = this.#state;
    this.#state = state;
    return (Object.keys(state) as (keyof RecordingStateInfo)[]).some((k) => before[k] !== state[k]);
  }
}
