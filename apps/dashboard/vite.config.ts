// Vite build of the dashboard: React (JSX by Vite's built-in oxc transform, no plugin needed),
// output in dist/dashboard at the repository root, where apps/server serves it at `/`.
// `npm run dev:dashboard` proxies /api (REST and socket.io) to a server on DISCO_URL.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.DISCO_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': { target, ws: true } } },
});
