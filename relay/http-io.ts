import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERROR_HEADER, type RelayErrorCode } from '../src/shared/relay-api.ts';
import { applyApiHeaders } from './api-checks.ts';

export class BodyTooLargeError extends Error {}
/** The client closed its connection before its body was complete: there is nobody to answer. */
export class ClientGoneError extends Error {}

/** Reads a request body, refusing (before buffering it) anything over `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      outcome();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Chunked bodies declare no length: they are cut off here, once over the cap.
        finish(() => reject(new BodyTooLargeError()));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(() => resolve(Buffer.concat(chunks))));
    req.on('error', () => finish(() => reject(new ClientGoneError())));
    req.on('close', () => finish(() => reject(new ClientGoneError())));
  });
}

/** The relay's own answer (not a node's): the error header, plain text, and the API's inert headers. */
export function sendRelayError(res: ServerResponse, status: number, code: RelayErrorCode, text: string): void {
  if (res.headersSent || res.destroyed) return;
  applyApiHeaders(res);
  // A refusal before the body was read ends the connection: Node would otherwise read the rest of
  // the body (for up to the request timeout) just to reach the next request.
  if (hasUnreadBody(res.req)) res.setHeader('Connection', 'close');
  res.statusCode = status;
  res.setHeader(RELAY_ERROR_HEADER, code);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

function hasUnreadBody(req: IncomingMessage | undefined): boolean {
  if (req === undefined || req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
