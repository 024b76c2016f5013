/**
 * The per-IP token bucket in front of `/storage_rpc/v1` (SS `rpc/rate_limiter.cpp`): 600 tokens,
 * refilled at 300 per second, at most 10 000 tracked clients. A client's first request creates its
 * bucket with one token spent; refills are counted in whole token periods from the last spend.
 */
import { RATE_LIMIT_BUCKET_SIZE, RATE_LIMIT_MAX_CLIENTS, RATE_LIMIT_TOKENS_PER_SECOND } from './constants.ts';

interface Bucket {
  tokens: number;
  lastSpentMs: number;
}

export interface RateLimiterOptions {
  readonly bucketSize?: number;
  readonly tokensPerSecond?: number;
  readonly maxClients?: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly bucketSize: number;
  private readonly tokenPeriodMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    this.bucketSize = options.bucketSize ?? RATE_LIMIT_BUCKET_SIZE;
    this.tokenPeriodMs = 1000 / (options.tokensPerSecond ?? RATE_LIMIT_TOKENS_PER_SECOND);
    this.maxClients = options.maxClients ?? RATE_LIMIT_MAX_CLIENTS;
    this.now = options.now ?? (() => performance.now());
  }

  /** True when `ip` has no token left (answer 429); otherwise spends one. */
  shouldLimit(ip: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(ip);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxClients) {
        this.dropFullBuckets(now);
        if (this.buckets.size >= this.maxClients) return true;
      }
      this.buckets.set(ip, { tokens: this.bucketSize - 1, lastSpentMs: now });
      return false;
    }
    this.refill(bucket, now);
    if (bucket.tokens === 0) return true;
    bucket.tokens -= 1;
    bucket.lastSpentMs = now;
    return false;
  }

  /** Returns true when the bucket is full again. */
  private refill(bucket: Bucket, now: number): boolean {
    const elapsed = Math.min(now - bucket.lastSpentMs, this.tokenPeriodMs * this.bucketSize);
    bucket.tokens = Math.min(this.bucketSize, bucket.tokens + Math.floor(elapsed / this.tokenPeriodMs));
    return bucket.tokens >= this.bucketSize;
  }

  private dropFullBuckets(now: number): void {
    for (const [ip, bucket] of this.buckets) if (this.refill(bucket, now)) this.buckets.delete(ip);
  }
}
