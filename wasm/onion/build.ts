/**
 * The client side of an onion request (network-protocol.md §4.1–4.4): wrap a payload in one
 * encrypted layer per hop, and open the destination's reply with the innermost key.
 */
import { fromBase64, fromUtf8 } from '../bytes.ts';
import { checkBytes, checkInteger, checkString } from '../check.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { sodium, wipe } from '../sodium.ts';
import { checkEncType, decryptReply, deriveClientKey, encryptWith, ivLength, prepareKeys, type EncType } from './hop-encryption.ts';
import { encodeLayer, isPlainObject, type Trailer } from './layer.ts';
import {
  destinationTrailer,
  isAllowedProxyTarget,
  isKeyHex,
  outerTrailer,
  proxyTrailer,
  relayTrailer,
  type ProxyTarget,
} from './routing.ts';
import { decodeV4Reply, type V4Reply } from './v4.ts';

/** A service node as the pool knows it. */
export interface OnionHop {
  readonly ed25519PublicKeyHex: string;
  readonly x25519PublicKey: Uint8Array;
}

export type OnionDestination =
  /** Storage RPC on a swarm member that is not on the path; `payload` is the RPC JSON body. */
  | { readonly kind: 'snode'; readonly node: OnionHop }
  /** A server behind the last path node; `payload` is its plaintext, e.g. `encodeV4Request(…)`. */
  | ({ readonly kind: 'server'; readonly x25519PublicKey: Uint8Array } & ProxyTarget);

/**
 * Known-answer tests only: fixed ephemeral X25519 secrets and IVs, innermost layer first
 * (destination, then the path from its last node back to the guard), `path.length + 1` of each.
 * Reusing them in real traffic would link requests and reuse IVs. These buffers are not wiped.
 */
export interface DeterministicOnionInputs {
  readonly ephemeralSecretKeys: readonly Uint8Array[];
  readonly ivs: readonly Uint8Array[];
}

export interface BuildOnionOptions {
  /**
   * `[guard, relay1, relay2]` in Parley; 0–8 nodes are accepted. An empty path (snode destinations
   * only) is a zero-hop onion: the body is POSTed to the destination itself, as a guard test does.
   */
  readonly path: readonly OnionHop[];
  readonly destination: OnionDestination;
  readonly payload: Uint8Array;
  /** One cipher for every layer; aes-gcm (the default) is what desktop uses. */
  readonly encType?: EncType | undefined;
  readonly deterministic?: DeterministicOnionInputs | undefined;
}

export interface BuiltOnion {
  /** POST this to `https://<guard>/onion_req/v2` (to the destination itself when the path is empty). */
  readonly body: Uint8Array;
  /** The innermost layer's key, the only one the reply uses (§4.4). Wipe it once the reply is read. */
  readonly replyKey: Uint8Array;
  readonly encType: EncType;
}

export interface SnodeReply {
  /** The destination's status (e.g. 200, 421, 406), not the HTTP status of the guard's answer. */
  readonly status: number;
  /** The RPC response as text; JSON-parse it for RPC results. */
  readonly body: string;
}

const MAX_PATH_LENGTH = 8;

export async function buildOnionRequest(options: BuildOnionOptions): Promise<BuiltOnion> {
  const { path, destination, payload, deterministic } = checkOptions(options);
  const encType = options.encType ?? 'aes-gcm';
  const layerCount = path.length + 1;
  const iv = (layer: number) => deterministic?.ivs[layer];

  // Layer 0 is for the destination (its key is the reply key), then each path node from the last
  // to the guard. Every layer's key comes first: the keys do not depend on the blobs, and so
  // WebCrypto can import them all at once rather than one per layer between the encryptions.
  const destinationPublicKey =
    destination.kind === 'snode' ? destination.node.x25519PublicKey : destination.x25519PublicKey;
  const layerNodeKey = (layer: number) =>
    layer === 0 ? destinationPublicKey : path[path.length - layer]!.x25519PublicKey;
  const ephemeralPublicKeys: Uint8Array[] = [];
  const layerKeys: Uint8Array[] = [];
  try {
    for (let layer = 0; layer < layerCount; layer++) {
      const keys = ephemeralKeyPair(deterministic, layer);
      try {
        layerKeys.push(deriveClientKey(encType, keys.secretKey, keys.publicKey, layerNodeKey(layer)));
      } finally {
        if (!deterministic) wipe(keys.secretKey);
      }
      ephemeralPublicKeys.push(keys.publicKey);
    }
    const prepared = await prepareKeys(encType, layerKeys, { replyKey: true });

    const destinationPlaintext = destination.kind === 'snode' ? encodeLayer(payload, destinationTrailer()) : payload;
    let blob = await encryptWith(prepared[0]!, destinationPlaintext, iv(0));
    let trailer: Trailer =
      destination.kind === 'snode'
        ? relayTrailer(destination.node.ed25519PublicKeyHex.toLowerCase(), ephemeralPublicKeys[0]!, encType)
        : proxyTrailer(destination, ephemeralPublicKeys[0]!, encType);
    // Each layer carries the routing for the one inside.
    for (let layer = 1; layer < layerCount; layer++) {
      const hop = path[path.length - layer]!;
      blob = await encryptWith(prepared[layer]!, encodeLayer(blob, trailer), iv(layer));
      trailer = relayTrailer(hop.ed25519PublicKeyHex.toLowerCase(), ephemeralPublicKeys[layer]!, encType);
    }
    const replyKey = layerKeys[0]!;
    const body = encodeLayer(blob, outerTrailer(ephemeralPublicKeys[layerCount - 1]!, encType));
    // The reply key is the caller's now; every other layer key is done with.
    layerKeys.shift();
    return { body, replyKey, encType };
  } finally {
    wipe(...layerKeys);
  }
}

/**
 * Opens a snode's reply: the HTTP 200 body of the guard, as bytes or text. Accepts desktop's legacy
 * `{"result": "<base64>"}` wrapper, status in `status_code` or `status`, and a body embedded as
 * JSON (`json: true` requests) as well as the usual string (§4.4).
 */
export async function decryptSnodeReply(
  reply: Uint8Array | string,
  replyKey: Uint8Array,
  encType: EncType,
): Promise<SnodeReply> {
  if (typeof reply !== 'string') checkBytes(reply, 'reply');
  checkBytes(replyKey, 'replyKey', 32);
  checkEncType(encType);
  let text = (typeof reply === 'string' ? reply : utf8OrMalformed(reply, 'reply_not_utf8')).trim();
  if (text.startsWith('{')) {
    const wrapper = jsonOrMalformed(text, 'reply_not_base64');
    const result = isPlainObject(wrapper) ? wrapper['result'] : undefined;
    if (typeof result !== 'string') malformed('reply_not_base64', 'reply is JSON without a "result" string');
    text = result.trim();
  }
  let ciphertext: Uint8Array;
  try {
    ciphertext = fromBase64(text, 'reply');
  } catch {
    malformed('reply_not_base64', 'reply is not base64');
  }
  const plaintext = await decryptReply(encType, replyKey, ciphertext);
  const parsed = jsonOrMalformed(utf8OrMalformed(plaintext, 'reply_not_utf8'), 'reply_not_json');
  if (!isPlainObject(parsed)) malformed('reply_not_object', 'decrypted reply is not a JSON object');
  const status = parsed['status_code'] ?? parsed['status'];
  if (typeof status !== 'number' || !Number.isSafeInteger(status)) malformed('reply_status', 'reply has no status');
  const body = parsed['body'];
  if (body === undefined) malformed('reply_body', 'reply has no body');
  return { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Opens a server's v4 reply: raw bytes (no base64), bencoded `{code, headers}` and body (§4.4). */
export async function decryptV4Reply(reply: Uint8Array, replyKey: Uint8Array, encType: EncType): Promise<V4Reply> {
  checkBytes(reply, 'reply');
  checkBytes(replyKey, 'replyKey', 32);
  checkEncType(encType);
  return decodeV4Reply(await decryptReply(encType, replyKey, reply));
}

function checkOptions(options: BuildOnionOptions): BuildOnionOptions {
  if (!isPlainObject(options)) invalid('options', 'options must be an object');
  const { path, destination, payload, encType, deterministic } = options;
  if (!Array.isArray(path) || path.length > MAX_PATH_LENGTH) {
    invalid('path', `path must be an array of 0 to ${MAX_PATH_LENGTH} nodes`);
  }
  path.forEach((hop, i) => checkHop(hop, `path[${i}]`));
  if (!isPlainObject(destination)) invalid('destination', 'destination must be an object');
  const fields: Readonly<Record<string, unknown>> = destination;
  if (fields['kind'] === 'snode') checkHop(fields['node'], 'destination.node');
  else if (fields['kind'] === 'server') {
    // A server is reached by the last path node proxying to it, so there must be one.
    if (path.length === 0) invalid('path', 'a server destination needs at least one path node');
    checkServer(fields);
  } else invalid('destination.kind', 'destination.kind must be "snode" or "server"');
  checkBytes(payload, 'payload');
  if (encType !== undefined) checkEncType(encType);
  if (deterministic !== undefined) checkDeterministic(deterministic, path.length + 1, encType ?? 'aes-gcm');
  return options;
}

function checkHop(hop: unknown, name: string): asserts hop is OnionHop {
  if (!isPlainObject(hop)) invalid(name, `${name} must be an object`);
  if (!isKeyHex(hop['ed25519PublicKeyHex'])) invalid(`${name}.ed25519PublicKeyHex`, 'must be 64 hex characters');
  checkBytes(hop['x25519PublicKey'], `${name}.x25519PublicKey`, 32);
}

function checkServer(server: Readonly<Record<string, unknown>>): void {
  const { x25519PublicKey, host, target, protocol, port } = server;
  checkBytes(x25519PublicKey, 'destination.x25519PublicKey', 32);
  checkString(host, 'destination.host');
  if (host.length === 0) invalid('destination.host', 'destination.host is empty');
  checkString(target, 'destination.target');
  if (!isAllowedProxyTarget(target)) {
    invalid('destination.target', 'destination.target must be /loki/…/lsrpc or /oxen/…/lsrpc without a query');
  }
  if (protocol !== 'http' && protocol !== 'https') {
    invalid('destination.protocol', 'destination.protocol must be "http" or "https"');
  }
  checkInteger(port, 'destination.port', 1, 65535);
}

function checkDeterministic(inputs: DeterministicOnionInputs, layers: number, encType: EncType): void {
  if (!isPlainObject(inputs)) invalid('deterministic', 'deterministic must be an object');
  const { ephemeralSecretKeys, ivs } = inputs;
  if (!Array.isArray(ephemeralSecretKeys) || ephemeralSecretKeys.length !== layers) {
    invalid('deterministic.ephemeralSecretKeys', `need ${layers} keys`);
  }
  if (!Array.isArray(ivs) || ivs.length !== layers) invalid('deterministic.ivs', `need ${layers} IVs`);
  ephemeralSecretKeys.forEach((k, i) => checkBytes(k, `deterministic.ephemeralSecretKeys[${i}]`, 32));
  ivs.forEach((v, i) => checkBytes(v, `deterministic.ivs[${i}]`, ivLength(encType)));
}

function ephemeralKeyPair(
  deterministic: DeterministicOnionInputs | undefined,
  layer: number,
): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const s = sodium();
  const fixed = deterministic?.ephemeralSecretKeys[layer];
  if (fixed !== undefined) return { secretKey: fixed, publicKey: s.crypto_scalarmult_base(fixed) };
  const pair = s.crypto_box_keypair();
  return { secretKey: pair.privateKey, publicKey: pair.publicKey };
}

function utf8OrMalformed(bytes: Uint8Array, reason: string): string {
  try {
    return fromUtf8(bytes);
  } catch {
    return malformed(reason, 'reply is not UTF-8');
  }
}

function jsonOrMalformed(text: string, reason: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return malformed(reason, 'reply is not JSON');
  }
}

function malformed(reason: string, message: string): never {
  throw new ParleyError('onion_malformed', message, { reason });
}

function invalid(param: string, message: string): never {
  throw new ParleyError('invalid_argument', message, { param, problem: 'value' });
}
