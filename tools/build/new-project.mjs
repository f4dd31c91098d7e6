#!/usr/bin/env node
// Scaffolds a project:  node tools/build/new-project.mjs lib <name> <layer 1-6>
//                       node tools/build/new-project.mjs app <name>
// Writes package.json (nx tags and targets), tsconfig.json, vitest.config.ts, a README
// stub and src/index.ts or src/main.ts, and registers the @argus/<name> alias for libs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [kind, name, layerArg] = process.argv.slice(2);
if (!['lib', 'app'].includes(kind) || !/^[a-z][a-z0-9-]*$/.test(name ?? '')) {
  console.error('usage: new-project.mjs lib <name> <layer 1-6> | app <name>');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '../..');
const dir = resolve(root, kind === 'lib' ? 'libs' : 'apps', name);
if (existsSync(dir)) {
  console.error(`${dir} exists`);
  process.exit(2);
}
mkdirSync(resolve(dir, 'src'), { recursive: true });

const write = (file, text) => writeFileSync(resolve(dir, file), text);
const nx =
  kind === 'lib'
    ? { projectType: 'library', tags: ['type:lib', `layer:${Number(layerArg)}`] }
    : { projectType: 'application', tags: ['type:app'] };
const scripts =
  kind === 'lib'
    ? { build: 'tsc -p tsconfig.json', test: 'vitest run --passWithNoTests', lint: 'eslint .' }
    : {
        build: 'tsc -p tsconfig.json && node ../../tools/build/build-app.mjs',
        test: 'vitest run --passWithNoTests',
        lint: 'eslint .',
      };
write(
  'package.json',
  JSON.stringify(
    {
      name: kind === 'lib' ? `@argus/${name}` : `@argus-app/${name}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts,
      nx,
      dependencies: {},
    },
    null,
    2,
  ) + '\n',
);
write(
  'tsconfig.json',
  JSON.stringify(
    { extends: '../../tsconfig.base.json', include: ['src/**/*.ts', 'test/**/*.ts', '*.ts'] },
    null,
    2,
  ) + '\n',
);
write('vitest.config.ts', "export { default } from '../../vitest.shared.ts';\n");
write(
  'README.md',
  `# ${kind === 'lib' ? '@argus' : '@argus-app'}/${name}\n\nWhy it exists, its door, how to run it.\n`,
);
write(kind === 'lib' ? 'src/index.ts' : 'src/main.ts', 'export {};\n');

if (kind === 'lib') {
  const basePath = resolve(root, 'tsconfig.base.json');
  const base = JSON.parse(readFileSync(basePath, 'utf8'));
  base.compilerOptions.paths[`@argus/${name}`] = [`./libs/${name}/src/index.ts`];
  base.compilerOptions.paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).sort());
  writeFileSync(basePath, JSON.stringify(base, null, 2) + '\n');
}
console.log(`created ${dir}`);
