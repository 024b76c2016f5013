/**
 * A plain HTTPS client for tests and tools that talk to devnet servers the way a client would:
 * any certificate accepted (service nodes' are self-signed, §6), no connection reuse, a timeout.
 * It resolves with whatever the server answered, or rejects when nothing came back.
 */
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpsCall {
  readonly host?: string;
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  readonly body?: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface HttpsAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  readonly text: string;
}

export function httpsCall(call: HttpsCall): Promise<HttpsAnswer> {
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? Buffer.from(call.body) : Buffer.from(call.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: call.host ?? '127.0.0.1',
        port: call.port,
        path: call.path,
        method: call.method ?? 'POST',
        headers: { ...(body ? { 'Content-Length': String(body.length) } : {}), ...call.headers },
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: new Uint8Array(bytes),
            text: bytes.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(call.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer from port ${call.port} in time`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A direct (non-onion) `/storage_rpc/v1` call, as desktop's guard test makes. */
export function storageRpc(port: number, body: unknown, host = '127.0.0.1'): Promise<HttpsAnswer> {
  return httpsCall({
    host,
    port,
    path: '/storage_rpc/v1',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
}
