// Vite builds the web app into dist/, which the gateway serves at `/` (docs/adr/0013-web-app.md).
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything the page needs is in dist/: no CDN, no external font, nothing fetched from elsewhere.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite` in apps/web: the API from a host started with `npm start`.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/app-config.json': 'http://127.0.0.1:3000' },
  },
});
