// Test helper: the demo app built from source, served by a real server, and Chromium to drive it.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { startEphemeralServer, type ConfigInput, type EphemeralServer } from '@cosmo/sfu';
import { launchChromium } from '@cosmo/testkit';

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
