import type { ReactiveController } from 'lit';
import type { CosmoClient } from '../CosmoClient.js';
import type { BreakoutInfo, BreakoutMessageInfo, BreakoutRoomInfo } from '../Breakout.js';
import type { ClassroomController, ClassroomHost } from './classroom.controller.js';

/** The modes the breakout section offers (group mode needs a roster with groups: SDK only). */
export type BreakoutFormMode = 'random' | 'manual' | 'choose';

/** The breakout a moderator is setting up. */
export interface BreakoutDraft {
  rooms: number;
  mode: BreakoutFormMode;
  minutes: number;
  /** Manual mode: identity → room index. */
  assignments: Record<string, number>;
}

/** A new draft: two random rooms for ten minutes. */
export const EMPTY_BREAKOUT: BreakoutDraft = {
  rooms: 2,
  mode: 'random',
  minutes: 10,
  assignments: {},
};

/** How much "+5 min" adds. */
export const EXTEND_SECONDS = 300;

/** "4:05", "1:02:03": the time left until `endsAt`, never below zero. */
export function countdown(endsAt: number, now: number): string {
  const total = Math.max(0, Math.ceil((endsAt - now) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * The element's breakout rooms: the moderator's draft, the countdown's tick, the last message to
 * the rooms, and turning a student's camera and microphone on in a breakout room. Follows each
 * client the classroom controller connects.
 */
export class BreakoutController implements ReactiveController {
  readonly #host: ClassroomHost;
  readonly #room: ClassroomController;
  draft: BreakoutDraft = EMPTY_BREAKOUT;
  /** Whether the moderator unfolded the breakout section (it is always open while one runs). */
  panelOpen = false;

  /** Unfolds or folds the setup form (rendered only while unfolded). */
  setPanelOpen(open: boolean): void {
    if (this.panelOpen === open) return;
    this.panelOpen = open;
    this.#host.requestUpdate();
  }
  /** The moderators' last message to the rooms, until dismissed. */
  message: BreakoutMessageInfo | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  /** Names of everyone seen this session: the rooms list identities, who have left this room. */
  readonly #names = new Map<string, string>();

  constructor(host: ClassroomHost, room: ClassroomController) {
    this.#host = host;
    this.#room = room;
    host.addController(this);
    room.onClient((client) => this.#follow(client));
  }

  hostConnected(): void {
    this.#ticking();
  }

  hostDisconnected(): void {
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /** The running breakout, if any. */
  get breakout(): BreakoutInfo | undefined {
    return this.#room.client?.breakout;
  }

  /** The breakout room this client is in now (undefined in the main room). */
  get current(): BreakoutRoomInfo | undefined {
    const here = this.#room.classroom?.room;
    const breakout = this.breakout;
    if (!breakout || !here || here === breakout.mainRoom) return undefined;
    return breakout.rooms.find((r) => r.id === here);
  }

  /** A person's name, from when they were last seen (their identity if never). */
  nameOf(identity: string): string {
    return this.#names.get(identity) ?? identity;
  }

  editDraft(draft: BreakoutDraft): void {
    this.draft = draft;
    this.#host.requestUpdate();
  }

  /** Moderators: starts the draft's breakout, its rooms named `names`. */
  async start(names: string[]): Promise<void> {
    const { rooms, mode, minutes, assignments } = this.draft;
    await this.#room.run((c) =>
      c.startBreakout({
        rooms,
        mode,
        durationSeconds: Math.round(minutes * 60),
        names,
        ...(mode === 'manual'
          ? {
              assignments: Object.fromEntries(
                Object.entries(assignments).filter(([, i]) => i >= 0 && i < rooms),
              ),
            }
          : {}),
      }),
    );
  }

  async extend(): Promise<void> {
    await this.#room.run((c) => c.extendBreakout(EXTEND_SECONDS));
  }

  /** Moderators: calls everyone back to the main room. */
  async end(): Promise<void> {
    await this.#room.run((c) => c.endBreakout());
  }

  async send(text: string): Promise<void> {
    await this.#room.run((c) => c.breakoutMessage(text));
  }

  async choose(roomId: string): Promise<void> {
    await this.#room.run((c) => c.chooseBreakoutRoom(roomId));
  }

  /** Moderators: goes to a room, or back to the main room with `''`. */
  async visit(roomId: string): Promise<void> {
    await this.#room.run((c) => c.visitBreakoutRoom(roomId));
  }

  dismissMessage(): void {
    this.message = undefined;
    this.#host.requestUpdate();
  }

  #follow(client: CosmoClient): void {
    this.message = undefined;
    const update = () => {
      this.#ticking();
      this.#host.requestUpdate();
    };
    client.on('breakoutStarted', (breakout) => {
      this.#host.emit('cosmo-breakout', { breakout });
      update();
    });
    const remember = () => {
      for (const p of client.participants.values()) this.#names.set(p.identity, p.name);
    };
    client.on('participantJoined', remember);
    client.on('breakoutUpdated', update);
    client.on('breakoutEnded', update);
    client.on('joined', () => {
      remember();
      update();
    });
    client.on('breakoutMessage', (message) => {
      this.message = message;
      this.#host.emit('cosmo-breakout-message', message);
      update();
    });
    client.on('moved', (move) => {
      this.#host.emit('cosmo-moved', move);
      // In a breakout room students talk: the camera and microphone come on where allowed.
      // Back in the main room the SDK has already stopped what that room does not allow.
      if (move.reason === 'breakout') this.#mediaOn(client);
      update();
    });
  }

  /** Publishes the camera and the microphone (the devices chosen before joining) if allowed. */
  #mediaOn(client: CosmoClient): void {
    const self = client.self;
    if (!self || this.#room.self?.role === 'observer') return;
    const allowed = { camera: self.permissions.video, microphone: self.permissions.speak };
    // One after the other: both at once would each open a send transport.
    void this.#room.run(async (c) => {
      for (const kind of ['camera', 'microphone'] as const) {
        if (!allowed[kind] || c.localTracks.has(kind)) continue;
        const deviceId = this.#room.chosen[kind]?.deviceId;
        await (kind === 'camera' ? c.publishCamera(deviceId) : c.publishMicrophone(deviceId));
      }
    });
  }

  /** The countdown re-renders each second while a breakout runs. */
  #ticking(): void {
    const running = Boolean(this.breakout);
    if (running && !this.#tick) this.#tick = setInterval(() => this.#host.requestUpdate(), 1000);
    if (!running && this.#tick) {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
  }
}
