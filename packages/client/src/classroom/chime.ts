/**
 * A short two-note chime for the teacher when a hand goes up: synthesised with Web Audio, so the
 * element ships no sound file. Silent where Web Audio is missing or not yet allowed by the page.
 */
let context: AudioContext | undefined;

/** Plays the raised-hand chime once. */
export function playChime(): void {
  try {
    const Ctx = globalThis.AudioContext;
    if (!Ctx) return;
    context ??= new Ctx();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const start = ctx.currentTime;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.45);
    for (const [i, freq] of [660, 880].entries()) {
      const osc = ctx.createOscillator();
      osc.type = 'sine';
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(start + i * 0.12);
      osc.stop(start + 0.45);
    }
  } catch {
    // No audio is no reason to fail a raised hand.
  }
}

/**
 * Two soft knocks for the teacher when someone arrives in the waiting room (lower and shorter
 * than the hand chime, so the two are told apart without looking).
 */
export function playKnock(): void {
  try {
    const Ctx = globalThis.AudioContext;
    if (!Ctx) return;
    context ??= new Ctx();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    for (const at of [0, 0.16]) {
      const start = ctx.currentTime + at;
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.005);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.12);
      const osc = ctx.createOscillator();
      osc.type = 'triangle';
      osc.frequency.setValueAtTime(180, start);
      osc.frequency.exponentialRampToValueAtTime(90, start + 0.1);
      osc.connect(gain);
      osc.start(start);
      osc.stop(start + 0.13);
    }
  } catch {
    // No audio is no reason to fail an arrival.
  }
}
