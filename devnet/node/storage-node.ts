/**
 * One devnet service node's storage server: the `/storage_rpc/v1` body handling and the peer side
 * of recursive requests, over its own SQLite file. It never opens a socket; the network side
 * (devnet/network/) calls `handleRpc` for HTTPS and onion requests and `handleForwarded` from its
 * swarm transport. See docs/devnet.md, "Storage behaviour".
 */
import { ready } from '../../wasm/sodium.ts';
import { MessageDb } from './db.ts';
import { isJsonObject, type JsonObject, parseJsonBody, stringifyJson } from './json.ts';
import { batch, ifElse } from './meta-requests.ts';
import { fail, type MethodReply, type NodeContext } from './node-context.ts';
import { ParamError } from './params.ts';
import { getExpiries, getSwarm, info, oxend, retrieve } from './read-methods.ts';
import { type ClientRequest, RECURSIVE_METHODS } from './request-types.ts';
import { isKnownMethod, loadRequest } from './requests.ts';
import type { NetworkView, NodeKeys, NodeRecord, RpcReply, SwarmEntry, SwarmTransport } from './types.ts';
import { deleteAll, deleteBefore, deleteMessages, expire, expireAll, store } from './write-methods.ts';

export interface StorageNodeOptions {
  readonly keys: NodeKeys;
  readonly record: NodeRecord;
  /** The node's SQLite file; created when missing, reopened after a restart. */
  readonly dbPath: string;
  readonly network: NetworkView;
  readonly transport: SwarmTransport;
  /** Storage server version reported by `info`; the real server's [2, 8, 0] by default. */
  readonly version?: readonly [number, number, number];
  /** `hf` in replies; [19, 3] by default (multi-expiry `expire` needs [19, 4]). */
  readonly hardfork?: readonly [number, number];
}

export class StorageNode {
  readonly record: NodeRecord;
  private readonly ctx: NodeContext;
  private readonly db: MessageDb;

  constructor(options: StorageNodeOptions) {
    this.record = options.record;
    this.db = new MessageDb(options.dbPath);
    this.ctx = {
      db: this.db,
      keys: options.keys,
      record: options.record,
      network: options.network,
      transport: options.transport,
      version: options.version ?? [2, 8, 0],
      hardfork: options.hardfork ?? [19, 3],
    };
  }

  /** Answers a `/storage_rpc/v1` body (also an onion request's final payload). Never rejects. */
  async handleRpc(body: Uint8Array): Promise<RpcReply> {
    try {
      await ready();
      const parsed = parseJsonBody(body);
      if (parsed === undefined) return toHttp(fail(400, 'invalid json'));
      const method = isJsonObject(parsed) && Object.hasOwn(parsed, 'method') ? parsed.method : undefined;
      if (typeof method !== 'string') return toHttp(fail(400, 'invalid json: no `method` field'));
      const params = isJsonObject(parsed) && Object.hasOwn(parsed, 'params') ? parsed.params : undefined;
      if (!isJsonObject(params)) return toHttp(fail(400, 'invalid json: no `params` field'));
      return toHttp(await this.handleMethod(method, params));
    } catch {
      return toHttp(fail(500, 'request failed'));
    }
  }

  /**
   * The peer side of a recursive request (store, delete, delete_all, delete_before, expire,
   * expire_all) that another member of this node's swarm received: checked again here (with the
   * forwarded clock tolerance where the server has one), applied, and answered with this node's
   * signed entry, or a failure entry `{failed:true, code:"<status>", reason}`. Never rejects.
   */
  async handleForwarded(method: string, params: Record<string, unknown>): Promise<SwarmEntry> {
    try {
      await ready();
      // A method the server does not know goes unanswered: the entry node sees a timeout.
      if (!isKnownMethod(method)) return { failed: true, timeout: true };
      const request = loadRequest(method, params);
      if (!RECURSIVE_METHODS.has(method)) {
        return failure(400, 'invalid request: received invalid forwarded non-forwardable request');
      }
      const reply = await this.run(request, false);
      if (reply.status === 200 && typeof reply.body === 'object') return reply.body;
      return failure(reply.status, typeof reply.body === 'string' ? reply.body : stringifyJson(reply.body));
    } catch (err) {
      if (err instanceof ParamError) return failure(400, 'invalid request: ' + err.message);
      return failure(500, 'request failed');
    }
  }

  /** Deletes expired messages (the server does this every 10 s); returns how many. */
  pruneExpired(): number {
    return this.db.pruneExpired(this.ctx.network.now());
  }

  /** Number of stored messages, expired or not (for tests and status output). */
  messageCount(): number {
    return this.db.messageCount();
  }

  close(): void {
    this.db.close();
  }

  private async handleMethod(method: string, params: JsonObject): Promise<MethodReply> {
    if (!isKnownMethod(method)) return fail(400, `no method ${method}`);
    let request: ClientRequest;
    try {
      request = loadRequest(method, params);
    } catch (err) {
      if (err instanceof ParamError) return fail(400, 'invalid request: ' + err.message);
      throw err;
    }
    return this.run(request, true);
  }

  private run(request: ClientRequest, recurse: boolean): Promise<MethodReply> {
    const ctx = this.ctx;
    const sub = (r: ClientRequest) => this.run(r, true);
    switch (request.method) {
      case 'store':
        return store(ctx, request, recurse);
      case 'delete':
        return deleteMessages(ctx, request, recurse);
      case 'delete_all':
        return deleteAll(ctx, request, recurse);
      case 'delete_before':
        return deleteBefore(ctx, request, recurse);
      case 'expire_all':
        return expireAll(ctx, request, recurse);
      case 'expire':
        return expire(ctx, request, recurse);
      case 'retrieve':
        return Promise.resolve(retrieve(ctx, request));
      case 'get_expiries':
        return Promise.resolve(getExpiries(ctx, request));
      case 'get_swarm':
        return Promise.resolve(getSwarm(ctx, request));
      case 'oxend_request':
        return Promise.resolve(oxend(ctx, request));
      case 'info':
        return Promise.resolve(info(ctx));
      case 'batch':
      case 'sequence':
        return batch(request, sub);
      case 'ifelse':
        return ifElse(ctx, request, sub);
    }
  }
}

function failure(status: number, reason: string): SwarmEntry {
  // Peers report their status code as a string, as the server's inter-node replies carry it.
  return { failed: true, code: String(status), reason };
}

function toHttp(reply: MethodReply): RpcReply {
  return typeof reply.body === 'string'
    ? { status: reply.status, contentType: 'text/plain', body: reply.body }
    : { status: reply.status, contentType: 'application/json', body: stringifyJson(reply.body) };
}
