import type { Config } from './config.js';

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/**
 * What is wrong with where media listens, for the start-up log and `cosmo doctor`: a server that
 * other machines reach (its HTTP on a public address, or behind a reverse proxy, `trustProxy`)
 * but whose media only listens on loopback gives its students no audio or video.
 */
export function mediaAddressWarnings(
  config: Pick<Config, 'host' | 'listenIp' | 'announcedIp' | 'trustProxy'>,
): string[] {
  const warnings: string[] = [];
  const reachedFromElsewhere = !LOOPBACK.test(config.host) || config.trustProxy;
  if (reachedFromElsewhere && LOOPBACK.test(config.listenIp) && !config.announcedIp) {
    warnings.push(
      `media listens on ${config.listenIp} only: students on other machines will join but get no ` +
        "audio or video. Set COSMO_LISTEN_IP to this machine's address (or 0.0.0.0 with " +
        'COSMO_ANNOUNCED_IP, the address students reach it at).',
    );
  }
  if ((config.listenIp === '0.0.0.0' || config.listenIp === '::') && !config.announcedIp) {
    warnings.push(
      `media listens on ${config.listenIp} with no announced address: clients cannot be told where ` +
        'to send media. Set COSMO_ANNOUNCED_IP to the address students reach this machine at.',
    );
  }
  return warnings;
}
