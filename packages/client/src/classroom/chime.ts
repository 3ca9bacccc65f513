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
