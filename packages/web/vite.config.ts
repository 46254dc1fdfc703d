// Builds the dashboard into the server's package (packages/server/dashboard), which ships and serves
// the files at GET /. The server imports none of this code: it serves files.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../server/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One module preload polyfill less: every browser the dashboard supports has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
