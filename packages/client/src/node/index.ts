/**
 * @cosmo/client/node: running CosmoClient outside a browser (bots, recorders, the bench, tests)
 * on @roamhq/wrtc, with synthetic sources and sinks that measure what arrives.
 */
export { useNodeWebRtc, toneTrack, patternTrack, pcmTrack, watchTrack } from './nodeMedia.js';
export type { NodeWebRtc, TrackStats, SyntheticTrack } from './nodeMedia.js';
