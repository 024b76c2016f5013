/**
 * A benchmark's way to run a browser client at a fixed polling pace (Session Desktop's 5 s, two
 * members) beside Parley's own schedule: the devnet relay it is served by says so in
 * `GET /v1/network` (relay/relay.ts `devnetPollOverride`). Only the worker asks, only on the
 * devnet profile, and a mainnet relay never answers with it; nothing in the app's screens can set
 * it. Offline or absent: Parley's own schedule.
 */
import { NETWORK_PATH, parsePollOverride } from '../../shared/relay-api.ts';
import type { NetworkProfile } from '../net/network-profile.ts';
import type { FetchLike } from '../net/transport.ts';
import type { PollerOptions } from './poller.ts';

export async function devnetPollerOptions(profile: NetworkProfile, fetchFn: FetchLike): Promise<PollerOptions | undefined> {
  if (profile.name !== 'devnet') return undefined;
  try {
    const response = await fetchFn(new URL(NETWORK_PATH, profile.relayUrl).href, { method: 'GET' });
    const override = parsePollOverride(((await response.json()) as { pollOverride?: unknown }).pollOverride);
    if (override === undefined) return undefined;
    const every = override.intervalMs;
    return {
      members: override.members,
      intervals: { chattingMs: every, conversationOpenMs: every, visibleMs: every, hiddenMs: every },
    };
  } catch {
    return undefined;
  }
}
