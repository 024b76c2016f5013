/**
 * Waiting for the network to come back, without polling it hard: the network state is watched (any
 * request of the core that reaches the relay ends "offline"), and a probe runs on a jittered
 * backoff in case nothing else asks. `nudge()` probes at once (the browser's `online` event).
 */
import type { NetworkState } from '../net/network-state.ts';

export interface NetworkWaiterOptions {
  readonly state: NetworkState;
  /** The wait before the next probe, given how many probes found the network still gone. */
  readonly probeDelay: (probesMade: number) => number;
  /** Called once per wait, when the network is back. */
  readonly onBack: () => void;
  readonly log?: (line: string) => void;
}

export class NetworkWaiter {
  private active = false;
  private probes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private unsubscribe: (() => void) | undefined;
  private probing: Promise<void> | undefined;

  constructor(private readonly options: NetworkWaiterOptions) {}

  get waiting(): boolean {
    return this.active;
  }

  /** Starts waiting (nothing happens if already waiting). */
  begin(): void {
    if (this.active) return;
    this.active = true;
    this.probes = 0;
    this.controller = new AbortController();
    this.unsubscribe = this.options.state.subscribe((status) => {
      if (status.kind !== 'offline') this.back();
    });
    this.options.log?.('outbox: offline, waiting for the network');
    // Something reached the relay between the failure and now: check at once rather than wait.
    if (this.options.state.current.kind !== 'offline') void this.probe();
    else this.scheduleProbe();
  }

  /** Probes now if waiting (a probe already running is shared); resolves when it is done. */
  nudge(): Promise<void> {
    return this.active ? this.probe() : Promise.resolve();
  }

  /** Stops waiting without calling onBack; resolves once a running probe has given up. */
  async cancel(): Promise<void> {
    const probing = this.probing;
    this.cleanUp();
    await probing;
  }

  private back(): void {
    if (!this.active) return;
    this.cleanUp();
    this.options.log?.('outbox: the network is back');
    this.options.onBack();
  }

  private cleanUp(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private scheduleProbe(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.probe();
    }, this.options.probeDelay(this.probes));
  }

  private probe(): Promise<void> {
    if (this.probing !== undefined) return this.probing;
    clearTimeout(this.timer);
    this.timer = undefined;
    const signal = this.controller?.signal;
    this.probing = (async () => {
      try {
        const status = await this.options.state.probe(signal);
        if (status.kind !== 'offline') return this.back();
      } catch {
        // Only an abort escapes probe(): cancel() or back() ended the wait.
      } finally {
        this.probing = undefined;
      }
      if (!this.active || signal?.aborted) return;
      this.probes++;
      this.scheduleProbe();
    })();
    return this.probing;
  }
}
