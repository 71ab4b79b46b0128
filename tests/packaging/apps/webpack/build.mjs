// Builds the webpack app with webpack's Node API (the CLI is another package, webpack-cli).
import { createRequire } from 'node:module';
import webpack from 'webpack';

const config = createRequire(import.meta.url)('./webpack.config.cjs');
webpack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ?? stats.toString({ all: false, errors: true }));
    process.exit(1);
  }
});
