import { createReadStream, type ReadStream } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type uWSModule from 'uWebSockets.js';
import type { HttpAnswer } from '../http/types.js';

/** The file an answer streams (see `HttpAnswer.file`). */
export type FileBody = NonNullable<HttpAnswer['file']>;

/** How many bytes a file answer sends. */
export const fileLength = (file: FileBody) => Math.max(0, file.end - file.start + 1);

/** Read a large file in pieces this big: few syscalls, and little held per slow client. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Opens an answer's file range (one that is not empty); rejects when it cannot be opened, before
 * anything is sent, so that the transport can still answer with an error.
 */
export function openFileBody(file: FileBody): Promise<ReadStream> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file.path, {
      start: file.start,
      end: file.end,
      highWaterMark: CHUNK_BYTES,
    });
    stream.once('error', reject);
    stream.once('ready', () => {
      stream.off('error', reject);
      resolve(stream);
    });
  });
}

/**
 * Streams a file over a uWS response (uWS's VideoStreamer pattern): each chunk read is offered
 * with `tryEnd`; a chunk the socket does not take whole pauses the file until `onWritable` has
 * sent the rest, so a slow client holds one chunk, never the file. `writeHead` runs with the first
 * chunk; `ended` once the response is over (sent, or cut on a read error). The caller destroys
 * the stream when the client goes away (`onAborted`).
 */
export function pipeFileToUws(
  res: uWSModule.HttpResponse,
  stream: ReadStream,
  length: number,
  writeHead: () => void,
  ended: () => void,
): void {
  let headWritten = false;
  let over = false;
  const end = () => {
    if (over) return;
    over = true;
    stream.destroy();
    ended();
  };
  stream.on('data', (data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    const offset = res.getWriteOffset();
    let ok = false;
    let done = false;
    res.cork(() => {
      if (!headWritten) writeHead();
      headWritten = true;
      [ok, done] = res.tryEnd(chunk, length);
    });
    if (done) return end();
    if (ok) return;
    stream.pause();
    res.onWritable((at) => {
      const [sent, finished] = res.tryEnd(chunk.subarray(at - offset), length);
      if (finished) end();
      else if (sent) stream.resume();
      return sent;
    });
  });
  stream.on('error', () => {
    if (over) return;
    end();
    // The status line may be out: the client must see a cut, not a short answer.
    res.close();
  });
}

/**
 * Sends a file answer over node's HTTP response: the head (with its Content-Length) once the file
 * is open, then the bytes piped (node pauses the file while the socket is full). `HEAD` gets the
 * head alone. A file that cannot be opened is answered 404.
 */
export function sendFileOverNode(
  req: IncomingMessage,
  res: ServerResponse,
  answer: HttpAnswer,
  file: FileBody,
  headers: OutgoingHttpHeaders,
): void {
  const length = fileLength(file);
  const head = { ...headers, 'content-length': String(length) };
  if (req.method === 'HEAD' || length === 0) {
    res.writeHead(answer.status, head);
    res.end();
    return;
  }
  openFileBody(file).then(
    (stream) => {
      if (res.destroyed) {
        stream.destroy();
        return;
      }
      res.writeHead(answer.status, head);
      // Either side failing or closing destroys the other (a client gone stops the reading).
      pipeline(stream, res, () => undefined);
    },
    () => {
      if (res.destroyed || res.headersSent) return;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('the file is gone\n');
    },
  );
}
