import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { CosmoError, ErrorCode } from '@cosmo/core';

/** A certificate (chain) and its key, as PEM files. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/**
 * Reads and checks the certificate and key before a transport listens on them, so a wrong path or
 * a key that does not match its certificate stops the start with a message naming the file,
 * instead of a TLS server that fails every handshake.
 */
export function checkTlsFiles(tls: TlsFiles): { cert: Buffer; key: Buffer } {
  const read = (what: 'cert' | 'key') => {
    try {
      return readFileSync(tls[what]);
    } catch (err) {
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `tls.${what}: cannot read ${tls[what]} (${(err as NodeJS.ErrnoException).code ?? err})`,
      );
    }
  };
  const files = { cert: read('cert'), key: read('key') };
  try {
    createSecureContext(files);
  } catch (err) {
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `tls: ${tls.cert} and ${tls.key} do not make a certificate and its key (${(err as Error).message})`,
    );
  }
  return files;
}

/** Days before expiry from which a certificate is said to need renewing. */
export const RENEW_WITHIN_DAYS = 14;

/** A certificate's subject and the whole days it has left (negative once expired). */
export function certificateValidity(cert: Buffer): { subject: string; daysLeft: number } {
  const x509 = new X509Certificate(cert);
  return {
    subject: x509.subject.replace(/\n/g, ', '),
    daysLeft: Math.floor((Date.parse(x509.validTo) - Date.now()) / 86_400_000),
  };
}

/** What to say at start about a certificate that has expired or soon will; undefined if fine. */
export function certificateWarning(tls: TlsFiles): string | undefined {
  const { subject, daysLeft } = certificateValidity(readFileSync(tls.cert));
  if (daysLeft < 0)
    return `the TLS certificate ${tls.cert} (${subject}) has EXPIRED: browsers refuse this server`;
  if (daysLeft < RENEW_WITHIN_DAYS)
    return `the TLS certificate ${tls.cert} (${subject}) expires in ${daysLeft} days: renew it, then restart`;
  return undefined;
}
