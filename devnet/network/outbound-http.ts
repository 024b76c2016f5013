/**
 * One outgoing POST with a hard deadline, for the relay hop and the URL proxy. It never rejects:
 * the caller gets the answer, or why there was none (timeout, refused, other network error).
 */
import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';

export interface OutboundPost {
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** `false`: a fresh connection that is closed afterwards. */
  readonly agent?: HttpAgent | HttpsAgent | false;
  /** https only: false accepts any certificate (service nodes' self-signed ones). */
  readonly verifyTls?: boolean;
  /** Larger answers are cut off and reported as a network error. */
  readonly maxResponseBytes: number;
}

export type OutboundResult =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly statusText: string;
      readonly contentType: string | undefined;
      readonly body: Uint8Array;
    }
  | { readonly kind: 'timeout'; readonly elapsedMs: number }
  | { readonly kind: 'refused'; readonly elapsedMs: number }
  | { readonly kind: 'tls'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export function postOnce(post: OutboundPost): Promise<OutboundResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let current: ClientRequest | undefined;
    const settle = (result: OutboundResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timeout', elapsedMs: elapsed() });
      current?.destroy();
    }, post.timeoutMs);
    timer.unref();
    const attempt = (retry: boolean): void => {
      const req = send(post, (res) => collect(res, post.maxResponseBytes, settle));
      current = req;
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as it was reused: the request never
        // reached the server, so sending it again on a fresh connection is safe (once).
        if (retry && req.reusedSocket && error.code === 'ECONNRESET' && !settled) return attempt(false);
        if (error.code === 'ECONNREFUSED') settle({ kind: 'refused', elapsedMs: elapsed() });
        else if (isTlsError(error)) settle({ kind: 'tls', message: error.message });
        else settle({ kind: 'error', message: error.message });
      });
      req.end(post.body);
    };
    attempt(true);
  });
}

function send(post: OutboundPost, onResponse: (res: IncomingMessage) => void): ClientRequest {
  const request = post.protocol === 'https' ? httpsRequest : httpRequest;
  return request(
    {
      host: post.host,
      port: post.port,
      path: post.path,
      method: 'POST',
      headers: { ...post.headers, 'Content-Length': String(post.body.length) },
      agent: post.agent,
      ...(post.protocol === 'https' ? { rejectUnauthorized: post.verifyTls ?? true } : {}),
    },
    onResponse,
  );
}

function collect(res: IncomingMessage, limit: number, settle: (result: OutboundResult) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      settle({ kind: 'error', message: 'response too large' });
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () =>
    settle({
      kind: 'answer',
      status: res.statusCode ?? 500,
      statusText: res.statusMessage ?? '',
      contentType: res.headers['content-type'],
      body: new Uint8Array(Buffer.concat(chunks)),
    }),
  );
  res.on('error', (error) => settle({ kind: 'error', message: error.message }));
  res.on('aborted', () => settle({ kind: 'error', message: 'connection closed before the answer was complete' }));
}

function isTlsError(error: NodeJS.ErrnoException): boolean {
  const code = error.code ?? '';
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
}
