import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by examples/node-server (same origin as its API). In development,
// `npm run dev` proxies /api to a server started with `npm start` in examples/node-server.
export default defineConfig({
  plugins: [react()],
  resolve: {
    // `rolecall` is linked from ../../js-sdk: its `rolecall/react` must use this app's React.
    dedupe: ['react', 'react-dom'],
  },
  build: {
    target: 'es2022',
    rollupOptions: { input: { main: 'index.html', plain: 'plain.html', stress: 'stress.html' } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
