/**
 * The guard test (network-protocol.md §4.1): before a node becomes a guard it must answer. Desktop
 * POSTs `get_swarm` to it directly; a browser cannot, so Parley sends it a zero-hop onion `info`
 * (the candidate is the destination). The relay learns nothing it does not learn from every onion.
 */
import type { NetworkProfile } from './network-profile.ts';
import { serverTimeOf, type NetworkTime } from './network-time.ts';
import { onionExchange } from './onion-exchange.ts';
import type { GuardTester } from './paths.ts';
import type { RelayTransport } from './transport.ts';

export function guardTester(transport: RelayTransport, profile: NetworkProfile, time: NetworkTime): GuardTester {
  return async (candidate, signal) => {
    const outcome = await onionExchange(transport, {
      path: [],
      target: candidate,
      rpc: { method: 'info', params: {} },
      timeoutMs: profile.guardTestTimeoutMs,
      signal,
    });
    if (outcome.kind !== 'reply' || outcome.status !== 200) return false;
    try {
      time.record(serverTimeOf(JSON.parse(outcome.body)));
    } catch {
      return false;
    }
    return true;
  };
}
