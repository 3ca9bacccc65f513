/**
 * @cosmo/client: the browser (and Node) SDK of Cosmo Classroom.
 */
export { SignallingClient } from './SignallingClient.js';
export type {
  SignallingClientOptions,
  SignallingClientEvents,
  WebSocketLike,
  WebSocketConstructor,
  ResponseOf,
} from './SignallingClient.js';
