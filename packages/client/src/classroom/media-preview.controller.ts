import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { captureCamera, captureMicrophone } from '../capture.js';

/** A device the pre-join screen previews. */
export type DeviceKind = 'camera' | 'microphone';

/** Why a device could not be opened: blocked by the browser, absent, or held by another app. */
export type DeviceProblem = 'denied' | 'missing' | 'busy';

/** One device's state on the pre-join screen, and the person's choice for the class. */
export interface DeviceChoice {
  /** Whether the person wants it on in the class. */
  on: boolean;
  deviceId: string | undefined;
  /** The open track (previewed, then handed to the classroom to publish). */
  track: MediaStreamTrack | undefined;
  problem: DeviceProblem | undefined;
}

const STORE = 'cosmo-classroom:devices';

/**
 * Opens the camera and microphone before joining: a preview track for each, the devices to
 * choose from (named once the browser allows them), and the microphone's level. `take()` hands
 * the open tracks and the choice to the classroom, so joining does not open the devices twice.
 */
export class MediaPreviewController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly camera: DeviceChoice;
  readonly microphone: DeviceChoice;
  devices: MediaDeviceInfo[] = [];
  /** The microphone's level, 0 to 1. */
  level = 0;
  #active = false;
  #audio: AudioContext | undefined;
  #meter: ReturnType<typeof setInterval> | undefined;
  /** The latest opening of each kind: an earlier one still in flight gives way to it. */
  readonly #opening = { camera: 0, microphone: 0 };

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
    // The last choice on this site: the same camera, and off stays off.
    let saved: Partial<Record<DeviceKind, { on: boolean; id?: string }>> = {};
    try {
      saved = JSON.parse(localStorage.getItem(STORE) ?? '{}') as typeof saved;
    } catch {
      // Storage may be off (a sandboxed frame): start from the defaults.
    }
    const choice = (kind: DeviceKind): DeviceChoice => ({
      on: saved[kind]?.on ?? true,
      deviceId: saved[kind]?.id,
      track: undefined,
      problem: undefined,
    });
    this.camera = choice('camera');
    this.microphone = choice('microphone');
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Opens the chosen devices (no-op while already previewing). */
  async start(): Promise<void> {
    if (this.#active) return;
    this.#active = true;
    navigator.mediaDevices?.addEventListener('devicechange', this.#listDevices);
    await Promise.all([this.#open('camera'), this.#open('microphone')]);
  }

  /** Turns a device on or off for the class (and its preview). */
  toggle(kind: DeviceKind): Promise<void> {
    this[kind].on = !this[kind].on;
    return this.#open(kind);
  }

  /** Picks another camera or microphone. */
  choose(kind: DeviceKind, deviceId: string): Promise<void> {
    this[kind].deviceId = deviceId;
    this[kind].on = true;
    return this.#open(kind);
  }

  /** Tries the devices that failed again (after the person allowed them or plugged one in). */
  async retry(): Promise<void> {
    await Promise.all(
      (['camera', 'microphone'] as const).filter((k) => this[k].problem).map((k) => this.#open(k)),
    );
  }

  /** Hands the open tracks and the choice over (the preview stops; the tracks do not). */
  take(): Record<DeviceKind, DeviceChoice> {
    const taken = { camera: { ...this.camera }, microphone: { ...this.microphone } };
    for (const kind of ['camera', 'microphone'] as const) {
      // A blocked or missing device is left off; one still opening is opened again to publish.
      taken[kind].on &&= !taken[kind].problem;
      this[kind].track = undefined;
    }
    this.stop();
    return taken;
  }

  /** Stops the preview and closes every device it still holds. */
  stop(): void {
    this.#active = false;
    navigator.mediaDevices?.removeEventListener('devicechange', this.#listDevices);
    this.#stopMeter();
    for (const kind of ['camera', 'microphone'] as const) {
      this[kind].track?.stop();
      this[kind].track = undefined;
    }
  }

  async #open(kind: DeviceKind): Promise<void> {
    const state = this[kind];
    const ticket = ++this.#opening[kind];
    state.track?.stop();
    state.track = undefined;
    state.problem = undefined;
    if (kind === 'microphone') this.#stopMeter();
    this.#save();
    this.#host.requestUpdate();
    if (!state.on || !this.#active) return;
    try {
      const capture = kind === 'camera' ? captureCamera : captureMicrophone;
      // A remembered device unplugged since: the default one instead (a second failure is real).
      const track = await capture(state.deviceId).catch((err: unknown) => {
        if (state.deviceId) return capture();
        throw err;
      });
      // Turned off, switched, or joined meanwhile: this track is no longer wanted.
      if (!state.on || !this.#active || ticket !== this.#opening[kind]) {
        track.stop();
        return;
      }
      state.track = track;
      state.deviceId = track.getSettings().deviceId ?? state.deviceId;
      if (kind === 'microphone') this.#startMeter(track);
    } catch (err) {
      if (ticket !== this.#opening[kind]) return;
      const name = (err as Error).name;
      state.problem =
        name === 'NotAllowedError' || name === 'SecurityError' || !navigator.mediaDevices
          ? 'denied'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? 'missing'
            : 'busy';
    }
    await this.#listDevices();
  }

  /** The devices, with their names once the browser allowed one of each kind. */
  readonly #listDevices = async (): Promise<void> => {
    this.devices = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    this.#save();
    this.#host.requestUpdate();
  };

  #save(): void {
    const of = (c: DeviceChoice) => ({ on: c.on, id: c.deviceId });
    try {
      localStorage.setItem(
        STORE,
        JSON.stringify({ camera: of(this.camera), microphone: of(this.microphone) }),
      );
    } catch {
      // Not kept: the next visit starts from the defaults.
    }
  }

  #startMeter(track: MediaStreamTrack): void {
    const audio = (this.#audio ??= new AudioContext());
    void audio.resume().catch(() => undefined);
    const analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#meter = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      // In decibels (-60 dB to 0 dB), as ears hear; falling slowly, as a needle does.
      const db = Math.min(1, Math.max(0, 1 + Math.log10(peak || 1e-9) / 3));
      const level = Math.max(db, this.level * 0.7);
      if (Math.abs(level - this.level) > 0.01) {
        this.level = level;
        this.#host.requestUpdate();
      }
    }, 100);
  }

  #stopMeter(): void {
    clearInterval(this.#meter);
    this.#meter = undefined;
    void this.#audio?.close().catch(() => undefined);
    this.#audio = undefined;
    this.level = 0;
  }
}
