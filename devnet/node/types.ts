/**
 * The seam between a service node's storage logic (devnet/node/) and the network around it
 * (HTTPS servers, onion processing, replication transport, fault injection: devnet/network/).
 * The storage side never opens a socket; the network side never interprets a storage request.
 */

/** One service node as the rest of the network knows it (what oxend would list). */
export interface NodeRecord {
  /** Ed25519 public key, lowercase hex: the node's identity, `destination` in onion trailers. */
  readonly ed25519Hex: string;
  /** X25519 public key, lowercase hex: the key onion layers are encrypted for. */
  readonly x25519Hex: string;
  readonly ip: string;
  /** HTTPS storage port: `/storage_rpc/v1`, `/onion_req/v2`, `/ping_test/v1`. */
  readonly httpsPort: number;
  /** The OxenMQ/QUIC port real nodes advertise; the devnet lists it but nothing listens there. */
  readonly omqPort: number;
  readonly swarmId: bigint;
}

/** A node's own key pairs. */
export interface NodeKeys {
  readonly ed25519PublicKey: Uint8Array;
  readonly ed25519SecretKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
  readonly x25519SecretKey: Uint8Array;
}

/** What a node can ask of the network it lives in. */
export interface NetworkView {
  /** Every registered node, running or not (a stopped node is still "funded", as on the real chain). */
  nodes(): readonly NodeRecord[];
  /** Milliseconds since the epoch: the devnet's clock (tests may shift it). */
  now(): number;
  /** Current block height reported by `info`/`get_service_nodes`; monotonic. */
  height(): number;
}

/**
 * One swarm member's entry in a recursive request's `swarm` map: the JSON object the peer produced,
 * or a failure in the storage server's shapes (`{failed:true,timeout:true}`, `{failed:true,code,reason}`,
 * `{failed:true,bad_peer_response:true}`).
 */
export type SwarmEntry = Record<string, unknown>;

/** How a node reaches its swarm peers for recursive requests (store, delete, expire …). */
export interface SwarmTransport {
  /**
   * Runs an already-validated recursive request on one peer and returns that peer's swarm entry.
   * Resolves with a failure entry, never rejects, when the peer is down, slow or faulty.
   */
  forward(peer: NodeRecord, method: string, params: Record<string, unknown>): Promise<SwarmEntry>;
}

/** An HTTP answer as the storage server gives it: JSON on success, plain text on error. */
export interface RpcReply {
  readonly status: number;
  readonly contentType: 'application/json' | 'text/plain';
  readonly body: string;
}
