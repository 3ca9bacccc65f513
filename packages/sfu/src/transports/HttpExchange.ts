import { ErrorCode } from '@cosmo/core';
import { RequestBody } from './RequestBody.js';
import { refusalAnswer, textAnswer, tooLargeAnswer } from '../http/answers.js';
import type { HttpAnswer, HttpDecision, HttpRequest, HttpRequestHead } from '../http/types.js';

/**
 * Body bytes kept while the head is being decided. The transport stops reading at once; this
 * only covers what it had already read with the head (uWS hands over up to one 512 KiB read).
 */
export const PENDING_BODY_BYTES = 1024 * 1024;

/**
 * How long a connection answered before its body was in stays open to read (and drop) the rest:
 * a client still sending often reads the answer only once it has sent everything, and closing on
 * it would lose the answer to a reset.
 */
export const LINGER_MS = 5000;

/** What a transport does for one HTTP request on behalf of an `HttpExchange`. */
export interface HttpWire {
  /** Stops reading the body. */
  pause(): void;
  /** Reads the body again. */
  resume(): void;
  /**
   * Sends the answer. `more`: the body is still coming; the answer goes out now, and the
   * connection stays open to drop the rest until `close`.
   */
  respond(answer: HttpAnswer, more: boolean): void;
  /**
   * Ends an answer sent with `more`. `drained`: the client sent the whole body, so the answer
   * can end cleanly; otherwise the connection is cut.
   */
  close(drained: boolean): void;
}

/** Whether a request has a body at all (HTTP/1.1: only with a Content-Length or a Transfer-Encoding). */
function hasBody(headers: Record<string, string>): boolean {
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}

/**
 * One HTTP request through the routes. The head is decided while the body waits, so a refusal
 * (401, 413, 429…) never keeps any of it: the answer goes out at once, and the rest of the body
 * is dropped as it comes for at most LINGER_MS. An admitted body is received under its route's
 * rule, handled and answered, and its temporary file is deleted before the answer goes out.
 */
export class HttpExchange {
  readonly #head: HttpRequestHead;
  readonly #wire: HttpWire;
  readonly #uploadDir: string;
  #state: 'deciding' | 'receiving' | 'handling' | 'lingering' | 'done' = 'deciding';
  #ended: boolean;
  #linger: ReturnType<typeof setTimeout> | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #body: RequestBody | undefined;
  #handle: ((request: HttpRequest) => Promise<HttpAnswer>) | undefined;

  constructor(
    head: HttpRequestHead,
    decide: (head: HttpRequestHead) => Promise<HttpDecision>,
    wire: HttpWire,
    uploadDir: string,
  ) {
    this.#head = head;
    this.#wire = wire;
    this.#uploadDir = uploadDir;
    this.#ended = !hasBody(head.headers);
    if (!this.#ended) wire.pause();
    decide(head)
      .then((decision) => this.#decide(decision))
      .catch(() => this.#finish(textAnswer(500, 'internal error')));
  }

  /** A chunk of the body arrived (its memory is valid only during the call). */
  data(chunk: Uint8Array, isLast: boolean): void {
    if (isLast) this.#ended = true;
    if (this.#state === 'receiving') this.#receive(chunk);
    else if (this.#state === 'lingering' && isLast) this.#close(true);
    else if (this.#state === 'deciding') {
      this.#pendingBytes += chunk.byteLength;
      if (this.#pendingBytes > PENDING_BODY_BYTES) {
        this.#finish(
          refusalAnswer(
            503,
            ErrorCode.UNAVAILABLE,
            'the body came faster than the request could be checked; try again',
          ),
        );
      } else if (chunk.byteLength > 0) this.#pending.push(Buffer.from(chunk));
    }
  }

  /** The connection closed: stops, and deletes whatever of the body was kept. */
  aborted(): void {
    // A body being handled is the handler's until it is done (it is deleted then).
    if (this.#state === 'receiving') void this.#body?.discard();
    this.#state = 'done';
    this.#pending = [];
    clearTimeout(this.#linger);
  }

  #decide(decision: HttpDecision): void {
    if (this.#state !== 'deciding') return;
    if ('answer' in decision) {
      this.#finish(decision.answer);
      return;
    }
    const { maxBytes } = decision.body;
    const declared = Number(this.#head.headers['content-length'] ?? 0);
    if (declared > maxBytes || this.#pendingBytes > maxBytes) {
      this.#finish(tooLargeAnswer(maxBytes));
      return;
    }
    const body = new RequestBody(decision.body, this.#uploadDir);
    this.#body = body;
    this.#handle = decision.handle;
    this.#state = 'receiving';
    for (const chunk of this.#pending) body.write(chunk);
    this.#pending = [];
    if (this.#ended) void this.#complete();
    else this.#resumeWhenDrained();
  }

  #receive(chunk: Uint8Array): void {
    const body = this.#body!;
    if (!body.write(chunk)) {
      void body.discard();
      this.#finish(tooLargeAnswer(body.maxBytes));
    } else if (this.#ended) void this.#complete();
    else if (body.saturated) {
      this.#wire.pause();
      this.#resumeWhenDrained();
    }
  }

  #resumeWhenDrained(): void {
    const body = this.#body!;
    if (!body.saturated) this.#wire.resume();
    else body.onDrain(() => this.#state === 'receiving' && this.#wire.resume());
  }

  async #complete(): Promise<void> {
    this.#state = 'handling';
    const body = this.#body!;
    let answer: HttpAnswer;
    try {
      answer = await this.#handle!({ ...this.#head, ...(await body.end()) });
    } catch {
      answer = textAnswer(500, 'internal error');
    }
    await body.discard().catch(() => undefined);
    this.#finish(answer);
  }

  #finish(answer: HttpAnswer): void {
    if (this.#state === 'done' || this.#state === 'lingering') return;
    this.#pending = [];
    if (this.#ended) {
      this.#state = 'done';
      this.#wire.respond(answer, false);
      return;
    }
    this.#state = 'lingering';
    this.#wire.respond(answer, true);
    this.#wire.resume();
    this.#linger = setTimeout(() => this.#close(false), LINGER_MS);
    this.#linger.unref();
  }

  #close(drained: boolean): void {
    if (this.#state !== 'lingering') return;
    this.#state = 'done';
    clearTimeout(this.#linger);
    this.#wire.close(drained);
  }
}
