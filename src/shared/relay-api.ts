/**
 * The relay's own API, used by the app's worker. Everything else the relay serves is the built app.
 *
 *   POST /v1/onion/<ip>:<port>   body: an onion request built in the browser (opaque bytes)
 *                                → forwarded unchanged to that service node's /onion_req/v2;
 *                                  its status and body come back unchanged.
 *   POST /v1/onion-large/<ip>:<port>  the same, for an attachment upload: a 10 MiB body cap and a
 *                                tighter rate of its own (ONION_LARGE_PATH_PREFIX).
 *   POST /v1/seed                body: a `get_n_service_nodes` JSON-RPC request
 *                                → asked of the profile's seeds; the first good answer comes back.
 *   GET  /v1/network             → `{"network":"devnet"|"mainnet", "echoPeer"?: "05…"}`: the network
 *                                  this relay fronts, so the app picks the matching profile once,
 *                                  at start; on a devnet started by `npm start`, also the echo
 *                                  peer's Session ID (public) once it runs, and the devnet's
 *                                  file server (url and keys).
 *
 * The POST routes take only their own content type (ONION_CONTENT_TYPE, SEED_CONTENT_TYPE; else
 * 415), only from the relay's own pages or clients that send no Origin (else 403), at a bounded rate
 * per client (else 429 with Retry-After). Every answer is typed by the route, never by the node, and
 * carries a sandboxing CSP (docs/relay.md).
 *
 * When the relay itself refuses or fails (as opposed to passing on a node's answer), the response
 * carries `X-Parley-Relay-Error: <code>` so the client can tell "the guard said 502" from
 * "the relay could not reach the guard".
 */
import type { FileServerProfile } from './file-server-api.ts';

export const ONION_PATH_PREFIX = '/v1/onion/';
/**
 * The same forwarding for the few onion requests that carry a file (an attachment upload to the
 * file server, issue 11): a body cap of MAX_LARGE_ONION_REQUEST_BYTES and a tighter per-client rate
 * of its own (relay/limits.ts). Downloads are small requests with large answers and use the normal route.
 */
export const ONION_LARGE_PATH_PREFIX = '/v1/onion-large/';
export const SEED_PATH = '/v1/seed';
export const NETWORK_PATH = '/v1/network';
export const RELAY_ERROR_HEADER = 'X-Parley-Relay-Error';

/** The networks there are; `GET /v1/network` answers `{ network: NetworkName }`. */
export type NetworkName = 'devnet' | 'mainnet';

/** The answer to `GET /v1/network`. */
export interface NetworkAnswer {
  readonly network: NetworkName;
  /** Devnet only: the Session ID of an account that answers every message (scripts/start.ts's echo peer). */
  readonly echoPeer?: string;
  /** Devnet only, when the relay was started with one: the pace its clients poll at instead of their own. */
  readonly pollOverride?: DevnetPollOverride;
  /**
   * Devnet only: the devnet's file server (its keys change when the devnet is reset). On mainnet the
   * app uses Session's file server (SESSION_FILE_SERVER), never one a relay names.
   */
  readonly fileServer?: FileServerProfile;
}

/**
 * A fixed polling pace for devnet clients: every `intervalMs`, `members` swarm members at once,
 * whatever the person does. Benchmarks start a relay with it to run a client the way Session
 * Desktop polls (5,000 ms, 2 members) beside Parley's own schedule; it is not reachable from the
 * app's screens and a mainnet relay never sends it.
 */
export interface DevnetPollOverride {
  readonly intervalMs: number;
  readonly members: number;
}

/** The override from an untrusted answer, or undefined unless both numbers are whole and in range. */
export function parsePollOverride(value: unknown): DevnetPollOverride | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { intervalMs, members } = value as { intervalMs?: unknown; members?: unknown };
  if (!Number.isInteger(intervalMs) || !Number.isInteger(members)) return undefined;
  const interval = intervalMs as number;
  const count = members as number;
  if (interval < 100 || interval > 3_600_000 || count < 1 || count > 5) return undefined;
  return { intervalMs: interval, members: count };
}

/**
 * The codes of `X-Parley-Relay-Error`, each with the status it comes with:
 *   400 bad_request · 403 unknown_node · 403 foreign_origin (a browser page of another origin)
 *   405 method_not_allowed · 413 body_too_large · 415 unsupported_media_type · 429 rate_limited
 *   502 node_unreachable · 502 answer_too_large (the guard's answer is over the cap; the relay hung up)
 *   504 node_timeout · 502 seeds_unavailable
 *   503 relay_busy (the relay holds as many answers as it may; with Retry-After)
 */
export const RELAY_ERROR_CODES = [
  'bad_request',
  'unknown_node',
  'foreign_origin',
  'method_not_allowed',
  'body_too_large',
  'unsupported_media_type',
  'rate_limited',
  'node_unreachable',
  'answer_too_large',
  'node_timeout',
  'seeds_unavailable',
  'relay_busy',
] as const;
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

/**
 * The request type each POST route requires (anything else is 415). Neither is a type an HTML form
 * can send, so a cross-site page cannot post without a CORS preflight, which the relay refuses.
 */
export const ONION_CONTENT_TYPE = 'application/octet-stream';
export const SEED_CONTENT_TYPE = 'application/json';

/**
 * The largest onion request the relay forwards (413 above). A store carries at most 76,800 bytes of
 * message data (102,400 base64 characters, network-protocol.md §3); with its JSON and four onion
 * layers (~250 bytes each) that is ~104 KB, so 256 KiB leaves room for a small batch. Attachments
 * through the file server (issue 11) will need ~10 MiB and get their own route and cap.
 */
export const MAX_ONION_REQUEST_BYTES = 256 * 1024;
/**
 * The largest onion request on the large route: the nodes' own body cap (10 MiB). A file server
 * upload of its full 10,000,000 bytes, with the v4 framing and four onion layers (~300 bytes each),
 * is ~10,001,300 bytes.
 */
export const MAX_LARGE_ONION_REQUEST_BYTES = 10 * 1024 * 1024;
/** The `get_n_service_nodes` request is ~200 bytes. */
export const MAX_SEED_REQUEST_BYTES = 4 * 1024;
/** A node's onion hop waits 30 s for the next; the relay waits a little longer for the whole path. */
export const NODE_TIMEOUT_MS = 40_000;
/**
 * The largest guard answer the relay passes on (above it: 502 answer_too_large). A retrieve at the
 * network's full 7.8 MB cap, encrypted and base64-encoded in the onion reply, is ~10.6 MB; a 10 MB
 * attachment download (issue 11) will be ~13.4 MB.
 */
export const MAX_NODE_ANSWER_BYTES = 16 * 1024 * 1024;
