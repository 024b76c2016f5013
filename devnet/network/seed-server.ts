/**
 * The devnet's seed node: an oxend public JSON-RPC endpoint over HTTPS, `POST /json_rpc`, that knows
 * one family of methods, `get_service_nodes` and its aliases `get_n_service_nodes` and
 * `get_all_service_nodes` (answered by devnet/node/oxend.ts, the same code behind the storage
 * nodes' `oxend_request`, so both list the network alike). Answers follow oxend's http_server:
 * `Content-Type: application/json` exactly (desktop compares the string), JSON-RPC errors as HTTP 200
 * with an `error` object, anything but `POST /json_rpc` a plain-text 404.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringifyJson, type Json, type JsonObject } from '../node/json.ts';
import { getServiceNodes } from '../node/oxend.ts';
import type { NodeRecord } from '../node/types.ts';
import { DEVNET_HARDFORK, LOOPBACK, MAX_REQUEST_BODY_BYTES, SEED_SERVER_HEADER, STORAGE_SERVER_VERSION } from './constants.ts';
import { jsonReply, readBodyLimited, sendReply, textReply, type WireReply } from './http-reply.ts';
import type { TlsMaterial } from './tls.ts';
import { closeServer, listen } from './listen.ts';

/** What the seed knows of the chain. */
export interface ChainView {
  nodes(): readonly NodeRecord[];
  height(): number;
  /** Milliseconds since the epoch (the devnet's clock). */
  now(): number;
}

const SERVICE_NODE_METHODS: readonly string[] = ['get_service_nodes', 'get_n_service_nodes', 'get_all_service_nodes'];

export class SeedServer {
  private server: Server | undefined;
  private boundPort = 0;

  constructor(
    private readonly tls: TlsMaterial,
    private readonly chain: ChainView,
  ) {}

  /** Listens on 127.0.0.1:`port` (0 = a free port chosen by the OS); returns the port. */
  async start(port: number): Promise<number> {
    const server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      void this.handle(req, res);
    });
    this.boundPort = await listen(server, port);
    this.server = server;
    return this.boundPort;
  }

  get url(): string {
    return `https://${LOOPBACK}:${this.boundPort}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== '/json_rpc') {
      req.resume();
      sendReply(res, textReply(404), SEED_SERVER_HEADER);
      return;
    }
    const body = await readBodyLimited(req, MAX_REQUEST_BODY_BYTES);
    if (!body.ok) {
      if (body.reason === 'too_large') sendReply(res, { ...textReply(413), close: true }, SEED_SERVER_HEADER);
      return;
    }
    sendReply(res, this.answer(body.body), SEED_SERVER_HEADER);
  }

  private answer(bytes: Uint8Array): WireReply {
    let request: unknown;
    try {
      request = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return rpcError(null, -32700, 'Parse error');
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) return rpcError(null, -32600, 'Invalid Request');
    const call = request as Record<string, unknown>;
    const id = (call['id'] ?? null) as Json;
    const method = call['method'];
    if (typeof method !== 'string') return rpcError(id, -32600, 'Invalid Request');
    if (!SERVICE_NODE_METHODS.includes(method)) return rpcError(id, -32601, 'Method not found');
    const answer = getServiceNodes(call['params'] as Json | undefined, {
      nodes: this.chain.nodes(),
      height: this.chain.height(),
      hardfork: DEVNET_HARDFORK,
      storageVersion: STORAGE_SERVER_VERSION,
      nowSeconds: Math.floor(this.chain.now() / 1000),
    });
    if ('error' in answer) return rpcError(id, -32602, 'Invalid params', `Unable to parse request: ${answer.error}`);
    return jsonReply(200, stringifyJson({ jsonrpc: '2.0', id, result: answer.result }));
  }
}

function rpcError(id: Json, code: number, message: string, data?: string): WireReply {
  const error: JsonObject = { code, message };
  if (data !== undefined) error['data'] = data;
  return jsonReply(200, stringifyJson({ jsonrpc: '2.0', id, error }));
}
