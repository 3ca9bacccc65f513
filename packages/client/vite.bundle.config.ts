// The standalone ESM bundle of <cosmo-classroom>: one file an embedder loads with a script tag.
import { defineConfig } from 'vite';
import { bundleStubs } from './bundle-stubs.mjs';

export default defineConfig({
  plugins: [bundleStubs()],
  resolve: { conditions: ['@cosmo/source', 'module', 'browser', 'production'] },
  build: {
    outDir: 'dist-bundle',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      // The element, and the notice service worker an embedder serves from their own origin.
      entry: {
        'cosmo-classroom': 'src/classroom/cosmo-classroom.ts',
        'cosmo-sw': 'src/push/cosmo-sw.ts',
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    chunkSizeWarningLimit: 1024,
    minify: true,
    // Vite's library mode keeps whitespace in ES output (for downstream bundlers); this file is
    // served to browsers as it is, so it is minified fully.
    rolldownOptions: { output: { minify: true, comments: { legal: true, annotation: false } } },
  },
});
