/**
 * The JSON trailers of onion layers (network-protocol.md §4.3): what the client writes and how a
 * node reads the routing fields. One place for the field names, key order and defaults, so the
 * builder and the peeler cannot drift apart.
 */
import { fromHex, toHex } from '../bytes.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { encTypeFromWire, type EncType } from './hop-encryption.ts';
import type { Trailer } from './layer.ts';

export interface ProxyTarget {
  readonly host: string;
  /** Path on the server, e.g. "/oxen/v4/lsrpc"; see isAllowedProxyTarget. */
  readonly target: string;
  readonly protocol: 'http' | 'https';
  readonly port: number;
}

/** What a node needs from the trailer that travels beside a blob: whose key, which cipher, which hop. */
export interface HopRouting {
  readonly ephemeralKey: Uint8Array;
  readonly encType: EncType;
  readonly hopNo: number;
}

const KEY_HEX = /^[0-9a-fA-F]{64}$/;

export function isKeyHex(value: unknown): value is string {
  return typeof value === 'string' && KEY_HEX.test(value);
}

/**
 * The storage server proxies only to `/loki/…/lsrpc` or `/oxen/…/lsrpc` without a query
 * (SS is_onion_url_target_allowed); anything else is answered "Invalid url".
 */
export function isAllowedProxyTarget(target: string): boolean {
  return (
    (target.startsWith('/loki/') || target.startsWith('/oxen/')) && target.endsWith('/lsrpc') && !target.includes('?')
  );
}

/** The final snode's trailer: the presence of `headers` is what marks the destination (§4.3 item 1). */
export function destinationTrailer(): Trailer {
  return { headers: {} };
}

/** Tells a node to forward `inner` to the node with this Ed25519 key (§4.3 item 3). */
export function relayTrailer(nextEd25519Hex: string, ephemeralPublicKey: Uint8Array, encType: EncType): Trailer {
  return withEncType({ destination: nextEd25519Hex, ephemeral_key: toHex(ephemeralPublicKey) }, encType);
}

/**
 * Tells the last path node to POST the whole layer to a server (§4.3 item 2). `method` is sent
 * as desktop sends it, though nodes ignore it; protocol and port are always explicit.
 */
export function proxyTrailer(target: ProxyTarget, ephemeralPublicKey: Uint8Array, encType: EncType): Trailer {
  return withEncType(
    {
      host: target.host,
      target: target.target,
      method: 'POST',
      protocol: target.protocol,
      port: target.port,
      ephemeral_key: toHex(ephemeralPublicKey),
    },
    encType,
  );
}

/** The trailer of a body posted to `/onion_req/v2`; hop_no only when the sender sets one (§4.3). */
export function outerTrailer(ephemeralPublicKey: Uint8Array, encType: EncType, hopNo?: number): Trailer {
  const trailer = withEncType({ ephemeral_key: toHex(ephemeralPublicKey) }, encType);
  return hopNo === undefined ? trailer : { ...trailer, hop_no: hopNo };
}

/** Reads ephemeral_key, enc_type and hop_no from the trailer of a posted body; faults are onion_malformed. */
export function readHopRouting(trailer: Trailer): HopRouting {
  const ephemeralKeyHex = trailer['ephemeral_key'];
  if (!isKeyHex(ephemeralKeyHex)) {
    throw new ParleyError('onion_malformed', 'trailer has no valid ephemeral_key', { reason: 'ephemeral_key' });
  }
  const hopNo = trailer['hop_no'] ?? 0;
  if (typeof hopNo !== 'number' || !Number.isSafeInteger(hopNo) || hopNo < 0) {
    throw new ParleyError('onion_malformed', 'trailer hop_no is not a non-negative integer', { reason: 'hop_no' });
  }
  return { ephemeralKey: fromHex(ephemeralKeyHex), encType: encTypeFromWire(trailer['enc_type']), hopNo };
}

// aes-gcm is the default, so, like desktop, the field is written only for the other cipher.
function withEncType(trailer: Record<string, unknown>, encType: EncType): Trailer {
  return encType === 'aes-gcm' ? trailer : { ...trailer, enc_type: encType };
}
