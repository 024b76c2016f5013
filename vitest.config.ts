import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['wasm/**/*.test.ts', 'src/**/*.test.ts', 'devnet/**/*.test.ts', 'peers/**/*.test.ts', 'relay/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
  },
});
