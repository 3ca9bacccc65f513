import type { ChatMessage } from '../wire.js';
import type { PollInfo } from '../Polls.js';
import type { BreakoutInfo, BreakoutMessageInfo } from '../Breakout.js';
import type { RecordingStateInfo } from '../Recording.js';
import type { Notice } from './classroom.controller.js';
import { CosmoClassroom } from './cosmo-classroom.component.js';

export { CosmoClassroom };
export type { Notice } from './classroom.controller.js';

if (!customElements.get('cosmo-classroom'))
  customElements.define('cosmo-classroom', CosmoClassroom);

declare global {
  interface HTMLElementTagNameMap {
    'cosmo-classroom': CosmoClassroom;
  }
  interface GlobalEventHandlersEventMap {
    'cosmo-prejoin-ready': CustomEvent<{
      camera: { on: boolean; deviceId: string | undefined };
      microphone: { on: boolean; deviceId: string | undefined };
    }>;
    'cosmo-joined': CustomEvent<{ participantId: string; role: string; room: string }>;
    'cosmo-left': CustomEvent<{ reason: string }>;
    'cosmo-error': CustomEvent<{
      code: string;
      message: string;
      reason?: string;
      params?: Record<string, string>;
    }>;
    'cosmo-state-change': CustomEvent<{ state: string }>;
    'cosmo-chat': CustomEvent<{ message: ChatMessage }>;
    'cosmo-notification': CustomEvent<{ notice: Notice }>;
    'cosmo-waiting': CustomEvent<Record<string, never>>;
    'cosmo-poll-started': CustomEvent<{ poll: PollInfo }>;
    'cosmo-breakout': CustomEvent<{ breakout: BreakoutInfo }>;
    'cosmo-breakout-message': CustomEvent<BreakoutMessageInfo>;
    'cosmo-recording': CustomEvent<{ state: RecordingStateInfo }>;
    'cosmo-moved': CustomEvent<{ room: string; roomName: string; reason: string }>;
  }
}
