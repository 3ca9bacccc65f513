import type uWSModule from 'uWebSockets.js';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { SignallingSocket, WireFormat } from '../Connection.js';
import {
  MAX_HTTP_BODY_BYTES,
  negotiateSubprotocol,
  textAnswer,
  type ListenOptions,
  type SignallingHandlers,
  type SignallingTransport,
} from './SignallingTransport.js';

interface SocketData<S> {
  format: WireFormat;
  remoteAddress: string;
  state?: S;
  closed: boolean;
}

const STATUS: Record<number, string> = {
  200: '200 OK',
  404: '404 Not Found',
  500: '500 Internal Server Error',
};

/** Signalling over uWebSockets.js: the fast path. */
export class UwsTransport implements SignallingTransport {
  readonly name = 'uws';
  #uws: typeof uWSModule | undefined;
  #app: uWSModule.TemplatedApp | undefined;
  #listenSocket: uWSModule.us_listen_socket | undefined;

  async listen<S>(options: ListenOptions, handlers: SignallingHandlers<S>): Promise<number> {
    let uWS: typeof uWSModule;
    try {
      // Loaded here, not at import: its native binary may not exist for this platform.
      uWS = (await import('uWebSockets.js')).default;
    } catch (err) {
      throw new CosmoError(
        ErrorCode.UNAVAILABLE,
        `uWebSockets.js does not load here (${(err as Error).message.split('\n')[0]}); ` +
          'set COSMO_TRANSPORT=ws to use the ws transport',
      );
    }
    this.#uws = uWS;
    const app = uWS.App();
    this.#app = app;
    app.ws<SocketData<S>>('/ws', {
      compression: uWS.DISABLED,
      maxPayloadLength: options.maxPayloadBytes,
      maxBackpressure: options.maxBackpressureBytes,
      idleTimeout: 60,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        const { format, protocol } = negotiateSubprotocol(req.getHeader('sec-websocket-protocol'));
        const remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
        res.upgrade<SocketData<S>>(
          { format, remoteAddress, closed: false },
          req.getHeader('sec-websocket-key'),
          protocol,
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
      open: (ws) => {
        const data = ws.getUserData();
        const socket: SignallingSocket = {
          remoteAddress: data.remoteAddress,
          send: (bytes) => {
            if (data.closed) return false;
            return ws.send(bytes, typeof bytes !== 'string') !== 2;
          },
          bufferedAmount: () => (data.closed ? 0 : ws.getBufferedAmount()),
          close: (code, reason) => {
            if (data.closed) return;
            data.closed = true;
            ws.end(code, reason);
          },
        };
        data.state = handlers.open(socket, data.format);
      },
      message: (ws, message, isBinary) => {
        const data = ws.getUserData();
        // The ArrayBuffer is neutered after this callback; handlers decode synchronously.
        if (data.state !== undefined)
          handlers.message(data.state, new Uint8Array(message), isBinary);
      },
      close: (ws, code) => {
        const data = ws.getUserData();
        data.closed = true;
        if (data.state !== undefined) handlers.close(data.state, code);
      },
    });
    app.any('/*', (res, req) => {
      const path = req.getUrl();
      const method = req.getMethod().toUpperCase();
      const query = new URLSearchParams(req.getQuery() ?? '');
      const headers: Record<string, string> = {};
      req.forEach((key, value) => (headers[key] = value));
      let aborted = false;
      res.onAborted(() => (aborted = true));
      const chunks: Buffer[] = [];
      let size = 0;
      res.onData((chunk, isLast) => {
        // Chunks are neutered after the callback: copy.
        size += chunk.byteLength;
        if (size <= MAX_HTTP_BODY_BYTES) chunks.push(Buffer.from(chunk.slice(0)));
        if (!isLast) return;
        const answer =
          size > MAX_HTTP_BODY_BYTES
            ? Promise.resolve(textAnswer(413, 'request body too large'))
            : handlers.http({ method, path, query, headers, body: Buffer.concat(chunks) });
        void answer
          .catch(() => textAnswer(500, 'internal error'))
          .then((a) => {
            if (aborted) return;
            const result = a ?? textAnswer(404, 'not found');
            res.cork(() => {
              res.writeStatus(`${result.status} ${STATUS[result.status] ?? 'Status'}`);
              res.writeHeader('content-type', result.contentType);
              for (const [k, v] of Object.entries(result.headers ?? {})) res.writeHeader(k, v);
              res.end(result.body);
            });
          });
      });
    });
    return new Promise((resolve, reject) => {
      app.listen(options.host, options.port, (listenSocket) => {
        if (!listenSocket) {
          reject(new Error(`cannot listen on ${options.host}:${options.port} (port in use?)`));
          return;
        }
        this.#listenSocket = listenSocket;
        resolve(uWS.us_socket_local_port(listenSocket));
      });
    });
  }

  async close(): Promise<void> {
    if (this.#listenSocket) this.#uws?.us_listen_socket_close(this.#listenSocket);
    this.#listenSocket = undefined;
    this.#app?.close();
    this.#app = undefined;
  }
}
