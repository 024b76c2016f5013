/**
 * The relay's forwarding routes (see api.ts). They log what was asked, of whom, and how it ended;
 * never a body, never the client's address.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import {
  MAX_NODE_ANSWER_BYTES,
  MAX_REQUEST_BYTES,
  NETWORK_PATH,
  NODE_TIMEOUT_MS,
  ONION_PATH_PREFIX,
  SEED_PATH,
  type NetworkAnswer,
} from '../src/shared/relay-api.ts';
import { BodyTooLargeError, readBody, sendRelayError } from './http-io.ts';
import { postHttps } from './https-post.ts';
import type { NodeDirectory } from './node-directory.ts';
import type { SeedProfile } from './seed-profiles.ts';
import { SeedsUnavailableError, askSeeds } from './seeds.ts';
import type { Route } from './server.ts';

export interface ForwardingOptions {
  readonly profile: SeedProfile;
  readonly directory: NodeDirectory;
  readonly log?: (line: string) => void;
  readonly nodeTimeoutMs?: number;
  /**
   * The devnet's echo peer, named in `GET /v1/network` once it runs (read on every request, so
   * `npm start` can tell the relay after the peer has started). Only its public Session ID.
   */
  readonly echoPeer?: () => string | undefined;
}

const SESSION_ID = /^05[0-9a-f]{64}$/;

export function forwardingRoutes(options: ForwardingOptions): Route[] {
  const log = options.log ?? ((line: string) => console.log(line));
  return [onionRoute(options, log), seedRoute(options, log), networkRoute(options)];
}

function networkRoute(options: ForwardingOptions): Route {
  return (req, res) => {
    if (pathOf(req) !== NETWORK_PATH) return false;
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      sendRelayError(res, 405, 'method_not_allowed', 'GET only');
      return true;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    const echoPeer = options.profile.name === 'devnet' ? options.echoPeer?.() : undefined;
    const answer: NetworkAnswer = { network: options.profile.name, ...(echoPeer !== undefined && SESSION_ID.test(echoPeer) ? { echoPeer } : {}) };
    res.end(JSON.stringify(answer));
    return true;
  };
}

function onionRoute(options: ForwardingOptions, log: (line: string) => void): Route {
  return async (req, res) => {
    const path = pathOf(req);
    if (!path.startsWith(ONION_PATH_PREFIX)) return false;
    if (!allowPost(req, res)) return true;
    const started = Date.now();
    const address = parseAddress(path.slice(ONION_PATH_PREFIX.length));
    if (address === undefined) {
      sendRelayError(res, 400, 'bad_request', 'expected /v1/onion/<ipv4>:<port>');
      return true;
    }
    const body = await readLimited(req, res);
    if (body === undefined) return true;
    if (!(await options.directory.isKnown(address.ip, address.port))) {
      sendRelayError(res, 403, 'unknown_node', 'not a known service node');
      log(`relay: onion → ${address.ip}:${address.port} refused (unknown node)`);
      return true;
    }
    const outcome = await postHttps(new URL(`https://${address.ip}:${address.port}/onion_req/v2`), {
      body,
      contentType: 'application/octet-stream',
      timeoutMs: options.nodeTimeoutMs ?? NODE_TIMEOUT_MS,
      maxResponseBytes: MAX_NODE_ANSWER_BYTES,
      tls: { kind: 'any-certificate' },
    });
    if (!outcome.ok) {
      const timeout = outcome.failure === 'timeout';
      sendRelayError(res, timeout ? 504 : 502, timeout ? 'node_timeout' : 'node_unreachable', `guard ${outcome.failure}`);
      log(`relay: onion → ${address.ip}:${address.port} ${outcome.failure} after ${Date.now() - started} ms`);
      return true;
    }
    res.statusCode = outcome.status;
    res.setHeader('Content-Type', outcome.contentType ?? 'application/octet-stream');
    res.setHeader('Cache-Control', 'no-store');
    res.end(outcome.body);
    log(`relay: onion → ${address.ip}:${address.port} ${outcome.status} ${body.length}/${outcome.body.length} B ${Date.now() - started} ms`);
    return true;
  };
}

function seedRoute(options: ForwardingOptions, log: (line: string) => void): Route {
  return async (req, res) => {
    if (pathOf(req) !== SEED_PATH) return false;
    if (!allowPost(req, res)) return true;
    const body = await readLimited(req, res);
    if (body === undefined) return true;
    if (!isServiceNodeListRequest(body)) {
      sendRelayError(res, 400, 'bad_request', 'only get_n_service_nodes is relayed to seeds');
      return true;
    }
    try {
      const answer = await askSeeds(options.profile, body);
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(answer.body);
      log(`relay: seed ${answer.seedUrl} 200 ${answer.body.length} B`);
    } catch (error) {
      if (!(error instanceof SeedsUnavailableError)) throw error;
      sendRelayError(res, 502, 'seeds_unavailable', 'no seed node answered');
      log(`relay: seeds unavailable: ${error.reasons.join('; ')}`);
    }
    return true;
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function allowPost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'POST') return true;
  res.setHeader('Allow', 'POST');
  sendRelayError(res, 405, 'method_not_allowed', 'POST only');
  return false;
}

async function readLimited(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  try {
    return await readBody(req, MAX_REQUEST_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.setHeader('Connection', 'close');
    sendRelayError(res, 413, 'body_too_large', `bodies over ${MAX_REQUEST_BYTES} bytes are refused`);
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
