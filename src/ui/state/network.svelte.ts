/**
 * The network as the header and the offline banner show it: offline / building a path /
 * connected (with the onion path), and how many written messages still wait in the outbox.
 */
import type { Remote } from 'comlink';
import type { CoreApi, CoreEvent, NetworkState, OutboxSummary } from '../../core/api.ts';
import { isParleyError, type ErrorCode } from '../../shared/errors.ts';

export class NetworkStatus {
  state = $state.raw<NetworkState>({ kind: 'building_path' });
  outbox = $state.raw<OutboxSummary>({ pending: 0, failed: 0 });
  /** The browser's own view; the core may still be retrying while this is already true. */
  browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  rebuilding = $state(false);
  rebuildError = $state<ErrorCode | 'unknown' | null>(null);

  /** Offline as the person understands it: the browser says so, or the core cannot reach the network. */
  readonly offline = $derived(!this.browserOnline || this.state.kind === 'offline');

  readonly #core: () => Remote<CoreApi>;

  /** `core` gives the Core API once the engine is ready. */
  constructor(core: () => Remote<CoreApi>) {
    this.#core = core;
  }

  async load(): Promise<void> {
    const [state, outbox] = await Promise.all([this.#core().getNetworkState(), this.#core().getOutboxSummary()]);
    this.state = state;
    this.outbox = outbox;
  }

  /**
   * Follows the browser's online/offline events; returns the function that stops following. Back
   * online, the engine is told at once, so that messages written offline leave without waiting for
   * its next probe (docs/delivery.md "Throughput after reconnect").
   */
  followBrowser(target: Window): () => void {
    const update = (): void => {
      this.browserOnline = target.navigator.onLine;
    };
    const back = (): void => {
      update();
      try {
        void this.#core().networkMayBeBack().catch(() => undefined);
      } catch {
        // No engine yet: it asks the network itself once it starts.
      }
    };
    target.addEventListener('online', back);
    target.addEventListener('offline', update);
    update();
    return () => {
      target.removeEventListener('online', back);
      target.removeEventListener('offline', update);
    };
  }

  handle(event: CoreEvent): void {
    if (event.type === 'network') this.state = event.state;
    else if (event.type === 'outbox') this.outbox = event.outbox;
  }

  async rebuildPath(): Promise<void> {
    this.rebuilding = true;
    this.rebuildError = null;
    try {
      await this.#core().rebuildPath();
    } catch (error) {
      this.rebuildError = isParleyError(error) ? error.code : 'unknown';
    } finally {
      this.rebuilding = false;
    }
  }
}
