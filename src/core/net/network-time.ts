/**
 * Network time (client-protocol.md §10): the clock every timestamp and signature uses. Service nodes
 * refuse timestamps more than 10 s ahead and signatures more than 60 s off, so the client keeps an
 * offset from the `t` of each answer instead of trusting the device clock.
 */

/** 2021-01-01T00:00:00Z: a `t` before this is not a real server clock. */
export const EARLIEST_SERVER_TIME_MS = 1_609_459_200_000;
export const OFFSET_WINDOW = 10;

export class NetworkTime {
  private offsets: number[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** Takes one server time; anything that is not a plausible ms timestamp is ignored. */
  record(serverTimeMs: unknown): void {
    if (typeof serverTimeMs !== 'number' || !Number.isSafeInteger(serverTimeMs)) return;
    if (serverTimeMs < EARLIEST_SERVER_TIME_MS) return;
    this.offsets.push(this.clock() - serverTimeMs);
    if (this.offsets.length > OFFSET_WINDOW) this.offsets.shift();
  }

  /**
   * After a 406 the window's history is what was wrong (e.g. the device clock jumped): start again
   * from this one fresh answer.
   */
  resync(serverTimeMs: unknown): boolean {
    const before = this.offsets;
    this.offsets = [];
    this.record(serverTimeMs);
    if (this.offsets.length === 0) this.offsets = before;
    return this.offsets !== before;
  }

  /** Device clock minus server clock, averaged over the window and floored; 0 before any answer. */
  offsetMs(): number {
    if (this.offsets.length === 0) return 0;
    return Math.floor(this.offsets.reduce((sum, o) => sum + o, 0) / this.offsets.length);
  }

  now(): number {
    return this.clock() - this.offsetMs();
  }

  get sampleCount(): number {
    return this.offsets.length;
  }
}

/**
 * The server time of an RPC answer: its own `t`, or for `batch`/`sequence` the first sub-answer's
 * (the envelope itself carries none).
 */
export function serverTimeOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record['t'] === 'number') return record['t'];
  const results = record['results'];
  if (!Array.isArray(results)) return undefined;
  for (const result of results as unknown[]) {
    const inner = typeof result === 'object' && result !== null ? (result as Record<string, unknown>)['body'] : undefined;
    if (typeof inner === 'object' && inner !== null && typeof (inner as Record<string, unknown>)['t'] === 'number') {
      return (inner as Record<string, unknown>)['t'] as number;
    }
  }
  return undefined;
}
