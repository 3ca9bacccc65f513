import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SignallingSocket } from '../Connection.js';
import {
  MAX_HTTP_BODY_BYTES,
  negotiateSubprotocol,
  textAnswer,
  type ListenOptions,
  type SignallingHandlers,
  type SignallingTransport,
} from './SignallingTransport.js';

/** Signalling over the `ws` package, for platforms where the uWS binary does not load. */
export class WsTransport implements SignallingTransport {
  readonly name = 'ws';
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;

  listen<S>(options: ListenOptions, handlers: SignallingHandlers<S>): Promise<number> {
    const http = createServer((req, res) => {
      const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size <= MAX_HTTP_BODY_BYTES) chunks.push(chunk);
      });
      req.on('end', () => {
        const answer =
          size > MAX_HTTP_BODY_BYTES
            ? Promise.resolve(textAnswer(413, 'request body too large'))
            : handlers.http({
                method: req.method ?? 'GET',
                path,
                query: new URLSearchParams(search),
                headers: Object.fromEntries(
                  Object.entries(req.headers).map(([k, v]) => [
                    k,
                    Array.isArray(v) ? v.join(', ') : (v ?? ''),
                  ]),
                ),
                body: Buffer.concat(chunks),
              });
        void answer
          .catch(() => textAnswer(500, 'internal error'))
          .then((a) => {
            const result = a ?? textAnswer(404, 'not found');
            res.writeHead(result.status, { 'content-type': result.contentType, ...result.headers });
            res.end(result.body);
          });
      });
    });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) =>
        negotiateSubprotocol([...protocols].join(',')).protocol || false,
    });
    http.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== '/ws') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const { format } = negotiateSubprotocol(
          String(req.headers['sec-websocket-protocol'] ?? ''),
        );
        this.#accept(ws, format, req.socket.remoteAddress ?? '', options, handlers);
      });
    });
    this.#http = http;
    this.#wss = wss;
    return new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => {
        http.off('error', reject);
        resolve((http.address() as AddressInfo).port);
      });
    });
  }

  #accept<S>(
    ws: WebSocket,
    format: 'binary' | 'json',
    remoteAddress: string,
    options: ListenOptions,
    handlers: SignallingHandlers<S>,
  ): void {
    let closed = false;
    const socket: SignallingSocket = {
      remoteAddress,
      send: (bytes) => {
        if (closed || ws.readyState !== ws.OPEN) return false;
        if (ws.bufferedAmount > options.maxBackpressureBytes) return false;
        ws.send(bytes, { binary: typeof bytes !== 'string' });
        return true;
      },
      bufferedAmount: () => ws.bufferedAmount,
      close: (code, reason) => {
        if (closed) return;
        closed = true;
        ws.close(code, reason);
      },
    };
    const state = handlers.open(socket, format);
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : data;
      handlers.message(state, bytes, isBinary);
    });
    ws.on('close', (code) => {
      closed = true;
      handlers.close(state, code);
    });
    ws.on('error', () => ws.terminate());
  }

  async close(): Promise<void> {
    for (const ws of this.#wss?.clients ?? []) ws.terminate();
    this.#wss?.close();
    const http = this.#http;
    if (http) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    }
    this.#wss = undefined;
    this.#http = undefined;
  }
}
