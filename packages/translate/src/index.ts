/** @cosmo/translate public API. */
export {};
