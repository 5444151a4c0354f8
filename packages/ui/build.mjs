// The UI's build: one esbuild bundle (Preact, TSX) and the static files, into dist/. Everything
// the browser loads is in dist: the gateway serves it, nothing is fetched from the internet.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/main.tsx'],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2022',
  format: 'esm',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: 'dist/app.js',
  logLevel: 'warning',
  // Workspace packages (@strata/operator-model) are bundled from their TypeScript, so that what the UI does not use is shaken out.
  conditions: ['source'],
});
cpSync('static', 'dist', { recursive: true });
