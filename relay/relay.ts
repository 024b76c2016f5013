/**
 * A complete relay: the forwarding API for one network profile, optional CORS, and the built app,
 * under one set of limits (limits.ts).
 */
import type { Server } from 'node:http';
import type { FileServerProfile } from '../src/shared/file-server-api.ts';
import { corsRoute } from './cors.ts';
import { relayLimits, type RelayLimits } from './limits.ts';
import { NodeDirectory } from './node-directory.ts';
import type { SeedProfile } from './seed-profiles.ts';
import { forwardingRoutes } from './routes.ts';
import { createRelayServer } from './server.ts';
import { RelayTraffic } from './traffic.ts';
import type { DevnetPollOverride } from '../src/shared/relay-api.ts';

export interface RelayConfig {
  readonly distDir: string;
  readonly profile: SeedProfile;
  /** Origins allowed to call the API cross-origin; empty (the default) means same-origin only. */
  readonly corsOrigins?: readonly string[];
  readonly log?: (line: string) => void;
  /** The devnet's echo peer for `GET /v1/network`, asked on each request (routes.ts). */
  readonly echoPeer?: () => string | undefined;
  /** The devnet's file server for `GET /v1/network` (devnet only). */
  readonly fileServer?: FileServerProfile;
  /** Numbers to use instead of the default limits (tests make them small). */
  readonly limits?: Partial<RelayLimits>;
  /** Counts what crosses the relay, per route (benchmarks read it); a fresh counter when absent. */
  readonly traffic?: RelayTraffic;
  /**
   * Devnet only: a polling pace the relay tells its clients to use instead of their own
   * (`GET /v1/network`), so that a benchmark can run a client at Session Desktop's fixed 5 s.
   */
  readonly devnetPollOverride?: DevnetPollOverride;
}

/** The relay's HTTP server, with what it has seen on the wire per route (traffic.ts). */
export interface RelayServer extends Server {
  readonly traffic: RelayTraffic;
}

export function createRelay(config: RelayConfig): RelayServer {
  const limits = relayLimits(config.limits);
  const directory = new NodeDirectory(config.profile, limits);
  // Learn the nodes early so the first onion does not wait on a seed query; failures retry on demand.
  void directory.refresh().catch(() => undefined);
  const corsOrigins = config.corsOrigins ?? [];
  const traffic = config.traffic ?? new RelayTraffic();
  const server = createRelayServer({
    distDir: config.distDir,
    limits,
    traffic,
    routes: [
      ...(corsOrigins.length ? [corsRoute(corsOrigins)] : []),
      ...forwardingRoutes({
        profile: config.profile,
        directory,
        limits,
        allowedOrigins: corsOrigins,
        ...(config.log ? { log: config.log } : {}),
        ...(config.echoPeer ? { echoPeer: config.echoPeer } : {}),
        ...(config.devnetPollOverride ? { devnetPollOverride: config.devnetPollOverride } : {}),
        ...(config.fileServer ? { fileServer: config.fileServer } : {}),
      }),
    ],
  });
  return Object.assign(server, { traffic });
}
