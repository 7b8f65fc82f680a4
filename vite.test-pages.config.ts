import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Pages used only by tests and benchmarks: the unmodified peerjs and y-webrtc clients
// against our relay, and the bare RTCPeerConnection baseline for the join-time benchmark.
export default defineConfig({
  root: 'tests/pages',
  base: './',
  // Same as the app: the noise-suppression AudioWorklet is bundled as an ES module.
  worker: { format: 'es' },
  build: {
    outDir: resolve('dist/test-pages'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        peerjs: resolve('tests/pages/peerjs-interop.html'),
        yjs: resolve('tests/pages/yjs-interop.html'),
        bare: resolve('tests/pages/bare-call.html'),
        noise: resolve('tests/pages/noise-suppression.html'),
        tree: resolve('tests/pages/tree-chain.html'),
      },
    },
  },
});
