import { CosmoError, ErrorCode } from '@cosmo/core';

/**
 * The push services of the browsers that support Web Push: Chrome and Edge (FCM, WNS), Firefox
 * (Mozilla autopush), Safari on macOS and iOS (Apple). A subscription elsewhere is refused: the
 * server would POST wherever a student's request pointed it.
 */
export const DEFAULT_PUSH_ENDPOINT_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'updates.push.services.mozilla.com',
  'web.push.apple.com',
  '.push.apple.com',
  '.notify.windows.com',
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a subscription endpoint: `https` on one of `hosts` (a leading dot: any subdomain). Plain
 * `http` only for a loopback host named in `hosts` (a push service in a test). INVALID_ARGUMENT
 * otherwise.
 */
export function checkPushEndpoint(endpoint: string, hosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'endpoint: not a URL');
  }
  const host = url.hostname.toLowerCase();
  if (!host) throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'endpoint: not an https URL');
  const allowed = hosts.some((h) =>
    h.startsWith('.') ? host.endsWith(h) && host.length > h.length : host === h.toLowerCase(),
  );
  if (!allowed)
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `endpoint: ${host} is not a known push service`,
    );
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(host)))
    throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'endpoint: must be https');
  // Push services listen on 443; another port on their host is not theirs to ask for.
  if (url.protocol === 'https:' && url.port !== '')
    throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'endpoint: must be on port 443');
  if (url.username || url.password)
    throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'endpoint: may not carry credentials');
  return url;
}
