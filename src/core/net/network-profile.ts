/**
 * The network the core talks to, chosen once at start (network-protocol.md §1, §4.5, §6.1).
 * Everything that differs between mainnet and the local devnet is a field here, so no other file
 * asks which network it is on.
 */
import { ParleyError } from '../../shared/errors.ts';
import { SESSION_FILE_SERVER, type FileServerProfile } from '../../shared/file-server-api.ts';
import type { NetworkName } from '../../shared/relay-api.ts';

/** The app's side of a network (the relay's side, which seeds to trust, is relay/seed-profiles.ts). */
export interface NetworkProfile {
  readonly name: NetworkName;
  /** The blind relay's base URL (in the browser: the app's own origin). */
  readonly relayUrl: string;
  /** A pool smaller than this is bootstrapped again from the seed. */
  readonly minPoolSize: number;
  /** How many nodes three `get_service_nodes` answers must share for a pool refresh to be taken. */
  readonly poolAgreementMin: number;
  /** Path nodes come from distinct /24 subnets; off on the devnet, where every node is 127.0.0.1. */
  readonly distinctSubnets: boolean;
  /** Paths kept at once, one per guard. */
  readonly guardCount: number;
  /** Rounds of guard tests (2 candidates each) before giving up on building paths. */
  readonly maxGuardRounds: number;
  /** One onion request to a service node, path included (desktop: 10 s). */
  readonly rpcTimeoutMs: number;
  /** The zero-hop `info` that tests a guard candidate (desktop: 10 s). */
  readonly guardTestTimeoutMs: number;
  /** The seed list through the relay; the relay itself gives each seed 5 s. */
  readonly seedTimeoutMs: number;
  /** The pool is refreshed from service nodes this often (desktop: every hour, first after 5 min). */
  readonly poolRefreshIntervalMs: number;
  readonly firstPoolRefreshAfterMs: number;
  /** A cached swarm older than this is asked again (desktop: an hour). */
  readonly swarmMaxAgeMs: number;
  /**
   * The file server attachments go to, through onions (client-protocol.md §6.3): Session's on
   * mainnet; on a devnet the one its relay names in `GET /v1/network` (undefined until known).
   */
  readonly fileServer: FileServerProfile | undefined;
}

const COMMON = {
  guardCount: 2,
  maxGuardRounds: 6,
  rpcTimeoutMs: 10_000,
  guardTestTimeoutMs: 10_000,
  seedTimeoutMs: 15_000,
  poolRefreshIntervalMs: 60 * 60_000,
  firstPoolRefreshAfterMs: 5 * 60_000,
  swarmMaxAgeMs: 60 * 60_000,
} as const;

/**
 * Session's network. Desktop re-bootstraps at ≤ 8 nodes ((3 hops + 1 target) × 2 guards) and takes
 * a refresh only when 24 nodes agree.
 */
export function mainnetProfile(relayUrl: string, overrides: Partial<NetworkProfile> = {}): NetworkProfile {
  return checked({
    name: 'mainnet',
    relayUrl,
    minPoolSize: 9,
    poolAgreementMin: 24,
    distinctSubnets: true,
    fileServer: SESSION_FILE_SERVER,
    ...COMMON,
    ...overrides,
  });
}

/**
 * The local devnet (8–16 nodes on 127.0.0.1): desktop's local-devnet numbers (agreement 12, no subnet
 * rule). 6 nodes make two disjoint paths (a target on one of them uses the other), so an 8-node
 * devnet can lose two nodes before the seed is asked again (and lists them again, stopped or not).
 */
export function devnetProfile(relayUrl: string, overrides: Partial<NetworkProfile> = {}): NetworkProfile {
  return checked({ name: 'devnet', relayUrl, minPoolSize: 6, poolAgreementMin: 12, distinctSubnets: false, fileServer: undefined, ...COMMON, ...overrides });
}

function checked(profile: NetworkProfile): NetworkProfile {
  let url: URL;
  try {
    url = new URL(profile.relayUrl);
  } catch {
    throw invalid('relayUrl', 'relayUrl must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('relayUrl', 'relayUrl must be http(s)');
  for (const key of ['minPoolSize', 'poolAgreementMin', 'guardCount', 'maxGuardRounds'] as const) {
    if (!Number.isSafeInteger(profile[key]) || profile[key] < 1) throw invalid(key, `${key} must be a positive integer`);
  }
  for (const key of [
    'rpcTimeoutMs',
    'guardTestTimeoutMs',
    'seedTimeoutMs',
    'poolRefreshIntervalMs',
    'firstPoolRefreshAfterMs',
    'swarmMaxAgeMs',
  ] as const) {
    if (!Number.isFinite(profile[key]) || profile[key] < 0) throw invalid(key, `${key} must be a duration in ms`);
  }
  // Normalised with a trailing slash so relative API paths resolve below it.
  return Object.freeze({ ...profile, relayUrl: url.href.endsWith('/') ? url.href : `${url.href}/` });
}

function invalid(param: string, message: string): ParleyError {
  return new ParleyError('invalid_argument', message, { param, problem: 'value' });
}
