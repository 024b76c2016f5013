/**
 * The passes of a background sender, one at a time (the outbox, the attachment uploader): `kick`
 * runs a pass now, or once more right after the one running when asked during it; `wakeIn` arms
 * one timer for the next pass; `stop` aborts the pass in flight and waits for it, leaving no timer.
 */
export class SerialPasses {
  private running = false;
  private controller: AbortController | undefined;
  private pass: Promise<void> | undefined;
  private rerun = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `mayRun` can hold kicks back (the outbox, while it waits for the network). */
  constructor(
    private readonly runPass: (signal: AbortSignal) => Promise<void>,
    private readonly mayRun: () => boolean = () => true,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Allows passes from now on; the caller kicks the first. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.controller = new AbortController();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.controller?.abort();
    this.clearWake();
    await this.pass;
  }

  kick(): void {
    if (!this.running || !this.mayRun()) return;
    if (this.pass !== undefined) {
      this.rerun = true;
      return;
    }
    this.clearWake();
    this.rerun = false;
    this.pass = this.runPass(this.controller!.signal).finally(() => {
      this.pass = undefined;
      if (this.rerun && this.running) this.kick();
    });
  }

  /** The next pass in `delayMs` (replacing any earlier wake-up), unless stopped. */
  wakeIn(delayMs: number): void {
    if (!this.running) return;
    this.clearWake();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delayMs);
  }

  private clearWake(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
