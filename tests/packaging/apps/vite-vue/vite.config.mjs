// Vite with its Vue plugin, nothing rolecall-specific.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [vue()],
  logLevel: 'warn',
  build: { outDir: '../../out/vite-vue', emptyOutDir: true },
});
