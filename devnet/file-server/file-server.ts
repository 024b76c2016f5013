/**
 * The devnet's file server: Session's file server as clients see it (client-protocol.md §6.3),
 * reached only through onion requests v4 (network-protocol.md §4.4). It listens on 127.0.0.1 for
 * what an onion's last node proxies to `/oxen/v4/lsrpc` (or `/loki/v4/lsrpc`), opens the layer
 * with its own X25519 key, routes the v4 request and seals the v4 reply with the request's key.
 * There is no plain HTTP API: anything else is 404, so a client cannot skip the onion.
 *
 *   POST /file                 raw body → 200 {"id","expires"}   (400 empty, 413 over 10,000,000 bytes)
 *   GET  /file/<id>            → 200 the bytes                   (404 unknown or expired)
 *   POST /file/<id>/extend     → 200 {"id","expires"}            (404)
 *   GET  /file/<id>/info       → 200 {"id","size","uploaded","expires"} (404)
 *
 * `X-FS-TTL` (seconds, 1 … 3 weeks) sets an upload's or an extension's lifetime; default 3 weeks.
 * Errors are JSON `{"error": "<text>"}` with the status as the v4 reply's code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  FILE_SERVER_DEFAULT_TTL_SECONDS,
  FILE_SERVER_MAX_BYTES,
  FILE_SERVER_MAX_TTL_SECONDS,
  FILE_SERVER_TTL_HEADER,
  FILE_SERVER_UPLOAD_PATH,
  type FileInfoAnswer,
  type FileUploadAnswer,
} from '../../src/shared/file-server-api.ts';
import { isParleyError } from '../../src/shared/errors.ts';
import { toHex } from '../../wasm/bytes.ts';
import { decodeV4Request, encryptV4Reply, openServerRequest, type V4Reply, type V4Request } from '../../wasm/onion/index.ts';
import { wipe } from '../../wasm/sodium.ts';
import { readBodyLimited, sendReply, textReply } from '../network/http-reply.ts';
import { closeServer, listen } from '../network/listen.ts';
import type { FileServerKeys } from './file-server-keys.ts';
import type { FileStore } from './file-store.ts';

const SERVER_HEADER = 'Parley devnet file server';
/** Room for the onion layer's length prefix, AEAD overhead, JSON trailer and the v4 framing around a full body. */
const ONION_OVERHEAD_BYTES = 64 * 1024;
const ONION_PATHS = new Set(['/oxen/v4/lsrpc', '/loki/v4/lsrpc']);
const FILE_PATH = /^\/file\/([^/]+)$/;
const FILE_ACTION_PATH = /^\/file\/([^/]+)\/(extend|info)$/;

export class FileServer {
  private server: Server | undefined;
  private boundPort = 0;

  constructor(
    private readonly keys: FileServerKeys,
    private readonly store: FileStore,
  ) {}

  async start(port: number): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.boundPort = await listen(server, port);
    this.server = server;
    return this.boundPort;
  }

  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  get ed25519PublicKeyHex(): string {
    return toHex(this.keys.ed25519PublicKey);
  }

  get x25519PublicKeyHex(): string {
    return toHex(this.keys.x25519PublicKey);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || !ONION_PATHS.has(path)) {
        sendReply(res, textReply(404, 'Not found'), SERVER_HEADER);
        return;
      }
      const body = await readBodyLimited(req, FILE_SERVER_MAX_BYTES + ONION_OVERHEAD_BYTES);
      if (!body.ok) {
        if (body.reason === 'too_large') sendReply(res, { ...textReply(413, 'Request body too large'), close: true }, SERVER_HEADER);
        return;
      }
      sendReply(res, await this.answerOnion(body.body), SERVER_HEADER);
    } catch (error) {
      console.error('devnet file server:', error);
      sendReply(res, textReply(500, 'Internal error'), SERVER_HEADER);
    }
  }

  private async answerOnion(body: Uint8Array): Promise<{ status: number; contentType: string; body: Uint8Array | string }> {
    let opened;
    try {
      opened = await openServerRequest(body, this.keys.x25519SecretKey, this.keys.x25519PublicKey);
    } catch (error) {
      if (isParleyError(error)) return textReply(400, 'Invalid onion request');
      throw error;
    }
    try {
      let reply: V4Reply;
      try {
        reply = this.route(decodeV4Request(opened.plaintext));
      } catch (error) {
        if (!isParleyError(error, 'onion_malformed')) throw error;
        reply = jsonError(400, 'invalid v4 request');
      }
      return { status: 200, contentType: 'application/octet-stream', body: await encryptV4Reply(reply, opened.replyKey, opened.encType) };
    } finally {
      wipe(opened.replyKey);
    }
  }

  /** One v4 request to one answer; exported behaviour is in the header comment. */
  route(request: V4Request): V4Reply {
    const method = request.method.toUpperCase();
    const endpoint = request.endpoint.split('?')[0] ?? '';
    if (endpoint === FILE_SERVER_UPLOAD_PATH) {
      if (method !== 'POST') return jsonError(405, 'use POST to upload');
      const body = request.body ?? new Uint8Array(0);
      if (body.length === 0) return jsonError(400, 'empty upload');
      if (body.length > FILE_SERVER_MAX_BYTES) return jsonError(413, `upload over ${FILE_SERVER_MAX_BYTES} bytes`);
      const ttl = ttlOf(request);
      if (ttl === undefined) return jsonError(400, `${FILE_SERVER_TTL_HEADER} must be whole seconds within [1, ${FILE_SERVER_MAX_TTL_SECONDS}]`);
      const stored = this.store.put(body, ttl);
      return json(200, { id: stored.id, expires: stored.expires } satisfies FileUploadAnswer);
    }
    const action = FILE_ACTION_PATH.exec(endpoint);
    if (action !== null) {
      const [, id, verb] = action as unknown as [string, string, 'extend' | 'info'];
      if (verb === 'extend') {
        if (method !== 'POST') return jsonError(405, 'use POST to extend');
        const ttl = ttlOf(request);
        if (ttl === undefined) return jsonError(400, `${FILE_SERVER_TTL_HEADER} must be whole seconds within [1, ${FILE_SERVER_MAX_TTL_SECONDS}]`);
        const extended = this.store.extend(id, ttl);
        return extended === undefined ? notFound() : json(200, { id, expires: extended.expires } satisfies FileUploadAnswer);
      }
      if (method !== 'GET') return jsonError(405, 'use GET for info');
      const info = this.store.info(id);
      return info === undefined ? notFound() : json(200, { id, size: info.size, uploaded: info.uploaded, expires: info.expires } satisfies FileInfoAnswer);
    }
    const file = FILE_PATH.exec(endpoint);
    if (file !== null) {
      if (method !== 'GET') return jsonError(405, 'use GET to download');
      const bytes = this.store.get(file[1]!);
      return bytes === undefined ? notFound() : { code: 200, headers: { 'content-type': 'application/octet-stream' }, body: bytes };
    }
    return jsonError(404, 'no such endpoint');
  }
}

/** X-FS-TTL (any case), or the default; undefined when it is there but not a usable number. */
function ttlOf(request: V4Request): number | undefined {
  const name = FILE_SERVER_TTL_HEADER.toLowerCase();
  const entry = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name);
  if (entry === undefined) return FILE_SERVER_DEFAULT_TTL_SECONDS;
  if (!/^[0-9]{1,10}$/.test(entry[1])) return undefined;
  const ttl = Number(entry[1]);
  return ttl >= 1 && ttl <= FILE_SERVER_MAX_TTL_SECONDS ? ttl : undefined;
}

function json(code: number, value: unknown): V4Reply {
  return { code, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify(value)) };
}

function jsonError(code: number, message: string): V4Reply {
  return json(code, { error: message });
}

function notFound(): V4Reply {
  return jsonError(404, 'no such file, or it expired');
}
