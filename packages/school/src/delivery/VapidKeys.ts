import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';

/** A server's VAPID key pair (base64url), which push services know its pushes by. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID keys in `<dataDir>/vapid.json`, generated on first use and kept: every browser
 * subscription is bound to the public key, so a new pair would orphan them all.
 */
export function loadVapidKeys(dataDir: string): VapidKeys {
  const path = join(dataDir, 'vapid.json');
  try {
    const keys = JSON.parse(readFileSync(path, 'utf8')) as Partial<VapidKeys>;
    if (typeof keys.publicKey === 'string' && typeof keys.privateKey === 'string')
      return { publicKey: keys.publicKey, privateKey: keys.privateKey };
    throw new Error(`${path} has no publicKey and privateKey`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  // `wx`: two servers starting on one data dir never overwrite each other's pair.
  try {
    writeFileSync(path, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadVapidKeys(dataDir);
    throw err;
  }
  return keys;
}
