/**
 * The service-node side of an onion request (network-protocol.md §4.3, §4.4), for the devnet:
 * decrypt this node's layer, decide what it asks for, and encrypt the destination's reply.
 */
import { fromHex, toBase64, utf8 } from '../bytes.ts';
import { checkBytes, checkInteger, checkString } from '../check.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { wipe } from '../sodium.ts';
import { decrypt, deriveNodeKey, encTypeFromWire, encrypt, type EncType } from './hop-encryption.ts';
import { encodeLayer, isPlainObject, parseLayer, type Trailer } from './layer.ts';
import { isAllowedProxyTarget, isKeyHex, outerTrailer, readHopRouting } from './routing.ts';

interface PeelCommon {
  /** The decrypted layer's JSON trailer, as parsed. */
  readonly trailer: Trailer;
  /** This node's hop number (from the posted body's `hop_no`, default 0); the devnet enforces its limit. */
  readonly hopNo: number;
}

/** `headers` present: run `request` (the RPC body) and answer with encryptSnodeReply(…, replyKey, encType). */
export interface DestinationPeel extends PeelCommon {
  readonly kind: 'destination';
  readonly request: Uint8Array;
  readonly replyKey: Uint8Array;
  readonly encType: EncType;
  /** The trailer's `json: true`: embed a JSON body unescaped. */
  readonly json: boolean;
  /** The trailer's `base64` (default true): base64-encode the encrypted reply. */
  readonly base64: boolean;
}

/** Forward `inner` to the node with this Ed25519 key (unknown → 502 "Next node not found: <hex>"). */
export interface RelayPeel extends PeelCommon {
  readonly kind: 'relay';
  readonly nextEd25519Hex: string;
  readonly inner: Uint8Array;
  readonly nextEphemeralKeyHex: string;
  readonly nextEncType: EncType;
}

/** `host` present: POST `layerPlaintext` unchanged to `protocol://host:port/target`. */
export interface ProxyPeel extends PeelCommon {
  readonly kind: 'proxy';
  readonly host: string;
  readonly target: string;
  readonly protocol: 'http' | 'https';
  readonly port: number;
  readonly layerPlaintext: Uint8Array;
  /** For errors this node itself reports back (e.g. the server is unreachable). */
  readonly replyKey: Uint8Array;
  readonly encType: EncType;
}

/**
 * Decrypted, but the routing is unusable. The storage server answers with an encrypted
 * `{"status":400,"body":"Invalid json"}` (or "Invalid url" for a refused proxy target):
 * encryptSnodeReply(replyStatus, replyBody, replyKey, encType).
 */
export interface InvalidPeel extends Omit<PeelCommon, 'trailer'> {
  readonly kind: 'invalid';
  readonly reason: string;
  readonly replyStatus: 400;
  readonly replyBody: 'Invalid json' | 'Invalid url';
  readonly replyKey: Uint8Array;
  readonly encType: EncType;
}

export type PeelResult = DestinationPeel | RelayPeel | ProxyPeel | InvalidPeel;

/** What travels beside a blob when the hop transport carries it separately (SS's OxenMQ hop). */
export interface HopRoutingInput {
  readonly ephemeralKeyHex: string;
  /** A wire value: "aes-gcm" (default), "gcm", "xchacha20" or "xchacha20-poly1305". */
  readonly encType?: string | undefined;
  readonly hopNo?: number | undefined;
}

/**
 * Peels a body as posted to `/onion_req/v2`: `[len][blob]{"ephemeral_key",…}`. A broken outer
 * frame or trailer is onion_malformed (no key is known yet, so the answer is plain text);
 * a blob that does not decrypt is onion_decrypt_failed (400 "Invalid ciphertext").
 */
export async function peelOnionBody(
  body: Uint8Array,
  nodeX25519SecretKey: Uint8Array,
  nodeX25519PublicKey: Uint8Array,
): Promise<PeelResult> {
  checkBytes(body, 'body');
  checkNodeKeys(nodeX25519SecretKey, nodeX25519PublicKey);
  const { blob, trailer } = parseLayer(body, 'body');
  return peelBlob(blob, nodeX25519SecretKey, nodeX25519PublicKey, readHopRouting(trailer));
}

/** Peels a bare blob whose ephemeral key, cipher and hop number came from elsewhere (errors as peelOnionBody). */
export async function peelLayer(
  blob: Uint8Array,
  nodeX25519SecretKey: Uint8Array,
  nodeX25519PublicKey: Uint8Array,
  routing: HopRoutingInput,
): Promise<PeelResult> {
  checkBytes(blob, 'blob');
  checkNodeKeys(nodeX25519SecretKey, nodeX25519PublicKey);
  if (!isPlainObject(routing)) {
    throw new ParleyError('invalid_argument', 'routing must be an object', { param: 'routing', problem: 'type' });
  }
  checkString(routing.ephemeralKeyHex, 'routing.ephemeralKeyHex');
  const hopRouting = readHopRouting({
    ephemeral_key: routing.ephemeralKeyHex,
    enc_type: routing.encType,
    hop_no: routing.hopNo,
  });
  return peelBlob(blob, nodeX25519SecretKey, nodeX25519PublicKey, hopRouting);
}

/** The body a relay posts to the next node's `/onion_req/v2`, with the hop number advanced. */
export function encodeRelayBody(relay: RelayPeel): Uint8Array {
  if (!isPlainObject(relay) || relay.kind !== 'relay') {
    throw new ParleyError('invalid_argument', 'relay must be a relay peel result', { param: 'relay', problem: 'type' });
  }
  const ephemeralKey = fromHex(relay.nextEphemeralKeyHex, 'relay.nextEphemeralKeyHex');
  return encodeLayer(relay.inner, outerTrailer(ephemeralKey, relay.nextEncType, relay.hopNo + 1));
}

/**
 * The destination's answer (§4.4): `{"status":N,"body":"…"}` encrypted with the innermost key and
 * base64-encoded; the HTTP status is 200. `iv` is for known-answer tests only.
 */
export async function encryptSnodeReply(
  status: number,
  body: string,
  replyKey: Uint8Array,
  encType: EncType,
  iv?: Uint8Array,
): Promise<string> {
  checkInteger(status, 'status', 0, 999);
  checkString(body, 'body');
  return toBase64(await encrypt(encType, replyKey, utf8(JSON.stringify({ status, body })), iv));
}

async function peelBlob(
  blob: Uint8Array,
  secretKey: Uint8Array,
  publicKey: Uint8Array,
  routing: { ephemeralKey: Uint8Array; encType: EncType; hopNo: number },
): Promise<PeelResult> {
  const { encType, hopNo } = routing;
  const key = deriveNodeKey(encType, secretKey, publicKey, routing.ephemeralKey);
  let plaintext: Uint8Array;
  try {
    plaintext = await decrypt(encType, key, blob);
  } catch (error) {
    wipe(key);
    throw error;
  }
  const result = dispatch(plaintext, key, encType, hopNo);
  if (result.kind === 'relay') wipe(key);
  return result;
}

/** §4.3's order: `headers` → destination, `host` → proxy, otherwise relay. */
function dispatch(plaintext: Uint8Array, key: Uint8Array, encType: EncType, hopNo: number): PeelResult {
  const invalid = (reason: string, replyBody: InvalidPeel['replyBody'] = 'Invalid json'): InvalidPeel => ({
    kind: 'invalid',
    reason,
    replyStatus: 400,
    replyBody,
    replyKey: key,
    encType,
    hopNo,
  });
  let blob: Uint8Array;
  let trailer: Trailer;
  try {
    ({ blob, trailer } = parseLayer(plaintext, 'decrypted layer'));
  } catch (error) {
    if (error instanceof ParleyError && error.code === 'onion_malformed') {
      return invalid(String(error.details['reason']));
    }
    throw error;
  }

  if (Object.hasOwn(trailer, 'headers')) {
    const json = trailer['json'] ?? false;
    const base64 = trailer['base64'] ?? true;
    if (typeof json !== 'boolean' || typeof base64 !== 'boolean') return invalid('reply_flags');
    return { kind: 'destination', request: blob, trailer, replyKey: key, encType, hopNo, json, base64 };
  }

  if (Object.hasOwn(trailer, 'host')) {
    const { host, target } = trailer;
    const port = trailer['port'] ?? 443;
    const protocol = trailer['protocol'] ?? 'https';
    if (typeof host !== 'string' || host.length === 0) return invalid('host');
    if (typeof target !== 'string') return invalid('target');
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return invalid('port');
    if (typeof protocol !== 'string') return invalid('protocol');
    if ((protocol !== 'http' && protocol !== 'https') || !isAllowedProxyTarget(target)) {
      return invalid('url', 'Invalid url');
    }
    return {
      kind: 'proxy',
      host,
      target,
      protocol,
      port,
      layerPlaintext: plaintext,
      trailer,
      replyKey: key,
      encType,
      hopNo,
    };
  }

  const { destination, ephemeral_key: nextEphemeralKey } = trailer;
  if (!isKeyHex(destination)) return invalid('destination');
  if (!isKeyHex(nextEphemeralKey)) return invalid('ephemeral_key');
  let nextEncType: EncType;
  try {
    nextEncType = encTypeFromWire(trailer['enc_type']);
  } catch {
    return invalid('enc_type');
  }
  return {
    kind: 'relay',
    nextEd25519Hex: destination.toLowerCase(),
    inner: blob,
    nextEphemeralKeyHex: nextEphemeralKey.toLowerCase(),
    nextEncType,
    trailer,
    hopNo,
  };
}

function checkNodeKeys(secretKey: Uint8Array, publicKey: Uint8Array): void {
  checkBytes(secretKey, 'nodeX25519SecretKey', 32);
  checkBytes(publicKey, 'nodeX25519PublicKey', 32);
}
