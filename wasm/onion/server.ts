/**
 * The far end of an onion request to a server (file server, push server; network-protocol.md §4.3
 * item 2, §4.4), for the devnet: open what the last path node POSTed to `/oxen/v4/lsrpc`, and
 * encrypt the v4 reply.
 */
import { checkBytes } from '../check.ts';
import { wipe } from '../sodium.ts';
import { decrypt, deriveNodeKey, encrypt, type EncType } from './hop-encryption.ts';
import { parseLayer, type Trailer } from './layer.ts';
import { readHopRouting } from './routing.ts';
import { encodeV4Reply, type V4Reply } from './v4.ts';

export interface OpenedServerRequest {
  /** The client's plaintext for the server; for v4, pass it to decodeV4Request. */
  readonly plaintext: Uint8Array;
  readonly replyKey: Uint8Array;
  readonly encType: EncType;
  /** The proxy trailer the server shares with the last path node (host, target, ephemeral_key, …). */
  readonly trailer: Trailer;
}

/**
 * The POSTed body is the last node's whole decrypted layer `[len][ciphertext]{json}`; the server
 * takes `ephemeral_key`/`enc_type` from that same JSON (§4.3 item 2). A broken frame is
 * onion_malformed, a ciphertext that does not open is onion_decrypt_failed.
 */
export async function openServerRequest(
  body: Uint8Array,
  serverX25519SecretKey: Uint8Array,
  serverX25519PublicKey: Uint8Array,
): Promise<OpenedServerRequest> {
  checkBytes(body, 'body');
  checkBytes(serverX25519SecretKey, 'serverX25519SecretKey', 32);
  checkBytes(serverX25519PublicKey, 'serverX25519PublicKey', 32);
  const { blob, trailer } = parseLayer(body, 'body');
  const { ephemeralKey, encType } = readHopRouting(trailer);
  const replyKey = deriveNodeKey(encType, serverX25519SecretKey, serverX25519PublicKey, ephemeralKey);
  try {
    return { plaintext: await decrypt(encType, replyKey, blob), replyKey, encType, trailer };
  } catch (error) {
    wipe(replyKey);
    throw error;
  }
}

/**
 * The v4 reply: bencoded `{code, headers}` and body, encrypted with the request's key and sent as
 * raw bytes (no base64). `iv` is for known-answer tests only.
 */
export async function encryptV4Reply(
  reply: V4Reply,
  replyKey: Uint8Array,
  encType: EncType,
  iv?: Uint8Array,
): Promise<Uint8Array> {
  return encrypt(encType, replyKey, encodeV4Reply(reply), iv);
}
