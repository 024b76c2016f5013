/**
 * Random choices of nodes. The source is injectable so tests can make choices reproducible; the
 * default is Math.random, which is enough here: node choice spreads load, it protects no secret.
 */
export type Random = () => number;

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function pickOne<T>(items: readonly T[], random: Random): T | undefined {
  if (items.length === 0) return undefined;
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))];
}

/** The IPv4 "/24" desktop groups nodes by: everything up to the last dot. */
export function subnetOf(ip: string): string {
  return ip.slice(0, ip.lastIndexOf('.'));
}

/**
 * A small seeded generator (mulberry32) for tests and reproducible runs; not for anything secret.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
