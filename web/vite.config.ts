import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// The web app lives in web/ and imports its catalogs from ../src/domain (with .js suffixes, as the
// server code does; Vite resolves them to the .ts sources).
export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
