/**
 * What the UI shows of the network (Core API events): offline, building paths, or connected
 * through these paths. Fed by the transport (relay reached or not) and the path manager.
 */
import type { OnionPath } from './types.ts';

export type NetworkStatus =
  | { readonly kind: 'offline' }
  | { readonly kind: 'building_path' }
  /** The nodes are public service-node addresses, shown as desktop's "onion path" view shows them. */
  | {
      readonly kind: 'connected';
      readonly paths: readonly OnionPath[];
      /** Ed25519 key of the node the last request through the first path was for; null until one is known. */
      readonly lastDestination: string | null;
    };

export type NetworkStatusListener = (status: NetworkStatus) => void;

export class NetworkState {
  private status: NetworkStatus = { kind: 'building_path' };
  private paths: readonly OnionPath[] = [];
  /** The first path's guard, and the last node a request through that path reached. */
  private destination: { readonly guard: string; readonly node: string } | undefined;
  private readonly listeners = new Set<NetworkStatusListener>();

  /**
   * `check` is what `probe` runs to see whether the network is back (network.ts passes one
   * that asks a node's `info` through a path).
   */
  constructor(private readonly check?: (signal?: AbortSignal) => Promise<unknown>) {}

  get current(): NetworkStatus {
    return this.status;
  }

  /** Calls `listener` on every change (not with the current status). Returns the unsubscribe. */
  subscribe(listener: NetworkStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reportOffline(): void {
    this.set({ kind: 'offline' });
  }

  /** The relay answered: back from offline, to whatever the paths say. */
  reportReachable(): void {
    if (this.status.kind === 'offline') this.set(this.fromPaths());
  }

  reportBuilding(): void {
    if (this.status.kind !== 'offline') this.set({ kind: 'building_path' });
  }

  reportPaths(paths: readonly OnionPath[]): void {
    this.paths = paths;
    if (this.status.kind !== 'offline') this.set(this.fromPaths());
  }

  /**
   * A request through `path` reached its destination node. Only the first path is shown, so only
   * its destination is kept; a change is a new status (listeners hear of it).
   */
  reportDelivered(path: OnionPath, destinationEd25519Hex: string): void {
    const guard = path[0]?.ed25519Hex;
    if (guard === undefined || guard !== this.paths[0]?.[0]?.ed25519Hex) return;
    if (this.destination?.guard === guard && this.destination.node === destinationEd25519Hex) return;
    this.destination = { guard, node: destinationEd25519Hex };
    if (this.status.kind === 'connected') this.set(this.fromPaths());
  }

  /**
   * Checks that the network works again (e.g. on the browser's `online` event); resolves with the
   * status it ends in. A failure of the check is the status, not an exception (except `aborted`).
   */
  async probe(signal?: AbortSignal): Promise<NetworkStatus> {
    if (this.check === undefined) return this.status;
    try {
      await this.check(signal);
    } catch (error) {
      if (signal?.aborted) throw error;
    }
    return this.status;
  }

  private fromPaths(): NetworkStatus {
    const first = this.paths[0];
    if (first === undefined) return { kind: 'building_path' };
    const destination = this.destination?.guard === first[0]?.ed25519Hex ? this.destination.node : null;
    return { kind: 'connected', paths: this.paths, lastDestination: destination ?? null };
  }

  private set(status: NetworkStatus): void {
    const same =
      status.kind === this.status.kind &&
      (status.kind !== 'connected' ||
        (this.status.kind === 'connected' && status.paths === this.status.paths && status.lastDestination === this.status.lastDestination));
    if (same) return;
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}
