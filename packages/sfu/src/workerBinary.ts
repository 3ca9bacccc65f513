import { accessSync, constants } from 'node:fs';
import { CosmoError, ErrorCode } from '@cosmo/core';

/**
 * The path of the mediasoup worker binary, from `MEDIASOUP_WORKER_BIN` (set by the setup script).
 * Throws `UNAVAILABLE` with a fix-it message when it is unset or not executable, before mediasoup
 * is loaded: mediasoup reads the variable once, at import.
 */
export function resolveWorkerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env['MEDIASOUP_WORKER_BIN'];
  if (!bin) {
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      'MEDIASOUP_WORKER_BIN is not set: run `bash scripts/setup.sh`, then export ' +
        'MEDIASOUP_WORKER_BIN="$(cat .cosmo/mediasoup-worker-bin)"',
    );
  }
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new CosmoError(
      ErrorCode.UNAVAILABLE,
      `the mediasoup worker at MEDIASOUP_WORKER_BIN=${bin} is missing or not executable: ` +
        'run `bash scripts/setup.sh` to build it',
    );
  }
  return bin;
}
