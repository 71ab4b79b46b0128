// Vite with its Svelte plugin, nothing rolecall-specific.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte()],
  logLevel: 'warn',
  build: { outDir: '../../out/vite-svelte', emptyOutDir: true },
});
