import { defineConfig } from 'vite';

// The renderer is plain TSX: Vite transforms it with its built-in transformer, using the
// tsconfig's "jsx": "react-jsx", so no framework plugin is needed.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // Only Chromium runs the renderer: inside Electron, or in the browser host's tests.
    target: 'chrome130',
    // Keep everything in files, because the CSP allows no inline script or data: modules.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
