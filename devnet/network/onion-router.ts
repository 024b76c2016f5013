/**
 * What a node does with an onion request (network-protocol.md §4.3–4.5; SS `process_onion_req_v2`,
 * `onion_processing.cpp`, `request_handler.cpp`): read the frame, peel this node's layer with
 * wasm/onion, then answer as destination, relay to the next node, or proxy to a server.
 *
 * Two entries, as on a real node:
 *   HTTPS entry (the guard, from a client): `hop_no` = max(0, n), no hop limit here;
 *   relayed entry (from the previous node; real nodes use OxenMQ): `hop_no` = max(1, n),
 *     more than 15 → 400, then a not-ready node answers 503 "Snode not ready: <ed25519>".
 * Relay replies (status and body) travel back unchanged, except that a status the storage server
 * does not know becomes 500, as its `http::from_code` does. A next hop that cannot be reached is
 * reported when the hop timeout expires, not at once: real nodes relay over OxenMQ, which keeps
 * retrying a refused connection until the request times out, so a stopped node shows as
 * `504 Request time out` after that timeout.
 */
import { toBase64, utf8 } from '../../wasm/bytes.ts';
import { isParleyError } from '../../src/shared/errors.ts';
import {
  encodeRelayBody,
  encrypt,
  encryptSnodeReply,
  peelLayer,
  type DestinationPeel,
  type PeelResult,
  type ProxyPeel,
  type RelayPeel,
} from '../../wasm/onion/index.ts';
import { wipe } from '../../wasm/sodium.ts';
import type { NodeKeys, NodeRecord, RpcReply } from '../node/types.ts';
import { MAX_ONION_HOPS } from './constants.ts';
import { relayedStatus, textReply, type WireReply } from './http-reply.ts';
import { OuterFrameError, readOuterFrame } from './onion-outer.ts';
import type { OutboundResult } from './outbound-http.ts';
import { sleep } from './timers.ts';

export interface OnionRouterDeps {
  readonly keys: NodeKeys;
  readonly ed25519Hex: string;
  /** A reason while the node is not ready (503 mode), undefined when it serves. */
  readonly notReadyReason: () => string | undefined;
  /** Every registered node, running or not. */
  readonly findNode: (ed25519Hex: string) => NodeRecord | undefined;
  readonly runRpc: (body: Uint8Array) => Promise<RpcReply>;
  /** POSTs a relay body to `next`'s `/onion_req/v2`, marked as relayed. */
  readonly relay: (next: NodeRecord, body: Uint8Array, timeoutMs: number) => Promise<OutboundResult>;
  /** POSTs a proxied layer to a server. */
  readonly proxy: (peel: ProxyPeel, timeoutMs: number) => Promise<OutboundResult>;
  /** False for hosts a devnet node must not reach (anything off this machine). */
  readonly proxyAllowed: (host: string) => boolean;
  readonly hopTimeoutMs: () => number;
  readonly proxyTimeoutMs: () => number;
}

export type OnionEntry = 'https' | 'relayed';

export class OnionRouter {
  constructor(private readonly deps: OnionRouterDeps) {}

  async handle(body: Uint8Array, entry: OnionEntry): Promise<WireReply> {
    let frame;
    try {
      frame = readOuterFrame(body);
    } catch (error) {
      if (!(error instanceof OuterFrameError)) throw error;
      const prefix = entry === 'https' ? 'Error parsing onion request: ' : 'Invalid internal onion request: ';
      return textReply(400, prefix + error.message);
    }
    let hopNo = Math.max(entry === 'https' ? 0 : 1, frame.hopNo ?? 0);
    if (entry === 'relayed') {
      if (hopNo > MAX_ONION_HOPS) return textReply(400, 'onion request max path length exceeded');
      if (this.deps.notReadyReason() !== undefined) return textReply(503, `Snode not ready: ${this.deps.ed25519Hex}`);
    }
    hopNo = Math.min(hopNo, 0x7fff_ffff);
    // The devnet cannot decrypt aes-cbc (no client uses it, §4.2); to the sender that looks like any other undecryptable layer.
    if (frame.encType === 'aes-cbc' || frame.encType === 'cbc') return textReply(400, 'Invalid ciphertext');

    let peel: PeelResult;
    try {
      peel = await peelLayer(frame.blob, this.deps.keys.x25519SecretKey, this.deps.keys.x25519PublicKey, {
        ephemeralKeyHex: frame.ephemeralKeyHex,
        encType: frame.encType,
        hopNo,
      });
    } catch (error) {
      if (isParleyError(error)) return textReply(400, 'Invalid ciphertext');
      throw error;
    }

    switch (peel.kind) {
      case 'destination':
        return this.answerAsDestination(peel);
      case 'relay':
        return this.relayOnward(peel);
      case 'proxy':
        return this.proxyToServer(peel);
      case 'invalid':
        try {
          return encryptedReply(await encryptSnodeReply(peel.replyStatus, peel.replyBody, peel.replyKey, peel.encType));
        } finally {
          wipe(peel.replyKey);
        }
    }
  }

  private async answerAsDestination(peel: DestinationPeel): Promise<WireReply> {
    try {
      const reply = await this.deps.runRpc(peel.request);
      if (!peel.json && peel.base64) {
        return encryptedReply(await encryptSnodeReply(reply.status, reply.body, peel.replyKey, peel.encType));
      }
      // `json: true` embeds a JSON result unescaped; `base64: false` sends the ciphertext raw (SS wrap_proxy_response).
      const plaintext =
        peel.json && reply.contentType === 'application/json'
          ? `{"status":${reply.status},"body":${reply.body}}`
          : JSON.stringify({ status: reply.status, body: reply.body });
      const sealed = await encrypt(peel.encType, peel.replyKey, utf8(plaintext));
      return encryptedReply(peel.base64 ? toBase64(sealed) : sealed);
    } finally {
      wipe(peel.replyKey);
    }
  }

  private async relayOnward(peel: RelayPeel): Promise<WireReply> {
    const next = this.deps.findNode(peel.nextEd25519Hex);
    if (next === undefined) return textReply(502, `Next node not found: ${peel.nextEd25519Hex}`);
    const timeoutMs = this.deps.hopTimeoutMs();
    const deadline = performance.now() + timeoutMs;
    const result = await this.deps.relay(next, encodeRelayBody(peel), timeoutMs);
    if (result.kind === 'answer') {
      return { status: relayedStatus(result.status), contentType: 'text/plain', body: result.body };
    }
    if (result.kind !== 'timeout') await sleep(deadline - performance.now());
    return textReply(504, 'Request time out');
  }

  private async proxyToServer(peel: ProxyPeel): Promise<WireReply> {
    wipe(peel.replyKey);
    if (!this.deps.proxyAllowed(peel.host)) return textReply(502, `Could not resolve host: ${peel.host}`);
    const timeoutMs = this.deps.proxyTimeoutMs();
    const result = await this.deps.proxy(peel, timeoutMs);
    switch (result.kind) {
      case 'answer':
        return {
          status: result.status,
          statusText: result.statusText,
          contentType: result.contentType ?? 'text/plain',
          body: result.body,
        };
      // The texts are libcurl's, which the storage server passes on as the body.
      case 'timeout':
        return textReply(504, `Operation timed out after ${result.elapsedMs} milliseconds with 0 bytes received`);
      case 'refused':
        return textReply(502, `Failed to connect to ${peel.host} port ${peel.port} after ${result.elapsedMs} ms: Couldn't connect to server`);
      case 'tls':
        return textReply(502, `SSL certificate problem: ${result.message}`);
      case 'error':
        return textReply(502, `Failure when receiving data from the peer`);
    }
  }
}

/** The destination's (or an encrypted error's) answer: always HTTP 200, text/plain like every SS string body. */
function encryptedReply(body: string | Uint8Array): WireReply {
  return { status: 200, contentType: 'text/plain', body };
}
