import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERROR_HEADER, type RelayErrorCode } from '../src/shared/relay-api.ts';

export class BodyTooLargeError extends Error {}

/** Reads a request body, refusing (before buffering it) anything over `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendRelayError(res: ServerResponse, status: number, code: RelayErrorCode, text: string): void {
  res.statusCode = status;
  res.setHeader(RELAY_ERROR_HEADER, code);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}
