// Test helper: Debian's Chromium driven by playwright-core, with a fake camera and microphone.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { startEphemeralServer, type ConfigInput, type EphemeralServer } from '@cosmo/sfu';

/** Where Debian installs Chromium (scripts/setup.sh installs the package). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Launches headless Chromium with fake media devices and autoplay allowed. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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

/** Where tests save screenshots (looked at by people, kept out of git). */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts', import.meta.url));

/** The demo app built from source into a temporary folder, served by a real server, and a browser. */
export async function startDemo(
  config: ConfigInput = {},
  chromiumArgs: string[] = [],
): Promise<{
  server: EphemeralServer;
  browser: Browser;
  close(): Promise<void>;
}> {
  const dist = await mkdtemp(join(tmpdir(), 'cosmo-demo-'));
  const root = fileURLToPath(new URL('..', import.meta.url));
  await build({ root, logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  const server = await startEphemeralServer({ staticDir: dist, ...config });
  const browser = await launchChromium(chromiumArgs);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      await rm(dist, { recursive: true, force: true });
    },
  };
}
