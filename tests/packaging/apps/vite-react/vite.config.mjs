// Vite with its React plugin, nothing rolecall-specific.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: '../../out/vite-react', emptyOutDir: true },
});
