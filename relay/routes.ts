/**
 * The relay's forwarding routes (src/shared/relay-api.ts). They log what was asked, of whom, and how
 * it ended; never a body, never the client's address.
 *
 * Each forwarding request passes, in this order: the client's rate and concurrency limits (429), the
 * method (405), the Origin (403), the content type (415), the address (400), the body cap (413) and
 * the node directory (403), before anything is sent upstream. Whatever comes back is typed by the
 * route, never by the node (api-checks.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import {
  NETWORK_PATH,
  ONION_CONTENT_TYPE,
  ONION_LARGE_PATH_PREFIX,
  ONION_PATH_PREFIX,
  SEED_CONTENT_TYPE,
  SEED_PATH,
  type DevnetPollOverride,
  type NetworkAnswer,
} from '../src/shared/relay-api.ts';
import type { FileServerProfile } from '../src/shared/file-server-api.ts';
import { applyApiHeaders, hasContentType, isAllowedOrigin } from './api-checks.ts';
import { ByteBudget } from './byte-budget.ts';
import { ClientLimiter } from './client-limiter.ts';
import { BodyTooLargeError, ClientGoneError, readBody, sendRelayError } from './http-io.ts';
import { postHttps } from './https-post.ts';
import { relayLimits, type RelayLimits } from './limits.ts';
import type { NodeDirectory } from './node-directory.ts';
import type { SeedProfile } from './seed-profiles.ts';
import { SeedsUnavailableError, askSeeds } from './seeds.ts';
import type { Route } from './server.ts';

export interface ForwardingOptions {
  readonly profile: SeedProfile;
  readonly directory: NodeDirectory;
  readonly log?: (line: string) => void;
  /** The relay's limits (limits.ts); the defaults when not given. */
  readonly limits?: RelayLimits;
  /** Origins besides the relay's own whose pages may call the API (the CORS list, cors.ts). */
  readonly allowedOrigins?: readonly string[];
  /**
   * The devnet's echo peer, named in `GET /v1/network` once it runs (read on every request, so
   * `npm start` can tell the relay after the peer has started). Only its public Session ID.
   */
  readonly echoPeer?: () => string | undefined;
  /** Devnet only: the fixed pace `GET /v1/network` tells clients to poll at (benchmarks). */
  readonly devnetPollOverride?: DevnetPollOverride;
  /** The devnet's file server, named in `GET /v1/network` on a devnet (never on mainnet). */
  readonly fileServer?: FileServerProfile;
}

const SESSION_ID = /^05[0-9a-f]{64}$/;

/** What every forwarding route shares: its limits, the client limiter, the allowed origins, the log. */
interface Context {
  readonly options: ForwardingOptions;
  readonly limits: RelayLimits;
  readonly limiter: ClientLimiter;
  /** The large-onion route's own, tighter limiter (a request there passes both). */
  readonly largeLimiter: ClientLimiter;
  readonly answerBudget: ByteBudget;
  readonly origins: ReadonlySet<string>;
  readonly log: (line: string) => void;
}

export function forwardingRoutes(options: ForwardingOptions): Route[] {
  const limits = options.limits ?? relayLimits();
  const context: Context = {
    options,
    limits,
    limiter: new ClientLimiter(limits),
    largeLimiter: new ClientLimiter({
      clientBurst: limits.largeClientBurst,
      clientRefillPerSecond: limits.largeClientRefillPerSecond,
      clientMaxConcurrent: limits.largeClientMaxConcurrent,
      maxTrackedClients: limits.maxTrackedClients,
    }),
    answerBudget: new ByteBudget(limits.bufferedAnswerBytes),
    origins: new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin)),
    log: options.log ?? ((line: string) => console.log(line)),
  };
  return [
    onionRoute(context, { prefix: ONION_PATH_PREFIX, bodyBytes: limits.onionRequestBytes }),
    onionRoute(context, { prefix: ONION_LARGE_PATH_PREFIX, bodyBytes: limits.largeOnionRequestBytes, limiter: context.largeLimiter }),
    seedRoute(context),
    networkRoute(options),
  ];
}

function networkRoute(options: ForwardingOptions): Route {
  return (req, res) => {
    if (pathOf(req) !== NETWORK_PATH) return false;
    applyApiHeaders(res);
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      sendRelayError(res, 405, 'method_not_allowed', 'GET only');
      return true;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    const devnet = options.profile.name === 'devnet';
    const echoPeer = devnet ? options.echoPeer?.() : undefined;
    const pollOverride = devnet ? options.devnetPollOverride : undefined;
    const fileServer = devnet ? options.fileServer : undefined;
    const answer: NetworkAnswer = {
      network: options.profile.name,
      ...(echoPeer !== undefined && SESSION_ID.test(echoPeer) ? { echoPeer } : {}),
      ...(pollOverride !== undefined ? { pollOverride } : {}),
      ...(fileServer !== undefined ? { fileServer } : {}),
    };
    res.end(JSON.stringify(answer));
    return true;
  };
}

/** One onion route: where it lives, its body cap, and a limiter of its own on top of the shared one. */
interface OnionRouteShape {
  readonly prefix: string;
  readonly bodyBytes: number;
  readonly limiter?: ClientLimiter;
}

function onionRoute(context: Context, shape: OnionRouteShape): Route {
  const { limits, log } = context;
  return async (req, res) => {
    const path = pathOf(req);
    if (!path.startsWith(shape.prefix)) return false;
    await forward(context, req, res, ONION_CONTENT_TYPE, shape.limiter, async (signal) => {
      const started = Date.now();
      const address = parseAddress(path.slice(shape.prefix.length));
      if (address === undefined) {
        sendRelayError(res, 400, 'bad_request', `expected ${shape.prefix}<ipv4>:<port>`);
        return;
      }
      const body = await readLimited(req, res, shape.bodyBytes);
      if (body === undefined) return;
      if (!(await context.options.directory.isKnown(address.ip, address.port))) {
        sendRelayError(res, 403, 'unknown_node', 'not a known service node');
        log(`relay: onion → ${address.ip}:${address.port} refused (unknown node)`);
        return;
      }
      const outcome = await postHttps(new URL(`https://${address.ip}:${address.port}/onion_req/v2`), {
        body,
        contentType: ONION_CONTENT_TYPE,
        timeoutMs: limits.nodeTimeoutMs,
        maxResponseBytes: limits.nodeAnswerBytes,
        tls: { kind: 'any-certificate' },
        signal,
        budget: context.answerBudget,
      });
      const took = `${Date.now() - started} ms`;
      if (!outcome.ok) {
        if (outcome.failure === 'aborted') {
          log(`relay: onion → ${address.ip}:${address.port} dropped (client gone) after ${took}`);
        } else if (outcome.failure === 'timeout') {
          sendRelayError(res, 504, 'node_timeout', 'guard timeout');
        } else if (outcome.failure === 'busy') {
          res.setHeader('Retry-After', '1');
          sendRelayError(res, 503, 'relay_busy', 'the relay holds too many answers at once');
        } else if (outcome.failure === 'too_large') {
          sendRelayError(res, 502, 'answer_too_large', `the guard's answer is over ${limits.nodeAnswerBytes} bytes`);
        } else {
          sendRelayError(res, 502, 'node_unreachable', `guard ${outcome.failure}`);
        }
        if (outcome.failure !== 'aborted') log(`relay: onion → ${address.ip}:${address.port} ${outcome.failure} after ${took}`);
        return;
      }
      // The node's status and bytes, unchanged; their type is ours to say, never the node's.
      res.statusCode = outcome.status;
      res.setHeader('Content-Type', ONION_CONTENT_TYPE);
      res.end(outcome.body);
      log(`relay: onion → ${address.ip}:${address.port} ${outcome.status} ${body.length}/${outcome.body.length} B ${took}`);
    });
    return true;
  };
}

function seedRoute(context: Context): Route {
  const { options, limits, log } = context;
  return async (req, res) => {
    if (pathOf(req) !== SEED_PATH) return false;
    await forward(context, req, res, SEED_CONTENT_TYPE, undefined, async (signal) => {
      const body = await readLimited(req, res, limits.seedRequestBytes);
      if (body === undefined) return;
      if (!isServiceNodeListRequest(body)) {
        sendRelayError(res, 400, 'bad_request', 'only get_n_service_nodes is relayed to seeds');
        return;
      }
      try {
        const answer = await askSeeds(options.profile, body, limits, signal);
        if (signal.aborted) return;
        res.statusCode = 200;
        res.setHeader('Content-Type', SEED_CONTENT_TYPE);
        res.end(answer.body);
        log(`relay: seed ${answer.seedUrl} 200 ${answer.body.length} B`);
      } catch (error) {
        if (!(error instanceof SeedsUnavailableError)) throw error;
        if (signal.aborted) return;
        sendRelayError(res, 502, 'seeds_unavailable', 'no seed node answered');
        log(`relay: seeds unavailable: ${error.reasons.join('; ')}`);
      }
    });
    return true;
  };
}

/**
 * The checks every forwarding request passes before `handle` runs, and the client's slot while it
 * runs. `handle` gets a signal that aborts when the client's connection closes first, so that an
 * upstream request nobody waits for is dropped.
 */
async function forward(
  context: Context,
  req: IncomingMessage,
  res: ServerResponse,
  contentType: string,
  routeLimiter: ClientLimiter | undefined,
  handle: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  applyApiHeaders(res);
  const admission = context.limiter.admit(req.socket.remoteAddress);
  if (!admission.admitted) {
    res.setHeader('Retry-After', String(admission.retryAfterSeconds));
    sendRelayError(res, 429, 'rate_limited', admission.reason === 'rate' ? 'too many requests' : 'too many requests at once');
    return;
  }
  const routeAdmission = routeLimiter?.admit(req.socket.remoteAddress);
  if (routeAdmission !== undefined && !routeAdmission.admitted) {
    admission.release();
    res.setHeader('Retry-After', String(routeAdmission.retryAfterSeconds));
    sendRelayError(res, 429, 'rate_limited', routeAdmission.reason === 'rate' ? 'too many large requests' : 'too many large requests at once');
    return;
  }
  const clientGone = new AbortController();
  res.once('close', () => {
    admission.release();
    if (routeAdmission?.admitted) routeAdmission.release();
    if (!res.writableFinished) clientGone.abort();
  });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendRelayError(res, 405, 'method_not_allowed', 'POST only');
    return;
  }
  if (!isAllowedOrigin(req, context.origins)) {
    sendRelayError(res, 403, 'foreign_origin', 'pages of other origins may not use this relay');
    return;
  }
  if (!hasContentType(req, contentType)) {
    sendRelayError(res, 415, 'unsupported_media_type', `the body must be ${contentType}`);
    return;
  }
  await handle(clientGone.signal);
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

/** The body, or undefined once the request has been answered (413) or its client has gone. */
async function readLimited(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof ClientGoneError) {
      res.destroy();
      return undefined;
    }
    if (!(error instanceof BodyTooLargeError)) throw error;
    // The rest of the body is not read: the connection ends with this answer (sendRelayError).
    sendRelayError(res, 413, 'body_too_large', `bodies over ${limit} bytes are refused here`);
    return undefined;
  }
}

/** `<ipv4>:<port>` only: service nodes are listed by IPv4 address and the storage server refuses others. */
export function parseAddress(text: string): { ip: string; port: number } | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const ip = match[1]!;
  const port = Number(match[2]);
  if (!isIPv4(ip) || port < 1 || port > 65_535) return undefined;
  return { ip, port };
}

function isServiceNodeListRequest(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { method?: unknown } | null;
    return parsed?.method === 'get_n_service_nodes';
  } catch {
    return false;
  }
}
