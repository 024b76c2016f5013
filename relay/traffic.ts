/**
 * What the relay sees on the wire, per route: requests answered and bytes in and out, headers
 * included, as counted by the client's socket. Benchmarks read it (bench/) to state what a send,
 * a poll or an idle minute costs; it holds counts only, never an address, a path or a body.
 *
 * Bytes are the socket's counters between one answer and the next on the same connection, so a
 * keep-alive connection's requests are each charged what they carried. Browsers do not pipeline
 * HTTP/1.1, so a request's bytes never mix with the next one's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { NETWORK_PATH, ONION_PATH_PREFIX, SEED_PATH } from '../src/shared/relay-api.ts';

/** onion: /v1/onion/…; seed: /v1/seed; network: /v1/network; static: the app's files and anything else. */
export type TrafficRoute = 'onion' | 'seed' | 'network' | 'static';

export interface RouteTraffic {
  readonly requests: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export type TrafficSnapshot = Readonly<Record<TrafficRoute, RouteTraffic>>;

const ROUTES: readonly TrafficRoute[] = ['onion', 'seed', 'network', 'static'];

export function trafficRouteOf(url: string | undefined): TrafficRoute {
  const path = (url ?? '/').split('?')[0] ?? '/';
  if (path.startsWith(ONION_PATH_PREFIX)) return 'onion';
  if (path === SEED_PATH) return 'seed';
  if (path === NETWORK_PATH) return 'network';
  return 'static';
}

export class RelayTraffic {
  #totals = new Map<TrafficRoute, { requests: number; bytesIn: number; bytesOut: number }>(
    ROUTES.map((route) => [route, { requests: 0, bytesIn: 0, bytesOut: 0 }]),
  );
  /** Each socket's counters when its last request was charged. */
  readonly #charged = new WeakMap<Socket, { read: number; written: number }>();

  /** Charges this request to its route once its answer is over (or its connection gone). */
  count(req: IncomingMessage, res: ServerResponse): void {
    const route = trafficRouteOf(req.url);
    const socket = req.socket;
    res.once('close', () => {
      const before = this.#charged.get(socket) ?? { read: 0, written: 0 };
      const now = { read: socket.bytesRead, written: socket.bytesWritten };
      this.#charged.set(socket, now);
      const totals = this.#totals.get(route)!;
      totals.requests++;
      totals.bytesIn += now.read - before.read;
      totals.bytesOut += now.written - before.written;
    });
  }

  /** A copy of the totals since the relay started (or the last reset). */
  snapshot(): TrafficSnapshot {
    const copy = (route: TrafficRoute): RouteTraffic => ({ ...this.#totals.get(route)! });
    return { onion: copy('onion'), seed: copy('seed'), network: copy('network'), static: copy('static') };
  }

  /** What happened between two snapshots, route by route. */
  static difference(later: TrafficSnapshot, earlier: TrafficSnapshot): TrafficSnapshot {
    const minus = (route: TrafficRoute): RouteTraffic => ({
      requests: later[route].requests - earlier[route].requests,
      bytesIn: later[route].bytesIn - earlier[route].bytesIn,
      bytesOut: later[route].bytesOut - earlier[route].bytesOut,
    });
    return { onion: minus('onion'), seed: minus('seed'), network: minus('network'), static: minus('static') };
  }
}
