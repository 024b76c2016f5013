/**
 * Fixed facts of the storage server the devnet imitates (session-storage-server v2.8.0), and the
 * devnet's own defaults. Timeouts are the real ones; Devnet options may shorten them for tests.
 */

export const STORAGE_SERVER_VERSION = [2, 8, 0] as const;
/** `[hardfork, snode_revision]` of the devnet's chain: the storage nodes' `hf`, the seed's `hardfork`. */
export const DEVNET_HARDFORK = [19, 3] as const;
export const STORAGE_SERVER_VERSION_STRING = STORAGE_SERVER_VERSION.join('.');
/** The `Server` header on every service-node response. */
export const SNODE_SERVER_HEADER = `Oxen Storage Server/${STORAGE_SERVER_VERSION_STRING}`;
/** What a restricted public oxend RPC sends as its `Server` header: major version, then the net type. */
export const SEED_SERVER_HEADER = 'oxend/11 devnet';

/** `MAX_REQUEST_BODY_SIZE`: bodies above this answer 413. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
/** `MAX_ONION_HOPS`: a relayed onion request arriving with a larger hop number answers 400. */
export const MAX_ONION_HOPS = 15;

/** Onion hop-to-hop timeout (SS: OxenMQ request timeout on `sn.onion_request`). */
export const DEFAULT_HOP_TIMEOUT_MS = 30_000;
/** Recursive-request forward timeout (SS: `request_timeout{5s}` on `sn.storage_cc`). */
export const DEFAULT_FORWARD_TIMEOUT_MS = 5_000;
/** Onion-to-URL proxy timeout (SS `ONION_URL_TIMEOUT`, chosen below the hop timeout). */
export const DEFAULT_PROXY_TIMEOUT_MS = 25_000;

/** Per-IP token bucket of `/storage_rpc/v1` (SS `RateLimiter`). */
export const RATE_LIMIT_BUCKET_SIZE = 600;
export const RATE_LIMIT_TOKENS_PER_SECOND = 300;
export const RATE_LIMIT_MAX_CLIENTS = 10_000;

/** The ping_test reply carries the node's primary ("legacy") key in this header. */
export const SNODE_PUBKEY_HEADER = 'X-Oxen-Snode-Pubkey';

/**
 * Marks an onion request that one devnet node forwards to the next. Real nodes relay over OxenMQ
 * (`sn.onion_request`), where the hop limit is checked and the not-ready answer differs from the
 * HTTPS entry; the devnet relays over HTTPS and uses this header to tell the two entries apart.
 */
export const DEVNET_RELAY_HEADER = 'X-Devnet-Onion-Relay';

/** Blocks arrive every 2 minutes on the Oxen chain; the devnet's height follows its clock. */
export const BLOCK_TIME_MS = 120_000;
export const DEVNET_START_HEIGHT = 1_000;

/** Every devnet server binds here and nowhere else. */
export const LOOPBACK = '127.0.0.1';
