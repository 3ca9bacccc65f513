import { createHmac } from 'node:crypto';
import type { Config } from './config.js';

/** A TURN server entry for a client, with credentials of its own. */
export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

/**
 * Time-limited TURN credentials in the TURN REST API scheme (draft-uberti-behave-turn-rest), which
 * coturn checks with `use-auth-secret` / `static-auth-secret`: the username is the expiry (Unix
 * seconds) and who it is for, the password the base64 HMAC-SHA1 of the username under the shared
 * secret. Nothing is stored: coturn recomputes it, and refuses it after the expiry.
 */
export function turnCredentials(
  turn: NonNullable<Config['turn']>,
  identity: string,
  now = Date.now(),
): TurnIceServer {
  const expiry = Math.floor(now / 1000) + turn.ttlSeconds;
  // ':' separates the expiry in coturn's parsing; an identity keeps its other characters.
  const username = `${expiry}:${identity.replace(/:/g, '_')}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}
