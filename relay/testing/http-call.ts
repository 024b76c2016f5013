/**
 * Plain HTTP calls to a relay under test (node:http rather than fetch: it sends exactly the headers
 * given, no Origin, and can pick its local address so that tests play distinct clients).
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface CallOptions {
  readonly body?: Uint8Array;
  readonly headers?: Record<string, string>;
  /** A loopback address of its own (127.0.0.x) to be another client. */
  readonly localAddress?: string;
  readonly signal?: AbortSignal;
}

export function call(url: string, method: string, options: CallOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: options.headers ?? {},
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POSTs onion bytes the way the app does. */
export function postOnion(relayUrl: string, port: number, body: Uint8Array, extra: Omit<CallOptions, 'body'> = {}): Promise<Answer> {
  return call(`${relayUrl}v1/onion/127.0.0.1:${port}`, 'POST', {
    ...extra,
    body,
    headers: { 'Content-Type': 'application/octet-stream', ...extra.headers },
  });
}

/** A raw TCP connection to the relay, and a promise that settles when the relay closes it. */
export async function rawConnection(relayUrl: string): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  const url = new URL(relayUrl);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<Buffer>((resolve) => {
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    // A reset from the relay is one way of closing; the 'close' that follows settles the promise.
    socket.on('error', () => undefined);
  });
  return { socket, closed };
}
