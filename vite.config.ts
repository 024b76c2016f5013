import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import packageJson from './package.json' with { type: 'json' };
import { libsodiumWasm } from './scripts/libsodium-wasm-plugin.ts';

/** Accent colour of the light theme (src/ui/theme.css), used for the installed app's chrome. */
const THEME_COLOUR = '#0b6e69';

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The page registers the worker itself (src/ui/updates.svelte.ts, workbox-window), so no
      // inline registration script is injected: the CSP allows no inline scripts.
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        rollupFormat: 'iife',
        // The manifest and its icons are added by the plugin itself; these are the app's own files.
        // libsodium's WebAssembly is its own file (scripts/libsodium-wasm-plugin.ts): precached with
        // the worker's JavaScript, so the app starts offline.
        globPatterns: ['**/*.{js,css,html,wasm}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      manifest: {
        name: 'Parley',
        short_name: 'Parley',
        description: 'A private messenger for the browser that speaks the Session protocol.',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: THEME_COLOUR,
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: {
    format: 'es',
    // The core worker is bundled apart from the page: libsodium's WASM is split out there.
    plugins: () => [libsodiumWasm()],
  },
  // Settings → About shows the version; only the string is inlined, not package.json.
  define: {
    __APP_VERSION__: JSON.stringify(packageJson.version),
  },
  build: {
    target: 'es2022',
  },
});
