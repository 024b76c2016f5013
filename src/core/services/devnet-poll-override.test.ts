import { describe, expect, it } from 'vitest';
import { devnetProfile, mainnetProfile } from '../net/network-profile.ts';
import type { FetchLike } from '../net/transport.ts';
import { devnetPollerOptions } from './devnet-poll-override.ts';

const RELAY = 'https://relay.test';

function answering(body: unknown): { fetch: FetchLike; asked: string[] } {
  const asked: string[] = [];
  const fetch: FetchLike = async (input) => {
    asked.push(input);
    return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, asked };
}

describe('devnetPollerOptions', () => {
  it("a devnet relay's pace becomes a fixed schedule with its member count", async () => {
    const { fetch, asked } = answering({ network: 'devnet', pollOverride: { intervalMs: 5_000, members: 2 } });
    expect(await devnetPollerOptions(devnetProfile(RELAY), fetch)).toEqual({
      members: 2,
      intervals: { chattingMs: 5_000, conversationOpenMs: 5_000, visibleMs: 5_000, hiddenMs: 5_000 },
    });
    expect(asked).toEqual([`${RELAY}/v1/network`]);
  });

  it('mainnet never asks, whatever the relay would say', async () => {
    const { fetch, asked } = answering({ network: 'mainnet', pollOverride: { intervalMs: 5_000, members: 2 } });
    expect(await devnetPollerOptions(mainnetProfile(RELAY), fetch)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('no pace, a malformed one, or no answer: the own schedule', async () => {
    expect(await devnetPollerOptions(devnetProfile(RELAY), answering({ network: 'devnet' }).fetch)).toBeUndefined();
    expect(await devnetPollerOptions(devnetProfile(RELAY), answering({ pollOverride: { intervalMs: 1, members: 9 } }).fetch)).toBeUndefined();
    const offline: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await devnetPollerOptions(devnetProfile(RELAY), offline)).toBeUndefined();
  });
});
