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
  },
  server: {
    proxy: {
      '/api': 'http://localhost:7880',
      '/ws': { target: 'ws://localhost:7880', ws: true },
    },
  },
}));
