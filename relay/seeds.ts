/**
 * Asking the profile's seeds for the service-node list. All seeds are asked at once and the first
 * good answer wins, as Session's clients do (network-protocol.md §1.1); the others are aborted
 * then, so that no losing connection keeps reading a list nobody will use.
 */
import { SEED_CONTENT_TYPE } from '../src/shared/relay-api.ts';
import { postHttps } from './https-post.ts';
import type { SeedProfile } from './seed-profiles.ts';

/** How long each seed gets and how much of its answer is read (the relay's limits, limits.ts). */
export interface SeedQueryLimits {
  readonly seedTimeoutMs: number;
  readonly seedAnswerBytes: number;
}

/** What the relay asks for itself: just enough to know where each node listens. */
export const DIRECTORY_REQUEST = JSON.stringify({
  jsonrpc: '2.0',
  method: 'get_n_service_nodes',
  params: { active_only: true, fields: { public_ip: true, storage_port: true, pubkey_ed25519: true } },
});

export interface SeedAnswer {
  readonly seedUrl: string;
  /** The seed's JSON text, unchanged. */
  readonly body: Buffer;
}

export class SeedsUnavailableError extends Error {
  constructor(readonly reasons: readonly string[]) {
    super(`no seed answered: ${reasons.join('; ')}`);
  }
}

/**
 * Posts a JSON-RPC body to every seed; resolves with the first 200 `application/json` answer and
 * aborts the rest. Aborting `signal` (the client went away) aborts them all.
 */
export async function askSeeds(profile: SeedProfile, requestBody: Uint8Array, limits: SeedQueryLimits, signal?: AbortSignal): Promise<SeedAnswer> {
  const race = new AbortController();
  const stopAll = () => race.abort();
  signal?.addEventListener('abort', stopAll, { once: true });
  const attempts = profile.seeds.map(async (seed): Promise<SeedAnswer> => {
    const outcome = await postHttps(new URL('json_rpc', seed.url), {
      body: requestBody,
      contentType: SEED_CONTENT_TYPE,
      timeoutMs: limits.seedTimeoutMs,
      maxResponseBytes: limits.seedAnswerBytes,
      tls: seed.trust,
      signal: race.signal,
    });
    if (!outcome.ok) throw new Error(`${seed.url}: ${outcome.failure} (${outcome.detail})`);
    if (outcome.status !== 200) throw new Error(`${seed.url}: HTTP ${outcome.status}`);
    if (outcome.contentType !== 'application/json') throw new Error(`${seed.url}: not application/json`);
    return { seedUrl: seed.url, body: outcome.body };
  });
  try {
    return await Promise.any(attempts);
  } catch (error) {
    const reasons = error instanceof AggregateError ? error.errors.map((e: unknown) => String((e as Error).message)) : [];
    throw new SeedsUnavailableError(reasons);
  } finally {
    // The winner has its answer; the losers are dropped with their connections.
    stopAll();
    signal?.removeEventListener('abort', stopAll);
  }
}

export interface ListedNode {
  readonly ip: string;
  readonly port: number;
  readonly ed25519Hex: string;
}

/** Reads `result.service_node_states` leniently: entries without an address are skipped, not fatal. */
export function parseNodeList(body: Buffer): ListedNode[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const states = (parsed as { result?: { service_node_states?: unknown } } | null)?.result?.service_node_states;
  if (!Array.isArray(states)) return [];
  const nodes: ListedNode[] = [];
  for (const state of states as Record<string, unknown>[]) {
    const ip = state?.['public_ip'];
    const port = state?.['storage_port'];
    const ed25519Hex = state?.['pubkey_ed25519'];
    if (typeof ip !== 'string' || ip === '' || ip === '0.0.0.0') continue;
    if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65_535) continue;
    if (typeof ed25519Hex !== 'string' || !/^[0-9a-f]{64}$/i.test(ed25519Hex)) continue;
    nodes.push({ ip, port, ed25519Hex: ed25519Hex.toLowerCase() });
  }
  return nodes;
}
