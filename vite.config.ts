import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// The app is static files: `vite build` writes dist/app, which the relay serves
// and any CDN can host (see README "Hosting the app elsewhere").
export default defineConfig({
  plugins: [solid()],
  base: './',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
});
