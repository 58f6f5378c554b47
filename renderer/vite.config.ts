import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { pdfjsAssets } from './vite-pdfjs-assets';
import { precompress } from './vite-precompress';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  // Relative asset paths: the same build is served by the server at `/` and loaded by Electron
  // from the app bundle (file://) for the first-run set-up screen.
  base: './',
  publicDir: path.join(here, 'public'),
  // Brotli and gzip copies of the build, made once here and sent as they are by the server.
  plugins: [react(), pdfjsAssets(), precompress()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // The service worker is its own entry, at a fixed name next to index.html (its scope is the app).
      input: { index: path.join(here, 'index.html'), sw: path.join(here, 'src/offline/service-worker.ts') },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
