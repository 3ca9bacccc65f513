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
