#!/usr/bin/env node
// Bundles one app into apps/<name>/dist/main.js (plus any worker entries) with esbuild.
// Libraries are bundled from their sources through the @argus/<lib> aliases; native
// modules stay external and must be dependencies of the app itself.
//
// The app's package.json may declare, under "argus":
//   "workers": { "<out-name>": "<path relative to the app>" }   extra entry points
//   "external": ["pkg", ...]                                      more externals
//   "assets": { "<dir under dist>": "<dir relative to the app>" }  files copied as they are
import { cpSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const nativeModules = ['re2', 'snappy', 'bcrypt', 'cpu-features', 'ssh2'];

const appDir = process.cwd();
const pkg = JSON.parse(readFileSync(resolve(appDir, 'package.json'), 'utf8'));
const options = pkg.argus ?? {};
const root = resolve(import.meta.dirname, '../..');
const { compilerOptions } = JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8'));
const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(root, target)]),
);

const entryPoints = { main: resolve(appDir, 'src/main.ts') };
for (const [name, path] of Object.entries(options.workers ?? {})) entryPoints[name] = resolve(appDir, path);

await build({
  entryPoints,
  outdir: resolve(appDir, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  alias,
  external: [...nativeModules, ...(options.external ?? [])],
  logLevel: 'warning',
  banner: {
    js: [
      "import { createRequire as __argusCreateRequire } from 'node:module';",
      "import { fileURLToPath as __argusFileURLToPath } from 'node:url';",
      'const require = __argusCreateRequire(import.meta.url);',
      'const __filename = __argusFileURLToPath(import.meta.url);',
      "const __dirname = __argusFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
});

for (const [to, from] of Object.entries(options.assets ?? {})) {
  cpSync(resolve(appDir, from), resolve(appDir, 'dist', to), { recursive: true });
}
