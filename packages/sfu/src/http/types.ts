/** What the routes see of an HTTP request before its body: enough to refuse it or say how to read it. */
export interface HttpRequestHead {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The client's address (the proxy's last `X-Forwarded-For` entry with `trustProxy`). */
  remoteAddress: string;
}

/** An admitted HTTP request with its body. */
export interface HttpRequest extends HttpRequestHead {
  /** The body, when its route keeps it in memory (empty otherwise). */
  body: Uint8Array;
  /** The temporary file holding the body, when its route streams it to disk; deleted after the answer. */
  bodyFile?: string;
}

/** How a route takes a request's body. */
export interface BodyRule {
  /** The most bytes the body may have; a larger one is refused with 413 (0: no body at all). */
  maxBytes: number;
  /** Streams the body to a temporary file instead of memory (uploads). */
  toFile?: boolean;
}

/**
 * What the routes decide from a request's head, before any of its body is kept: an answer now
 * (the body is never read), or the rule for its body and what to do once it is in.
 */
export type HttpDecision =
  { answer: HttpAnswer } | { body: BodyRule; handle(request: HttpRequest): Promise<HttpAnswer> };

/** An HTTP answer. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
  /**
   * A file the transport streams from disk instead of `body` (bytes `start`…`end`, inclusive),
   * reading as fast as the client takes it; the transport sets its Content-Length. Only for
   * routes that take no body (a request with one is refused before it is handled).
   */
  file?: { path: string; start: number; end: number };
}

/** Decides a request from its head: one route, or all of them. */
export type HttpRoute = (head: HttpRequestHead) => Promise<HttpDecision>;
