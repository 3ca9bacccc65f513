/** @cosmo/client public API. */
export {};
