// webpack 5, production mode, nothing rolecall-specific.
const path = require('node:path');

module.exports = {
  mode: 'production',
  context: __dirname,
  entry: './main.js',
  output: { path: path.resolve(__dirname, '../../out/webpack'), publicPath: 'auto', clean: true },
  performance: { hints: false },
};
