import { STATUS_CODES } from 'node:http';
import type uWSModule from 'uWebSockets.js';
import { CosmoError, ErrorCode } from '@cosmo/core';
import type { SignallingSocket, WireFormat } from '../Connection.js';
import { clientAddress } from './clientAddress.js';
import { fileLength, openFileBody, pipeFileToUws, type FileBody } from './fileBody.js';
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

interface SocketData<S> {
  format: WireFormat;
  remoteAddress: string;
  state?: S;
  closed: boolean;
}

/** The head of a uWS request; must run inside the handler (the request dies when it returns). */
function headOf(
  res: uWSModule.HttpResponse,
  req: uWSModule.HttpRequest,
  trustProxy: boolean,
): HttpRequestHead {
  const headers: Record<string, string> = {};
  req.forEach((key, value) => (headers[key] = value));
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    headers,
    remoteAddress: clientAddress(
      Buffer.from(res.getRemoteAddressAsText()).toString(),
      headers['x-forwarded-for'],
      trustProxy,
    ),
  };
}

/** Writes an answer's status and headers. */
function writeHead(res: uWSModule.HttpResponse, answer: HttpAnswer): void {
  res.writeStatus(`${answer.status} ${STATUS_CODES[answer.status] ?? 'Status'}`);
  res.writeHeader('content-type', answer.contentType);
  for (const [k, v] of Object.entries(answer.headers ?? {})) res.writeHeader(k, v);
}

/** Writes a whole answer and ends the response (or the connection, with `close`). */
function send(res: uWSModule.HttpResponse, answer: HttpAnswer, close = false): void {
  res.cork(() => {
    writeHead(res, answer);
    res.end(answer.body, close);
  });
}

/**
 * Answers a HEAD request: the head of an answer whose body has `length` bytes, without the body
 * (uWS would send it, and the client would read it as the next answer).
 */
function sendHead(res: uWSModule.HttpResponse, answer: HttpAnswer, length: number): void {
  res.cork(() => {
    writeHead(res, answer);
    // Given a length, uWS's endWithoutBody waits for that many bytes and answers nothing more on
    // the connection: the header is written here, and the answer ended as it is.
    res.writeHeader('content-length', String(length));
    res.endWithoutBody();
  });
}

const bodyLength = (body: string | Uint8Array) =>
  typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;

/** uSockets' listen flag for a port no other socket may share (the typings lack this overload). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

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
    if (options.tls) checkTlsFiles(options.tls);
    const app = options.tls
      ? uWS.SSLApp({ cert_file_name: options.tls.cert, key_file_name: options.tls.key })
      : uWS.App();
    this.#app = app;
    app.ws<SocketData<S>>('/ws', {
      compression: uWS.DISABLED,
      maxPayloadLength: options.maxPayloadBytes,
      maxBackpressure: options.maxBackpressureBytes,
      idleTimeout: 60,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        const head = headOf(res, req, options.trustProxy);
        const refusal = handlers.upgrade(head);
        if (refusal) {
          send(res, refusal, true);
          return;
        }
        const { format, protocol } = negotiateSubprotocol(req.getHeader('sec-websocket-protocol'));
        res.upgrade<SocketData<S>>(
          { format, remoteAddress: head.remoteAddress, closed: false },
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
        // The ArrayBuffer is neutered after this callback, and a decoded frame's bytes fields
        // (a board change) are views into it, used when the frame's turn comes: a copy.
        if (data.state !== undefined)
          handlers.message(data.state, new Uint8Array(message.slice(0)), isBinary);
      },
      close: (ws, code) => {
        const data = ws.getUserData();
        data.closed = true;
        if (data.state !== undefined) handlers.close(data.state, code);
      },
    });
    await prepareUploadDir(options.uploadDir);
    app.any('/*', (res, req) => {
      const head = headOf(res, req, options.trustProxy);
      // Once ended or aborted, uWS forbids touching `res` again.
      let finished = false;
      let paused = false;
      /** Stops a file being streamed (the client went away). */
      let stopFile: (() => void) | undefined;
      // Both handlers are attached here, synchronously, as uWS requires; the body waits (paused)
      // until the routes have decided on the head.
      res.onAborted(() => {
        finished = true;
        stopFile?.();
        exchange.aborted();
      });
      /** Streams a file answer: its head alone for HEAD, else the bytes with backpressure. */
      const sendFile = (answer: HttpAnswer, file: FileBody) => {
        const length = fileLength(file);
        if (head.method === 'HEAD' || length === 0) {
          finished = true;
          sendHead(res, answer, length);
          return;
        }
        openFileBody(file).then(
          (stream) => {
            if (finished) {
              stream.destroy();
              return;
            }
            stopFile = () => stream.destroy();
            pipeFileToUws(
              res,
              stream,
              length,
              () => writeHead(res, answer),
              () => (finished = true),
            );
          },
          () => {
            if (finished) return;
            finished = true;
            send(res, { status: 404, contentType: 'text/plain', body: 'the file is gone\n' });
          },
        );
      };
      res.onData((chunk, isLast) => exchange.data(new Uint8Array(chunk), isLast));
      const exchange = new HttpExchange(
        head,
        (h) => handlers.http(h),
        {
          pause: () => {
            if (finished || paused) return;
            paused = true;
            res.pause();
          },
          resume: () => {
            if (finished || !paused) return;
            paused = false;
            res.resume();
          },
          respond: (answer, more) => {
            if (finished) return;
            // A file answer is streamed; only bodiless routes give one, so its request has ended.
            if (answer.file && !more) {
              sendFile(answer, answer.file);
              return;
            }
            if (!more) {
              // A paused socket stays paused after the response: the next request would hang.
              if (paused) res.resume();
              finished = true;
              // uWS would send a HEAD answer's body, which the client reads as the next answer.
              if (head.method === 'HEAD') sendHead(res, answer, bodyLength(answer.body));
              else send(res, answer);
              return;
            }
            // The answer goes out now, chunked, and the response stays open (so `res` stays
            // ours) while the rest of the body is dropped.
            res.cork(() => {
              writeHead(res, answer);
              res.writeHeader('connection', 'close');
              res.write(answer.body);
            });
          },
          close: (drained) => {
            if (finished) return;
            if (paused) res.resume();
            finished = true;
            // end(…, true) would write its own 'Connection: close' header after the chunked body
            // (malformed HTTP): the header went out with the answer, so end the chunks cleanly,
            // or cut the connection of a client that is still sending.
            if (drained) res.cork(() => res.end());
            else res.close();
          },
        },
        options.uploadDir,
      );
    });
    return new Promise((resolve, reject) => {
      // Exclusive: without it uWS sets SO_REUSEPORT and a second server on the same port starts
      // silently and takes half the connections (a class split across two servers).
      const listen = app.listen as unknown as (
        host: string,
        port: number,
        flags: number,
        cb: (socket: uWSModule.us_listen_socket | false) => void,
      ) => void;
      listen.call(app, options.host, options.port, LIBUS_LISTEN_EXCLUSIVE_PORT, (listenSocket) => {
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
