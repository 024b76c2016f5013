/**
 * The relay's own API, used by the app's worker. Everything else the relay serves is the built app.
 *
 *   POST /v1/onion/<ip>:<port>   body: an onion request built in the browser (opaque bytes)
 *                                → forwarded unchanged to that service node's /onion_req/v2;
 *                                  its status and body come back unchanged.
 *   POST /v1/seed                body: a `get_n_service_nodes` JSON-RPC request
 *                                → asked of the profile's seeds; the first good answer comes back.
 *   GET  /v1/network             → `{"network":"devnet"|"mainnet", "echoPeer"?: "05…"}`: the network
 *                                  this relay fronts, so the app picks the matching profile once,
 *                                  at start; on a devnet started by `npm start`, also the echo
 *                                  peer's Session ID (public) once it runs.
 *
 * When the relay itself refuses or fails (as opposed to passing on a node's answer), the response
 * carries `X-Parley-Relay-Error: <code>` so the client can tell "the guard said 502" from
 * "the relay could not reach the guard".
 */
export const ONION_PATH_PREFIX = '/v1/onion/';
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
}

export type RelayErrorCode =
  | 'bad_request'
  | 'unknown_node'
  | 'body_too_large'
  | 'node_unreachable'
  | 'node_timeout'
  | 'seeds_unavailable'
  | 'method_not_allowed';

/** Service nodes refuse bodies over 10 MiB (413); the relay refuses them before forwarding. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** A node's onion hop waits 30 s for the next; the relay waits a little longer for the whole path. */
export const NODE_TIMEOUT_MS = 40_000;
/** Snode replies are small JSON; a retrieve is capped at 7.8 MB of messages, base64 and encrypted. */
export const MAX_NODE_ANSWER_BYTES = 16 * 1024 * 1024;
