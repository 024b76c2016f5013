/**
 * One service node's HTTPS listener (SS `server/https.cpp`), bound to 127.0.0.1 only.
 *
 * Routes: POST /storage_rpc/v1, POST /onion_req/v2, POST /ping_test/v1, GET /get_stats/v1; anything
 * else 404 "<METHOD> <path> Not Found" (the method as sent, the path without its query, as the
 * current SS writes it). No CORS headers, no OPTIONS. `Server: Oxen Storage Server/2.8.0` everywhere.
 * Pre-checks, in SS's order:
 *   /storage_rpc/v1: not ready 503 → not IPv4 400 → rate limit 429 → X-Loki-Long-Poll 410 →
 *                    Content-Length over 10 MiB 413;
 *   /onion_req/v2:   not ready 503 → Content-Length over 10 MiB 413.
 * A body without Content-Length is counted as it streams and refused with 413 once past 10 MiB.
 * Request framing Node's parser refuses gets uWebSockets' raw 400 (or SS's "invalid
 * Content-Length" text for an unparsable Content-Length) and the connection is closed.
 * Fault modes come from `state()`: delay every answer, answer random bytes, or be "not ready".
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4, type Socket } from 'node:net';
import { DEVNET_RELAY_HEADER, MAX_REQUEST_BODY_BYTES, SNODE_PUBKEY_HEADER, SNODE_SERVER_HEADER, STORAGE_SERVER_VERSION_STRING } from './constants.ts';
import { jsonReply, readBodyLimited, sendReply, textReply, type WireReply } from './http-reply.ts';
import { closeServer, listen } from './listen.ts';
import type { OnionRouter } from './onion-router.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { StorageEngine } from './storage-engine.ts';
import { sleep } from './timers.ts';
import type { TlsMaterial } from './tls.ts';

export interface ServingState {
  /** Set while the node is in 503 mode: the reason it gives. */
  readonly notReadyReason: string | undefined;
  readonly garbage: boolean;
  readonly delayMs: number;
}

export interface SnodeServerDeps {
  readonly tls: TlsMaterial;
  /** base64 of the node's primary key, for ping_test. */
  readonly pubkeyBase64: string;
  readonly state: () => ServingState;
  /** Undefined while the node's storage is not open (answers 503). */
  readonly storage: () => StorageEngine | undefined;
  readonly onion: OnionRouter;
  /** Absent: no rate limiting. */
  readonly rateLimiter: RateLimiter | undefined;
}

const UWS_BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\n\r\n<h1>Bad Request</h1><hr><i>uWebSockets/20 Server</i>';
const UWS_HEADERS_TOO_LARGE =
  'HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n<h1>Request Header Fields Too Large</h1><hr><i>uWebSockets/20 Server</i>';
/** uWebSockets buffers at most 4 KiB of request head. */
const MAX_HEADER_BYTES = 4096;
/** After refusing an oversized body, give the client this long to read the 413 before the socket goes. */
const REFUSED_BODY_GRACE_MS = 1000;

export class SnodeServer {
  private server: Server | undefined;

  constructor(private readonly deps: SnodeServerDeps) {}

  async start(port: number): Promise<number> {
    const server = createServer({ cert: this.deps.tls.cert, key: this.deps.tls.key, maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      this.handle(req, res).catch(() => sendReply(res, textReply(500, 'request failed'), SNODE_SERVER_HEADER));
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
    const bound = await listen(server, port);
    this.server = server;
    return bound;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const delayMs = this.deps.state().delayMs;
    if (delayMs > 0) await sleep(delayMs);
    if (this.deps.state().garbage) {
      req.resume();
      this.send(res, { status: 200, contentType: 'text/plain', body: new Uint8Array(randomBytes(randomInt(1, 257))) });
      return;
    }
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (method === 'POST' && path === '/storage_rpc/v1') return this.storageRpc(req, res);
    if (method === 'POST' && path === '/onion_req/v2') return this.onionRequest(req, res);
    req.resume();
    if (method === 'POST' && path === '/ping_test/v1') {
      this.send(res, { status: 200, contentType: 'text/plain', body: '', headers: [[SNODE_PUBKEY_HEADER, this.deps.pubkeyBase64]] });
    } else if (method === 'GET' && path === '/get_stats/v1') {
      this.send(res, jsonReply(200, JSON.stringify({ version: STORAGE_SERVER_VERSION_STRING })));
    } else {
      // The method as the client sent it (SS passes uWebSockets' case-sensitive method), the path
      // without its query (uWebSockets' getUrl).
      this.send(res, textReply(404, `${method} ${path} Not Found`));
    }
  }

  private async storageRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const storage = this.deps.storage();
    const refusal =
      this.notReady(storage) ??
      (!isIPv4(req.socket.remoteAddress ?? '') ? textReply(400) : undefined) ??
      (this.deps.rateLimiter?.shouldLimit(req.socket.remoteAddress ?? '') ? textReply(429) : undefined) ??
      (req.headers['x-loki-long-poll'] !== undefined
        ? textReply(410, 'long polling is no longer supported, client upgrade required')
        : undefined) ??
      tooLargeByHeader(req);
    if (refusal) return this.refuse(req, res, refusal);
    const body = await this.readBody(req, res);
    if (body === undefined || storage === undefined) return;
    let reply: WireReply;
    try {
      reply = await storage.handleRpc(body);
    } catch (error) {
      reply = textReply(500, `Exception caught with processing client request: ${(error as Error).message}`);
    }
    this.send(res, reply);
  }

  private async onionRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const relayed = req.headers[DEVNET_RELAY_HEADER.toLowerCase()] !== undefined;
    // A relayed request is checked for readiness inside the router, with the relayed-path text.
    const refusal = (relayed ? undefined : this.notReady(this.deps.storage())) ?? tooLargeByHeader(req);
    if (refusal) return this.refuse(req, res, refusal);
    const body = await this.readBody(req, res);
    if (body === undefined) return;
    this.send(res, await this.deps.onion.handle(body, relayed ? 'relayed' : 'https'));
  }

  private notReady(storage: StorageEngine | undefined): WireReply | undefined {
    const reason = this.deps.state().notReadyReason ?? (storage === undefined ? 'not done syncing' : undefined);
    return reason === undefined ? undefined : textReply(503, `Service node is not ready: ${reason}\n`);
  }

  /** The body, or undefined once a 413 has been sent (or the client went away). */
  private async readBody(req: IncomingMessage, res: ServerResponse): Promise<Uint8Array | undefined> {
    const body = await readBodyLimited(req, MAX_REQUEST_BODY_BYTES);
    if (body.ok) return body.body;
    if (body.reason === 'too_large') this.refuse(req, res, textReply(413, 'Request body too large'));
    return undefined;
  }

  /**
   * Answers without reading the body. A small unread body is drained (discarded) so the
   * connection can be kept; an oversized one is not read at all: the answer says
   * `Connection: close` and the socket goes shortly after, as SS force-closes after a 413.
   */
  private refuse(req: IncomingMessage, res: ServerResponse, reply: WireReply): void {
    if (req.complete) {
      this.send(res, reply);
      return;
    }
    const oversized = reply.status === 413 || tooLargeByHeader(req) !== undefined || req.headers['content-length'] === undefined;
    if (!oversized) {
      this.send(res, reply);
      req.resume();
      return;
    }
    this.send(res, { ...reply, close: true });
    res.once('finish', () => setTimeout(() => req.socket.destroy(), REFUSED_BODY_GRACE_MS).unref());
  }

  private send(res: ServerResponse, reply: WireReply): void {
    sendReply(res, reply, SNODE_SERVER_HEADER);
  }
}

function tooLargeByHeader(req: IncomingMessage): WireReply | undefined {
  const length = req.headers['content-length'];
  if (length === undefined) return undefined;
  return Number(length) > MAX_REQUEST_BODY_BYTES ? textReply(413, 'Request body too large') : undefined;
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  let raw = UWS_BAD_REQUEST;
  if (error.code === 'HPE_HEADER_OVERFLOW') raw = UWS_HEADERS_TOO_LARGE;
  if (error.code === 'HPE_INVALID_CONTENT_LENGTH') {
    const body = 'invalid Content-Length';
    raw = `HTTP/1.1 400 Bad Request\r\nServer: ${SNODE_SERVER_HEADER}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  }
  socket.end(raw);
  setTimeout(() => socket.destroy(), REFUSED_BODY_GRACE_MS).unref();
}
