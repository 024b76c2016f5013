import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Builds the virtual list's test page (src/ui/harness/) for e2e/virtual-list.spec.ts; not the app. */
export default defineConfig({
  root: fileURLToPath(new URL('../src/ui/harness/', import.meta.url)),
  base: './',
  plugins: [svelte()],
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../test-results/harness/', import.meta.url)),
    emptyOutDir: true,
  },
});
