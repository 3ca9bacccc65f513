// The standalone ESM bundle of <cosmo-classroom>: one file an embedder loads with a script tag.
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { conditions: ['@cosmo/source', 'module', 'browser', 'production'] },
  build: {
    outDir: 'dist-bundle',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: 'src/classroom/cosmo-classroom.ts',
      formats: ['es'],
      fileName: () => 'cosmo-classroom.js',
    },
    chunkSizeWarningLimit: 1024,
    minify: true,
  },
});
