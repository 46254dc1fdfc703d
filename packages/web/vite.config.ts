// Builds the dashboard into the server's package (packages/server/dashboard), which ships and serves
// the files at GET /. The server imports none of this code: it serves files. Every asset also gets a
// brotli (.br) and a gzip (.gz) copy, which the server sends to browsers that accept them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const outDir = fileURLToPath(new URL('../server/dashboard', import.meta.url));

/** Writes `<file>.br` and `<file>.gz` beside every JS and CSS file of the build's assets/. */
function precompress(): Plugin {
  return {
    name: 'ioasid-precompress',
    apply: 'build',
    closeBundle() {
      const assets = join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        if (!/\.(js|css)$/.test(name)) continue;
        const content = readFileSync(join(assets, name));
        writeFileSync(
          join(assets, `${name}.br`),
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(join(assets, `${name}.gz`), gzipSync(content, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One module preload polyfill less: every browser the dashboard supports has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
