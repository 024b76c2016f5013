/**
 * Recursive requests between swarm members, in process. Real nodes forward over OxenMQ
 * (`sn.storage_cc`, 5 s timeout) and record each peer's outcome in the `swarm` map; this transport
 * calls the peer's storage directly but keeps the peer's state honest:
 *   stopped or unknown peer → `{failed:true,timeout:true}` once the forward timeout has passed
 *     (OxenMQ keeps retrying the connection until the request times out);
 *   peer in 503 mode        → `{failed:true,code:"503",reason:…}` (SS copies the reply's status
 *     string, so `code` is a string there too);
 *   peer answering garbage  → `{failed:true,bad_peer_response:true}`;
 *   peer delayed past the timeout, or slow → the timeout entry.
 * Params and entries are copied through JSON, as if they had crossed a wire.
 */
import type { NodeRecord, SwarmEntry, SwarmTransport } from '../node/types.ts';

/** A peer as the transport sees it (implemented by ServiceNodeHost). */
export interface ForwardTarget {
  answerForwarded(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<SwarmEntry>;
}

export const TIMEOUT_ENTRY: SwarmEntry = Object.freeze({ failed: true, timeout: true });

export class InProcessSwarmTransport implements SwarmTransport {
  constructor(
    private readonly lookup: (ed25519Hex: string) => ForwardTarget | undefined,
    private readonly timeoutMs: () => number,
  ) {}

  async forward(peer: NodeRecord, method: string, params: Record<string, unknown>): Promise<SwarmEntry> {
    const timeoutMs = this.timeoutMs();
    const target = this.lookup(peer.ed25519Hex);
    if (target === undefined) {
      await new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      return { ...TIMEOUT_ENTRY };
    }
    try {
      const copied = JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
      const entry = await target.answerForwarded(method, copied, timeoutMs);
      return JSON.parse(JSON.stringify(entry)) as SwarmEntry;
    } catch {
      return { failed: true, bad_peer_response: true };
    }
  }
}
