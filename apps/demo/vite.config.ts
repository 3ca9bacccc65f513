import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => ({
  resolve: {
    // Build from the workspace packages' sources (no separate package build needed), and pick
    // production builds of dependencies (Lit) unless serving for development.
    conditions: [
      '@cosmo/source',
      'module',
      'browser',
      mode === 'development' ? 'development' : 'production',
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // The notice service worker sits at the site's root as /cosmo-sw.js (the element's
      // `service-worker` attribute names it), unhashed: browsers update it by fetching that URL.
      input: { main: 'index.html', 'cosmo-sw': '../../packages/client/src/push/cosmo-sw.ts' },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'cosmo-sw' ? 'cosmo-sw.js' : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:7880',
      '/ws': { target: 'ws://localhost:7880', ws: true },
    },
  },
}));
