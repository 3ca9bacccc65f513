import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { toCosmoError } from '@cosmo/core';
import type { DoctorCheck } from '@cosmo/translate';
import type { Config } from './config.js';
import { mediaAddressWarnings } from './mediaAddress.js';
import { RENEW_WITHIN_DAYS, certificateValidity, checkTlsFiles } from './transports/tlsFiles.js';
import { turnCredentials } from './turn.js';

const LOCAL_ANY = new Set(['0.0.0.0', '::']);

/** Whether `ip` is one of this machine's addresses. */
function isLocalAddress(ip: string): boolean {
  if (LOCAL_ANY.has(ip)) return true;
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((i) => i.address === ip),
  );
}

/** Whether UDP and TCP `port` can be bound on `ip` now (a running server holds them). */
async function bindable(ip: string, port: number): Promise<string | undefined> {
  const tcp = await new Promise<string | undefined>((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(`TCP ${port}: ${e.code}`));
    s.listen(port, ip, () => s.close(() => resolve(undefined)));
  });
  if (tcp) return tcp;
  return new Promise((resolve) => {
    const s = createSocket(ip.includes(':') ? 'udp6' : 'udp4');
    s.once('error', (e: NodeJS.ErrnoException) => (s.close(), resolve(`UDP ${port}: ${e.code}`)));
    s.bind(port, ip, () => s.close(() => resolve(undefined)));
  });
}

/** The part of a WebRTC peer connection the TURN check uses (the server's build has no DOM types). */
interface GatheringPeer {
  onicecandidate: ((e: { candidate: { candidate: string } | null }) => void) | null;
  onicecandidateerror: ((e: { errorCode: number; errorText: string }) => void) | null;
  onicegatheringstatechange: (() => void) | null;
  readonly iceGatheringState: string;
  createDataChannel(label: string): unknown;
  createOffer(): Promise<unknown>;
  setLocalDescription(offer: unknown): Promise<void>;
  close(): void;
}

/**
 * Asks a TURN server for a relay allocation with credentials minted as the server mints them, from
 * a real WebRTC stack (@roamhq/wrtc): a relay candidate means the TURN route works end to end.
 */
async function allocate(
  turn: NonNullable<Config['turn']>,
  url: string,
  timeoutMs: number,
): Promise<{ relay: boolean; errors: string[] }> {
  const wrtc = (await import('@roamhq/wrtc')).default as unknown as {
    RTCPeerConnection: new (config: {
      iceServers: { urls: string; username: string; credential: string }[];
      iceTransportPolicy: 'relay';
    }) => GatheringPeer;
  };
  const { username, credential } = turnCredentials(turn, 'cosmo-doctor');
  const pc = new wrtc.RTCPeerConnection({
    iceServers: [{ urls: url, username, credential }],
    iceTransportPolicy: 'relay',
  });
  const errors: string[] = [];
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ relay: false, errors }), timeoutMs);
      pc.onicecandidate = (e) => {
        if (e.candidate && / typ relay /.test(e.candidate.candidate)) {
          clearTimeout(timer);
          resolve({ relay: true, errors });
        }
      };
      (
        pc as unknown as {
          onicecandidateerror: (e: { errorCode: number; errorText: string }) => void;
        }
      ).onicecandidateerror = (e) => {
        if (e.errorCode !== 701 || e.errorText) errors.push(`${e.errorCode} ${e.errorText}`.trim());
      };
      pc.onicegatheringstatechange = () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve({ relay: false, errors });
        }
      };
      pc.createDataChannel('doctor');
      void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
    });
  } finally {
    pc.close();
  }
}

/** The TURN check of one url: a relay allocation, or why not, naming the server. */
async function turnCheck(turn: NonNullable<Config['turn']>, url: string): Promise<DoctorCheck> {
  const name = `TURN ${url.replace(/\?.*/, '')}${/transport=(\w+)/.exec(url)?.[0].replace('transport=', ' ') ?? ''}`;
  try {
    const { relay, errors } = await allocate(turn, url, 8000);
    if (relay)
      return { name, ok: true, detail: `allocated a relay with minted credentials (${url})` };
    if (errors.some((e) => e.startsWith('401'))) {
      return {
        name,
        ok: false,
        detail: `${url} refused the credentials (401 Unauthorized): turn.secret is not its static-auth-secret`,
      };
    }
    return {
      name,
      ok: false,
      detail: `no relay from ${url}: ${errors[0] ?? 'no answer'} (not running, blocked, or for turns: a certificate this machine does not trust)`,
    };
  } catch (err) {
    return { name, ok: false, detail: `${url}: ${toCosmoError(err).message}` };
  }
}

/**
 * What `cosmo doctor` says of the deployment: where media listens and is announced, whether its
 * ports are free, the TLS certificate, and a real allocation on each configured TURN url.
 */
export async function deploymentChecks(config: Config): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const warnings = mediaAddressWarnings(config);
  checks.push({
    name: 'media address',
    ok: warnings.length === 0 && isLocalAddress(config.listenIp),
    detail: !isLocalAddress(config.listenIp)
      ? `listenIp ${config.listenIp} is not an address of this machine`
      : (warnings[0] ??
        `media on ${config.listenIp}${config.announcedIp ? `, announced as ${config.announcedIp}` : ''}`),
  });
  if (config.webRtcServer && config.mediaPort && isLocalAddress(config.listenIp)) {
    const busy = await bindable(config.listenIp, config.mediaPort);
    checks.push({
      name: 'media port',
      ok: !busy,
      detail: busy
        ? `${busy} on ${config.listenIp} (a server already running, or another program)`
        : `UDP and TCP ${config.mediaPort}+ free on ${config.listenIp}: open them in the firewall`,
    });
  }
  if (config.tls) {
    try {
      const { cert } = checkTlsFiles(config.tls);
      const { subject, daysLeft } = certificateValidity(cert);
      checks.push({
        name: 'TLS certificate',
        ok: daysLeft >= RENEW_WITHIN_DAYS,
        detail: `${subject}; ${
          daysLeft < 0
            ? 'EXPIRED'
            : daysLeft < RENEW_WITHIN_DAYS
              ? `${daysLeft} days left: renew it, then restart`
              : `${daysLeft} days left`
        }`,
      });
    } catch (err) {
      checks.push({ name: 'TLS certificate', ok: false, detail: toCosmoError(err).message });
    }
  }
  if (!config.turn) {
    checks.push({
      name: 'TURN',
      ok: true,
      detail:
        'none configured: students whose network blocks UDP get media over ICE-TCP only if the media port is open to them (docs/deploy.md)',
    });
  } else {
    for (const url of config.turn.urls) checks.push(await turnCheck(config.turn, url));
  }
  return checks;
}
