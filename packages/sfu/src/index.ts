/**
 * @cosmo/sfu: the Cosmo media server: mediasoup workers, classrooms, signalling, school features.
 */
export { DEFAULT_MEDIA_CODECS } from './mediaCodecs.js';
export { resolveWorkerBinary } from './workerBinary.js';
