// The test kit shared by the packages' tests: a poller, Chromium, and `cosmo serve` as a child
// process. Consumed from source (the "@cosmo/source" condition); never built or published.
export { waitFor } from './waitFor.js';
export { CHROMIUM, launchChromium, type Browser, type Page } from './chromium.js';
export { COSMO_CLI, mintToken, serve, type ServeProcess, type TokenRequest } from './cli.js';
export { startCosmoProcess, type CosmoProcess, type Health } from './CosmoProcess.js';
