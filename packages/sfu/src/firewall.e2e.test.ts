// A student behind a school firewall, for real: the student's Chromium runs in a network namespace
// whose nftables firewall blocks what such networks block; the server, coturn and the teacher are
// on this host. Needs root (CI has it); skipped with the reason where namespaces cannot be made.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, waitFor, type Browser, type Page } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';
import { coturnUnavailable, startCoturn, type Coturn } from './testing/coturn.js';
import { joinPeer, type Peer } from './testing/peers.js';
import {
  createStudentNetwork,
  namespacesUnavailable,
  type StudentNetwork,
} from './testing/studentNetwork.js';

const bundle = fileURLToPath(
  new URL('../../client/dist-bundle/cosmo-classroom.js', import.meta.url),
);
const unavailable = namespacesUnavailable() ?? coturnUnavailable();
if (unavailable) console.warn(`firewall tests skipped: ${unavailable}`);

/** What the student's media goes over: the selected candidate pair of each peer connection. */
interface Route {
  local: { type: string; protocol: string; relayProtocol?: string };
  remote: { type: string; protocol: string; port: number };
}

// Every RTCPeerConnection the page makes, for getStats.
const RECORD_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
})();`;

async function routes(page: Page): Promise<Route[]> {
  return page.evaluate(async () => {
    const out: Route[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((s) => s['type'] === 'transport');
      const pair = stats.find((s) => s['id'] === transport?.['selectedCandidatePairId']);
      if (!pair) continue;
      const local = stats.find((s) => s['id'] === pair['localCandidateId'])!;
      const remote = stats.find((s) => s['id'] === pair['remoteCandidateId'])!;
      out.push({
        local: {
          type: String(local['candidateType']),
          protocol: String(local['protocol']),
          ...(local['relayProtocol'] ? { relayProtocol: String(local['relayProtocol']) } : {}),
        },
        remote: {
          type: String(remote['candidateType']),
          protocol: String(remote['protocol']),
          port: Number(remote['port']),
        },
      });
    }
    return out;
  });
}

/** Frames the page has decoded from the teacher's video, now. */
const framesDecoded = (page: Page) =>
  page.evaluate(() => {
    const host = document.querySelector('cosmo-classroom');
    const videos: HTMLVideoElement[] = [];
    const walk = (root: Document | ShadowRoot | Element) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLVideoElement) videos.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    if (host) walk(host.shadowRoot ?? host);
    return Math.max(0, ...videos.map((v) => v.getVideoPlaybackQuality().totalVideoFrames));
  });

describe.runIf(!unavailable)('a student behind a firewall', () => {
  let net: StudentNetwork;
  let coturn: Coturn;
  let t: EphemeralServer;
  let pages: Server;
  let teacher: Peer;
  let browser: Browser;

  beforeAll(async () => {
    net = createStudentNetwork();
    coturn = await startCoturn(net.hostIp);
    t = await startEphemeralServer({
      host: net.hostIp,
      listenIp: net.hostIp,
      turn: { secret: coturn.secret, urls: [coturn.urls.udp, coturn.urls.tcp, coturn.urls.tls] },
    });
    const code = readFileSync(bundle);
    // The embedder's page, on the host's side of the link.
    pages = createServer((req, res) => {
      if (req.url === '/cosmo-classroom.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html lang="${url.searchParams.get('lang') ?? 'en'}"><head><meta charset="utf-8">
<script type="module" src="/cosmo-classroom.js"></script>
<style>body{margin:0;height:100vh}cosmo-classroom{height:100%}</style></head>
<body><cosmo-classroom server-url="${t.url}" token="${url.searchParams.get('token')}"></cosmo-classroom></body></html>`);
    });
    await new Promise<void>((r) => pages.listen(0, net.hostIp, r));
    teacher = await joinPeer(t, 'physics', 'ms-tanaka', 'teacher', { autoSubscribe: 'none' });
    await teacher.publishPattern('camera');
    // The test's coturn has a self-signed certificate: trust exactly its key.
    // The page is plain HTTP on a private address: treated as the secure context a school's
    // HTTPS page is (mediasoup-client needs one).
    const origin = `http://${net.hostIp}:${(pages.address() as AddressInfo).port}`;
    browser = await launchChromium(
      [
        `--ignore-certificate-errors-spki-list=${coturn.spki}`,
        `--unsafely-treat-insecure-origin-as-secure=${origin}`,
      ],
      net.chromium,
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await teacher?.close();
    pages?.close();
    await t?.close();
    await coturn?.close();
    net?.close();
  });

  const signalling = () => Number(new URL(t.httpUrl).port);
  const pagePort = () => (pages.address() as AddressInfo).port;

  async function studentPage(identity: string, lang = 'en'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(RECORD_PEER_CONNECTIONS);
    const token = await t.token('physics', identity, 'student');
    await page.goto(`http://${net.hostIp}:${pagePort()}/?token=${token}&lang=${lang}`);
    await page.locator('cosmo-classroom [data-state="connected"]').waitFor();
    return page;
  }

  async function decodesTheTeacher(page: Page): Promise<void> {
    await waitFor(
      'the teacher’s video to be decoded',
      async () => (await framesDecoded(page)) > 30,
      30_000,
    );
    // Media that got through is never said not to.
    expect(await page.locator('cosmo-classroom [data-error="MEDIA_UNREACHABLE"]').count()).toBe(0);
  }

  it('(a) UDP blocked, TCP open but for TURN: media over ICE-TCP to the media port', async () => {
    // With TURN over TCP reachable too, Chromium prefers the relay (case b covers it).
    net.firewall(['tcp dport != { 3478, 443 }']);
    const page = await studentPage('wei');
    await decodesTheTeacher(page);
    const used = await routes(page);
    expect(used.length).toBeGreaterThan(0);
    for (const r of used) {
      // Straight to the server's TCP port (an active TCP candidate is learnt as peer-reflexive).
      expect(r.local.protocol).toBe('tcp');
      expect(r.local.type).not.toBe('relay');
      expect(r.remote).toMatchObject({ type: 'host', protocol: 'tcp' });
    }
    await page.close();
  }, 60_000);

  it('(b) only TCP 443 (and the signalling port) open: media relayed by coturn over TLS', async () => {
    net.firewall([`tcp dport { ${signalling()}, ${pagePort()}, 443 }`]);
    const page = await studentPage('yui');
    await decodesTheTeacher(page);
    const used = await routes(page);
    expect(used.length).toBeGreaterThan(0);
    for (const r of used) {
      expect(r.local.type).toBe('relay');
      expect(r.local.relayProtocol).toBe('tls');
    }
    expect(coturn.log()).toMatch(/TLS/);
    await page.close();
  }, 60_000);

  it('(c) nothing but the signalling port: the element says media cannot get through, chat still works', async () => {
    net.firewall([`tcp dport { ${signalling()}, ${pagePort()} }`]);
    const page = await studentPage('ming', 'zh');
    const banner = page.locator('cosmo-classroom [data-error="MEDIA_UNREACHABLE"]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.innerText()).toMatch(/音频和视频/);
    // Chat goes over the signalling socket.
    const heard: string[] = [];
    teacher.client.on('chat', (m) => heard.push(m.text));
    await page.locator('cosmo-classroom form input[name="text"]').fill('我看不到视频');
    await page.locator('cosmo-classroom form input[name="text"]').press('Enter');
    await waitFor('the teacher to read the chat', () => heard.includes('我看不到视频'));
    const shots = process.env['COSMO_SCREENSHOTS'] ?? '/tmp';
    await page.screenshot({ path: `${shots}/firewall-c-zh-1280.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await banner.waitFor();
    await page.screenshot({ path: `${shots}/firewall-c-zh-390.png` });
    await page.close();
  }, 60_000);
});
