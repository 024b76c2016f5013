/**
 * What a relay forwarded, counted in process: the benchmarks read it to say how many requests and
 * bytes a client costs on the wire (bench/delivery.bench.ts). Only the forwarding routes count
 * (onion requests and seed queries), not the app's static files; bytes are the bodies, without
 * HTTP headers. A plain object the owner reads: no endpoint exposes it.
 */
export interface TrafficCount {
  /** Forwarding requests answered (whatever the outcome). */
  requests: number;
  /** Request bodies read from clients. */
  requestBytes: number;
  /** Answer bodies sent back to clients (the node's bytes, or the relay's own error text). */
  answerBytes: number;
}

export class RelayTraffic {
  readonly onion: TrafficCount = { requests: 0, requestBytes: 0, answerBytes: 0 };
  readonly seed: TrafficCount = { requests: 0, requestBytes: 0, answerBytes: 0 };

  /** Both routes together, as of now (a copy). */
  total(): TrafficCount {
    return {
      requests: this.onion.requests + this.seed.requests,
      requestBytes: this.onion.requestBytes + this.seed.requestBytes,
      answerBytes: this.onion.answerBytes + this.seed.answerBytes,
    };
  }
}
