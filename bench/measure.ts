/**
 * A tiny benchmark harness: warm up, then run an operation for a fixed wall-clock budget and print
 * its cost. It prints figures and never asserts on them: these machines are shared and noisy.
 */
export interface Measurement {
  name: string;
  iterations: number;
  microsPerOp: number;
  opsPerSecond: number;
}

export async function measure(
  name: string,
  operation: () => unknown,
  { budgetMs = 1000, warmup = 20 }: { budgetMs?: number; warmup?: number } = {},
): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await operation();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    await operation();
    iterations++;
    elapsed = performance.now() - start;
  }
  const result = {
    name,
    iterations,
    microsPerOp: (elapsed * 1000) / iterations,
    opsPerSecond: (iterations * 1000) / elapsed,
  };
  console.log(
    `${name.padEnd(48)} ${result.microsPerOp.toFixed(1).padStart(10)} µs/op ${result.opsPerSecond.toFixed(0).padStart(9)} ops/s  (n=${iterations})`,
  );
  return result;
}
