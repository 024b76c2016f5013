// Svelte 5 in runes mode everywhere: $state/$derived/$props, no legacy reactive statements.
/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: {
    runes: true,
  },
};
