// Debian's Chromium driven by playwright-core, with a fake camera and microphone.
import { chromium, type Browser } from 'playwright-core';

/** Where Debian installs Chromium (scripts/setup.sh installs the package). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export type { Browser, Page } from 'playwright-core';

/**
 * Launches headless Chromium with fake media devices and autoplay allowed; `executablePath` runs
 * another launcher (e.g. one that enters a network namespace first).
 */
export function launchChromium(
  extraArgs: string[] = [],
  executablePath = CHROMIUM,
): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}
