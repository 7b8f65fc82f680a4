import { defineConfig, type Plugin, type Rollup } from 'vite';
import solid from 'vite-plugin-solid';
import path from 'node:path';
import { writeGzipSidecars } from './relay/http/gzip-sidecars';

/**
 * Adds `<link rel="prefetch">` for lazy chunks the page will surely run, so they are in the
 * HTTP cache when imported: the in-call UI and the room doc run after the first picture
 * (src/ui/RoomPage.tsx), and on a CDN their imports then cost no round trip. Prefetched, not
 * modulepreloaded: a modulepreload was fetched and compiled alongside the main chunk, on the
 * two cores the join is bound by (bench/join: 0.93× decoded with prefetch, 21 runs each).
 */
function prefetchLazyChunks(modules: readonly string[]): Plugin {
  return {
    name: 'lunar-prefetch-lazy-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle: Rollup.OutputBundle | undefined = ctx.bundle;
        if (!bundle) return [];
        const files = new Set<string>();
        const visit = (chunk: Rollup.OutputChunk) => {
          if (chunk.isEntry || files.has(chunk.fileName)) return;
          files.add(chunk.fileName);
          for (const dep of chunk.imports) {
            const next = bundle[dep];
            if (next?.type === 'chunk') visit(next);
          }
        };
        for (const out of Object.values(bundle)) {
          if (out.type === 'chunk' && modules.some((m) => out.facadeModuleId?.endsWith(m))) visit(out);
        }
        if (files.size === 0) throw new Error(`prefetchLazyChunks: no chunk for ${modules.join(', ')}`);
        return [...files].map((file) => ({ tag: 'link', attrs: { rel: 'prefetch', crossorigin: true, href: `./${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/**
 * Writes a gzip sidecar beside each compressible asset once the bundle is on disk: the relay
 * serves them to browsers that accept gzip (relay/http/gzip-sidecars.ts).
 */
function gzipSidecars(): Plugin {
  let outDir = '';
  return {
    name: 'lunar-gzip-sidecars',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      writeGzipSidecars(outDir);
    },
  };
}

// The app is static files: `vite build` writes dist/app, which the relay serves
// and any CDN can host (see README "Hosting the app elsewhere").
export default defineConfig({
  plugins: [solid(), prefetchLazyChunks(['/src/ui/CallRoom.tsx', '/src/room-state/room-doc-provider.ts']), gzipSidecars()],
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
