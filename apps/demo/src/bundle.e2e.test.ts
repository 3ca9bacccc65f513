import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@cosmo/sfu';
import { launchChromium, waitFor } from '@cosmo/testkit';

const client = fileURLToPath(new URL('../../../packages/client/', import.meta.url));

describe('the standalone bundle', () => {
  let server: EphemeralServer;
  let page: Server;
  let browser: Browser;

  beforeAll(async () => {
    await build({ root: client, configFile: `${client}vite.bundle.config.ts`, logLevel: 'error' });
    const bundle = readFileSync(`${client}dist-bundle/cosmo-classroom.js`);
    server = await startEphemeralServer();
    // The embedder's page, on another origin than the Cosmo server.
    page = createServer((req, res) => {
      if (req.url === '/cosmo-classroom.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
        return;
      }
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<script type="module" src="/cosmo-classroom.js"></script>
<style>body{margin:0;height:100vh}cosmo-classroom{height:100%}</style></head>
<body><cosmo-classroom server-url="${server.url}" token="${token}"></cosmo-classroom></body></html>`);
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    page?.close();
    await server?.close();
  });

  it('is minified, joins a class from another origin and sends video', async () => {
    const code = readFileSync(`${client}dist-bundle/cosmo-classroom.js`, 'utf8');
    // Minified: no indented code lines (the newlines left are inside CSS and HTML templates).
    expect(code).not.toMatch(/\n\t+(const|let|var|return|if) /);
    expect(code.length / code.split('\n').length).toBeGreaterThan(400);
    const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    const port = (page.address() as AddressInfo).port;
    const token = await server.token('bundle', 'tanaka', 'teacher');
    await tab.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await tab.locator('cosmo-classroom [data-state="connected"]').waitFor();
    expect(await tab.locator('cosmo-classroom [data-state]').innerText()).toBe('授業中');
    await tab.locator('cosmo-classroom [data-action="camera"]').click();
    await waitFor('the camera to be published', async () =>
      [...(server.server.classrooms.get('bundle')?.participants.values() ?? [])].some(
        (p) => p.producers.size > 0,
      ),
    );
    expect(errors).toEqual([]);
  }, 60_000);
});
