/**
 * Asking the profile's seeds for the service-node list. All seeds are asked at once and the first
 * good answer wins, as Session's clients do (network-protocol.md §1.1).
 */
import { postHttps } from './https-post.ts';
import type { SeedProfile } from './seed-profiles.ts';

export const SEED_TIMEOUT_MS = 5_000;
/** Mainnet lists a few thousand nodes; the answer is well under this. */
const MAX_SEED_ANSWER_BYTES = 16 * 1024 * 1024;

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

/** Posts a JSON-RPC body to every seed; resolves with the first 200 `application/json` answer. */
export async function askSeeds(profile: SeedProfile, requestBody: Uint8Array): Promise<SeedAnswer> {
  const attempts = profile.seeds.map(async (seed): Promise<SeedAnswer> => {
    const outcome = await postHttps(new URL('json_rpc', seed.url), {
      body: requestBody,
      contentType: 'application/json',
      timeoutMs: SEED_TIMEOUT_MS,
      maxResponseBytes: MAX_SEED_ANSWER_BYTES,
      tls: seed.trust,
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
