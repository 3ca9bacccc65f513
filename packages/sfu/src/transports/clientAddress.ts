import { isIPv4, isIPv6 } from 'node:net';

/**
 * An IP address in one spelling, whatever the transport reports: IPv4 dotted (also for
 * IPv4-mapped IPv6, which uWS spells `0000:…:ffff:7f00:0001`), IPv6 compressed and lower-case.
 */
export function canonicalAddress(text: string): string {
  const address = text.trim();
  if (isIPv4(address) || !isIPv6(address)) return address;
  let host: string;
  try {
    host = new URL(`http://[${address}]`).hostname.slice(1, -1);
  } catch {
    // Zone ids (fe80::1%eth0) are not URL hosts; they never reach us from the internet.
    return address.toLowerCase();
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * The client's address: with `trustProxy` (the server sits behind nginx or the like), the last
 * `X-Forwarded-For` entry, which the proxy appended and the client cannot forge; otherwise, or when
 * that entry is not an address, the socket's peer.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor) {
    const last = forwardedFor.split(',').at(-1)!.trim();
    if (isIPv4(last) || isIPv6(last)) return canonicalAddress(last);
  }
  return canonicalAddress(peer);
}
