/**
 * One HTTPS POST from the relay to a service node or a seed, with a deadline, a cap on the answer's
 * size, and a TLS rule chosen by the caller. Failures come back as a typed outcome, never as a throw,
 * so each route can map them to its own answer.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ByteBudget } from './byte-budget.ts';
import { UPSTREAM_SOCKETS_PER_NODE } from './limits.ts';
import type { SeedTrust } from './seed-profiles.ts';

export type TlsRule =
  /** Service nodes: self-signed, addressed by IP; onion encryption, not TLS, authenticates them. */
  | { readonly kind: 'any-certificate' }
  | SeedTrust;

export interface PostOptions {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly tls: TlsRule;
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborting it drops the request and its connection at once (a lost seed race, a client gone). */
  readonly signal?: AbortSignal;
  /** The relay-wide budget the answer's bytes are taken from while it is read (byte-budget.ts). */
  readonly budget?: ByteBudget;
}

export type PostOutcome =
  | { readonly ok: true; readonly status: number; readonly contentType: string | undefined; readonly body: Buffer }
  | { readonly ok: false; readonly failure: 'timeout' | 'unreachable' | 'untrusted' | 'too_large' | 'aborted' | 'busy'; readonly detail: string };

/** Keep-alive connections to service nodes: a path's guard is reused for many requests. */
const nodeAgent = new https.Agent({ keepAlive: true, maxSockets: UPSTREAM_SOCKETS_PER_NODE, rejectUnauthorized: false });

export function postHttps(url: URL, options: PostOptions): Promise<PostOutcome> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ ok: false, failure: 'aborted', detail: 'aborted before sending' });
      return;
    }
    let settled = false;
    let budgeted = 0;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Handed to the caller (or dropped): the bytes no longer wait here.
      options.budget?.give(budgeted);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // Every way out that leaves the answer unread destroys the request and so its socket: a socket
    // with unread bytes must not go back to the keep-alive pool, nor keep reading for nobody.
    const abandon = (outcome: PostOutcome) => {
      settle(outcome);
      request.destroy();
    };
    const onAbort = () => abandon({ ok: false, failure: 'aborted', detail: 'aborted' });
    const pinned = options.tls.kind === 'pinned' ? options.tls : undefined;
    const request = https.request(url, {
      method: 'POST',
      headers: {
        'Content-Type': options.contentType,
        'Content-Length': String(options.body.length),
        ...options.headers,
      },
      // A pinned seed gets a fresh connection, so the pin check below runs before any byte is sent.
      agent: options.tls.kind === 'any-certificate' ? nodeAgent : false,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => abandon({ ok: false, failure: 'timeout', detail: `no answer within ${options.timeoutMs} ms` }), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    request.on('error', (error: NodeJS.ErrnoException) => {
      settle({ ok: false, failure: 'unreachable', detail: error.code ?? error.message });
    });
    request.on('response', (response) => {
      if (Number(response.headers['content-length'] ?? 0) > options.maxResponseBytes) {
        abandon({ ok: false, failure: 'too_large', detail: `answer declared over ${options.maxResponseBytes} bytes` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          abandon({ ok: false, failure: 'too_large', detail: `answer over ${options.maxResponseBytes} bytes` });
          return;
        }
        if (options.budget !== undefined) {
          if (!options.budget.take(chunk.length)) {
            abandon({ ok: false, failure: 'busy', detail: `the relay holds ${options.budget.inUse} bytes of answers already` });
            return;
          }
          budgeted += chunk.length;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        settle({
          ok: true,
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: Buffer.concat(chunks),
        });
      });
      response.on('error', (error) => settle({ ok: false, failure: 'unreachable', detail: error.message }));
    });

    if (pinned === undefined) {
      request.end(options.body);
      return;
    }
    request.once('socket', (socket) => {
      (socket as TLSSocket).once('secureConnect', () => {
        const certificate = (socket as TLSSocket).getPeerX509Certificate();
        if (certificate === undefined || !matchesPins(certificate, pinned)) {
          abandon({ ok: false, failure: 'untrusted', detail: 'the seed certificate does not match its pins' });
          return;
        }
        request.end(options.body);
      });
    });
  });
}

/** Both pins must match: the certificate's public key and the certificate itself. */
export function matchesPins(
  certificate: X509Certificate,
  pins: { readonly spkiSha256Base64: string; readonly certFingerprint256: string },
): boolean {
  const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
  const spkiHash = createHash('sha256').update(spki).digest('base64');
  return spkiHash === pins.spkiSha256Base64 && certificate.fingerprint256 === pins.certFingerprint256;
}
