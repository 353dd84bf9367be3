import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer build. `base: './'` makes every asset URL relative, so the same build works under `/ui/`
 * (web mode) and from `file://` in Electron. Run with `npx vite build` from the repository root.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // One local bundle, loaded from disk or localhost: splitting buys nothing here.
    chunkSizeWarningLimit: 1024,
  },
  server: { strictPort: false },
});
