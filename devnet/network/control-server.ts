/**
 * The devnet's control port: fault injection for tests in other processes (Playwright), over plain
 * HTTP on 127.0.0.1. Anything that can reach a loopback port could otherwise stop nodes or shift the
 * clock — a web page too, through DNS rebinding (its own name resolving to 127.0.0.1) — so every
 * request must pass, in this order:
 *   1. the peer is loopback                                           else 403;
 *   2. `Host` is exactly `127.0.0.1:<port>` or `localhost:<port>`     else 421 (a rebound page
 *      sends its own name);
 *   3. no `Origin` and no `Sec-Fetch-Site` header                     else 403 (browsers send one
 *      of them on every request; Node clients — tests, Playwright's request context — send none);
 *   4. `Authorization: Bearer <token>`, the per-run random token      else 401.
 * POSTs must also say `Content-Type: application/json`.
 *
 *   GET  /                      {seedUrl, clockOffsetMs, nodes:[…]}
 *   GET  /nodes                 the node table
 *   GET  /nodes/<id>            one node (<id> = index or Ed25519 hex)
 *   POST /nodes/<id>/stop | /start | /restart | /clear   (clear: every fault off)
 *   POST /nodes/<id>/fail503    {"on":true,"reason":"not done syncing"}
 *   POST /nodes/<id>/garbage    {"on":true}
 *   POST /nodes/<id>/delay      {"ms":3000}
 *   POST /clock                 {"offsetMs":-60000}
 *   POST /prune                 prune expired messages now
 * Answers are JSON: the node (or table) after the change, or {"error":"…"} with 400/401/403/404/421.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isParleyError, ParleyError } from '../../src/shared/errors.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { LOOPBACK } from './constants.ts';
import { readBodyLimited } from './http-reply.ts';
import { closeServer, listen } from './listen.ts';
import type { ServiceNodeHost } from './node-host.ts';

/** The part of Devnet the control port drives. */
export interface ControlledDevnet {
  readonly seedUrl: string;
  readonly clockOffsetMs: number;
  table(): DevnetNodeInfo[];
  node(which: number | string): ServiceNodeHost;
  setClockOffset(ms: number): void;
  pruneExpired(): Promise<void>;
}

type Json = Record<string, unknown> | unknown[];

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_CONTROL_BODY = 64 * 1024;

/** A fresh control token: 32 random bytes, base64url (43 characters, safe in a header and a shell). */
export function newControlToken(): string {
  return randomBytes(32).toString('base64url');
}

export class ControlServer {
  private server: Server | undefined;
  private port = 0;
  private readonly tokenBytes: Buffer;

  /** `token`: what `Authorization: Bearer` must carry (at least 16 characters; see newControlToken). */
  constructor(
    private readonly devnet: ControlledDevnet,
    readonly token: string,
  ) {
    if (typeof token !== 'string' || token.length < 16 || !/^[\x21-\x7e]+$/.test(token)) {
      throw new ParleyError('invalid_argument', 'the control token must be at least 16 printable ASCII characters', { param: 'controlToken', problem: 'format' });
    }
    this.tokenBytes = Buffer.from(token, 'utf8');
  }

  async start(port: number): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        const status = error instanceof ControlError ? error.status : isParleyError(error, 'invalid_argument') ? 400 : 500;
        answer(res, status, { error: error instanceof Error ? error.message : String(error) });
      });
    });
    this.port = await listen(server, port);
    this.server = server;
    return this.port;
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) throw new ControlError(403, 'the control port answers loopback peers only');
    const host = req.headers.host;
    if (host !== `${LOOPBACK}:${this.port}` && host !== `localhost:${this.port}`) {
      throw new ControlError(421, `the control port answers only Host ${LOOPBACK}:${this.port} or localhost:${this.port}`);
    }
    if (req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined) {
      throw new ControlError(403, 'the control port refuses requests from web pages');
    }
    if (!this.authorized(req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="parley-devnet-control"');
      throw new ControlError(401, 'the control port needs Authorization: Bearer <the token the devnet printed>');
    }
    const method = req.method ?? 'GET';
    const parts = (req.url ?? '/').split('?')[0]!.split('/').filter((part) => part.length > 0);
    if (method === 'GET') {
      req.resume();
      return answer(res, 200, this.read(parts));
    }
    if (method !== 'POST') throw new ControlError(404, `${method} ${req.url ?? '/'} is not a control action`);
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new ControlError(400, 'POST needs Content-Type: application/json');
    }
    const body = await readJson(req);
    return answer(res, 200, await this.act(parts, body));
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!, 'utf8');
    return given.length === this.tokenBytes.length && timingSafeEqual(given, this.tokenBytes);
  }

  private read(parts: string[]): Json {
    if (parts.length === 0) {
      return { seedUrl: this.devnet.seedUrl, clockOffsetMs: this.devnet.clockOffsetMs, nodes: this.devnet.table() };
    }
    if (parts[0] === 'nodes' && parts.length === 1) return this.devnet.table();
    if (parts[0] === 'nodes' && parts.length === 2) return this.info(this.host(parts[1]!));
    throw new ControlError(404, `no such resource /${parts.join('/')}`);
  }

  private async act(parts: string[], body: Record<string, unknown>): Promise<Json> {
    if (parts.length === 1 && parts[0] === 'clock') {
      const offset = body['offsetMs'];
      if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) throw new ControlError(400, 'offsetMs must be an integer');
      this.devnet.setClockOffset(offset);
      return { clockOffsetMs: this.devnet.clockOffsetMs };
    }
    if (parts.length === 1 && parts[0] === 'prune') {
      await this.devnet.pruneExpired();
      return { pruned: true };
    }
    if (parts.length !== 3 || parts[0] !== 'nodes') throw new ControlError(404, `no such action /${parts.join('/')}`);
    const host = this.host(parts[1]!);
    const on = body['on'] ?? true;
    switch (parts[2]) {
      case 'stop':
        await host.stop();
        break;
      case 'start':
        await host.start();
        break;
      case 'restart':
        await host.restart();
        break;
      case 'clear':
        host.clearFaults();
        break;
      case 'fail503': {
        const reason = body['reason'];
        if (typeof on !== 'boolean') throw new ControlError(400, 'on must be a boolean');
        if (reason !== undefined && typeof reason !== 'string') throw new ControlError(400, 'reason must be a string');
        host.fail503(on, reason);
        break;
      }
      case 'garbage':
        if (typeof on !== 'boolean') throw new ControlError(400, 'on must be a boolean');
        host.garbage(on);
        break;
      case 'delay': {
        const ms = body['ms'];
        if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) throw new ControlError(400, 'ms must be a non-negative integer');
        host.delay(ms);
        break;
      }
      default:
        throw new ControlError(404, `no such node action ${parts[2]}`);
    }
    return this.info(host);
  }

  private host(id: string): ServiceNodeHost {
    try {
      return this.devnet.node(/^\d+$/.test(id) ? Number(id) : id);
    } catch {
      throw new ControlError(404, `no devnet node ${id}`);
    }
  }

  private info(host: ServiceNodeHost): Json {
    const found = this.devnet.table().find((row) => row.index === host.index);
    if (!found) throw new ControlError(404, `node ${host.index} has no record yet`);
    return { ...found };
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBodyLimited(req, MAX_CONTROL_BODY);
  if (!body.ok) throw new ControlError(400, 'body too large or incomplete');
  if (body.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body.body));
  } catch {
    throw new ControlError(400, 'body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ControlError(400, 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function answer(res: ServerResponse, status: number, json: Json): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(json);
  // A refused request may leave an unread body behind: close rather than reuse that connection.
  const close = status >= 400 ? { Connection: 'close' } : {};
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...close });
  res.end(body);
}
