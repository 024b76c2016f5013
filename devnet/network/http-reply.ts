/**
 * HTTP answers the way the storage server writes them: its own reason phrases, `Server` on every
 * response, `text/plain` errors whose default body is the reason phrase and a newline, and bodies
 * counted as they stream in so that an oversized one is never buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** SS `server/utils.h` response codes; anything else it relays becomes 500 (`http::from_code`). */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  410: 'Gone',
  413: 'Payload Too Large',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What a relaying hop makes of the status string the next hop answered (SS `http::from_code`). */
export function relayedStatus(code: number): number {
  return REASON_PHRASES[code] === undefined ? 500 : code;
}

export function reasonPhrase(code: number): string | undefined {
  return REASON_PHRASES[code];
}

export interface WireReply {
  readonly status: number;
  /** Reason phrase; defaults to the storage server's phrase for the code. */
  readonly statusText?: string;
  readonly contentType: string;
  readonly body: Uint8Array | string;
  readonly headers?: readonly (readonly [string, string])[];
  /** Close the connection after answering (used after a refused oversized body). */
  readonly close?: boolean;
}

/** A plain-text error; without a body, the reason phrase and a newline, as SS `error_response` does. */
export function textReply(status: number, body?: string): WireReply {
  return { status, contentType: 'text/plain', body: body ?? `${REASON_PHRASES[status] ?? 'Error'}\n` };
}

export function jsonReply(status: number, json: string): WireReply {
  return { status, contentType: 'application/json', body: json };
}

/** Writes one reply; a response already sent or a connection already gone is left alone. */
export function sendReply(res: ServerResponse, reply: WireReply, serverHeader: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : Buffer.from(reply.body);
  const headers: [string, string][] = [
    ['Server', serverHeader],
    ['Content-Type', reply.contentType],
    ...(reply.headers ?? []).map(([name, value]): [string, string] => [name, value]),
    ['Content-Length', String(body.length)],
  ];
  if (reply.close) headers.push(['Connection', 'close']);
  res.writeHead(reply.status, reply.statusText ?? REASON_PHRASES[reply.status] ?? 'Unknown', headers.flat());
  res.end(body);
}

export type BodyResult = { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly reason: 'too_large' | 'aborted' };

/**
 * Reads a request body, counting bytes as they arrive: past `limit` it stops collecting and
 * reports `too_large` at once (the caller answers 413 and closes), so a huge body costs no memory.
 */
export function readBodyLimited(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: new Uint8Array(Buffer.concat(chunks)) });
    const onAbort = (): void => finish({ ok: false, reason: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) finish({ ok: false, reason: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}
