import {
  STATUS_CODES,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SignallingSocket } from '../Connection.js';
import { clientAddress } from './clientAddress.js';
import { sendFileOverNode } from './fileBody.js';
import { HttpExchange } from './HttpExchange.js';
import { prepareUploadDir } from './RequestBody.js';
import { checkTlsFiles } from './tlsFiles.js';
import type { HttpAnswer, HttpRequestHead } from '../http/types.js';
import {
  negotiateSubprotocol,
  type ListenOptions,
  type SignallingHandlers,
  type SignallingTransport,
} from './SignallingTransport.js';

function headOf(req: IncomingMessage, trustProxy: boolean): HttpRequestHead {
  const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
  return {
    method: req.method ?? 'GET',
    path,
    query: new URLSearchParams(search),
    headers,
    remoteAddress: clientAddress(
      req.socket.remoteAddress ?? '',
      headers['x-forwarded-for'],
      trustProxy,
    ),
  };
}

/** Answers on a raw socket (an upgrade that is refused) and closes it. */
function refuseUpgrade(socket: Duplex, answer: HttpAnswer): void {
  const body = Buffer.from(answer.body);
  const head =
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Status'}\r\n` +
    `Connection: close\r\nContent-Type: ${answer.contentType}\r\n` +
    `Content-Length: ${body.byteLength}\r\n\r\n`;
  socket.on('error', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(head), body]));
}

/** Signalling over the `ws` package, for platforms where the uWS binary does not load. */
export class WsTransport implements SignallingTransport {
  readonly name = 'ws';
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;

  async listen<S>(options: ListenOptions, handlers: SignallingHandlers<S>): Promise<number> {
    await prepareUploadDir(options.uploadDir);
    const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
      let continued = !expectsContinue;
      let answered = false;
      // The exchange pauses the request first: no body is read (no 'data' flows, no 100 Continue
      // goes out) until the routes have decided on the head.
      const exchange = new HttpExchange(
        headOf(req, options.trustProxy),
        (h) => handlers.http(h),
        {
          pause: () => req.pause(),
          resume: () => {
            if (!continued && !answered) res.writeContinue();
            continued = true;
            req.resume();
          },
          respond: (answer, more) => {
            if (answered || res.destroyed) return;
            answered = true;
            const headers = { 'content-type': answer.contentType, ...answer.headers };
            // A file answer is streamed; only bodiless routes give one, so its request has ended.
            if (answer.file && !more) {
              sendFileOverNode(req, res, answer, answer.file, headers);
              return;
            }
            if (!more) {
              res.writeHead(answer.status, headers);
              res.end(answer.body);
              return;
            }
            // The answer goes out now, chunked, and the response stays open until `close`:
            // ended now, node would drop the socket with the body unread, and a client still
            // sending would see a reset instead of this answer.
            res.writeHead(answer.status, { ...headers, connection: 'close' });
            res.write(answer.body);
          },
          close: () => {
            if (!req.complete) res.once('finish', () => req.socket.destroy());
            res.end();
          },
        },
        options.uploadDir,
      );
      req.on('data', (chunk: Buffer) => exchange.data(chunk, false));
      req.on('end', () => exchange.data(new Uint8Array(0), true));
      res.on('close', () => exchange.aborted());
    };
    const handle = (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, false);
    const http = options.tls
      ? createHttpsServer(checkTlsFiles(options.tls), handle)
      : createServer(handle);
    http.on('checkContinue', (req, res) => onRequest(req, res, true));
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
      const request = headOf(req, options.trustProxy);
      const refusal = handlers.upgrade(request);
      if (refusal) {
        refuseUpgrade(socket, refusal);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const { format } = negotiateSubprotocol(
          String(req.headers['sec-websocket-protocol'] ?? ''),
        );
        this.#accept(ws, format, request.remoteAddress, options, handlers);
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
