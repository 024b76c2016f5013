/**
 * A complete relay: the forwarding API for one network profile, optional CORS, and the built app.
 */
import type { Server } from 'node:http';
import { corsRoute } from './cors.ts';
import { NodeDirectory } from './node-directory.ts';
import type { SeedProfile } from './seed-profiles.ts';
import { forwardingRoutes } from './routes.ts';
import { createRelayServer } from './server.ts';

export interface RelayConfig {
  readonly distDir: string;
  readonly profile: SeedProfile;
  /** Origins allowed to call the API cross-origin; empty (the default) means same-origin only. */
  readonly corsOrigins?: readonly string[];
  readonly log?: (line: string) => void;
  /** The devnet's echo peer for `GET /v1/network`, asked on each request (routes.ts). */
  readonly echoPeer?: () => string | undefined;
}

export function createRelay(config: RelayConfig): Server {
  const directory = new NodeDirectory(config.profile);
  // Learn the nodes early so the first onion does not wait on a seed query; failures retry on demand.
  void directory.refresh().catch(() => undefined);
  return createRelayServer({
    distDir: config.distDir,
    routes: [
      ...(config.corsOrigins?.length ? [corsRoute(config.corsOrigins)] : []),
      ...forwardingRoutes({ profile: config.profile, directory, log: config.log, ...(config.echoPeer ? { echoPeer: config.echoPeer } : {}) }),
    ],
  });
}
