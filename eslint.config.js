// One lint configuration for the whole tree. The layering of DESIGN.md is enforced
// here: a lib may import only from layers below it, never from an app; domain
// layers (1-3) may not import network or cluster clients.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const libsDir = resolve(import.meta.dirname, 'libs');

const networkClients = [
  'fastify',
  '@fastify/*',
  'undici',
  'nats',
  '@nats-io/*',
  '@kubernetes/client-node',
  'pino',
  'prom-client',
  'node:http',
  'node:https',
  'node:net',
  'http',
  'https',
  'net',
];

// Libraries of layers 1-3 (domain code: no network I/O), found from their nx tags.
const domainLibs = readdirSync(libsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .filter((d) => {
    try {
      const tags = JSON.parse(readFileSync(resolve(libsDir, d.name, 'package.json'), 'utf8')).nx?.tags ?? [];
      return tags.some((t) => ['layer:1', 'layer:2', 'layer:3'].includes(t));
    } catch {
      return false;
    }
  })
  .map((d) => d.name);

const restrictedPatterns = [
  { group: ['@argus/*/*'], message: 'Import a lib through its public door (@argus/<lib>), not a deep path.' },
  {
    group: ['**/libs/*/src/**', '**/apps/*/src/**'],
    message: 'Cross-project relative imports are forbidden; use @argus/<lib>.',
  },
];

const layer = (n) => `layer:${n}`;
const below = (n) => Array.from({ length: n - 1 }, (_, i) => layer(i + 1));

/** The layer rule; tests may additionally use the tags in `testOnly` (the testkit). */
function boundaries(testOnly) {
  const may = (n) => [...below(n), ...testOnly];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allowCircularSelfDependency: false,
      banTransitiveDependencies: false,
      checkDynamicDependenciesExceptions: [],
      depConstraints: [
        { sourceTag: layer(1), onlyDependOnLibsWithTags: may(1), bannedExternalImports: networkClients },
        { sourceTag: layer(2), onlyDependOnLibsWithTags: may(2), bannedExternalImports: networkClients },
        { sourceTag: layer(3), onlyDependOnLibsWithTags: may(3), bannedExternalImports: networkClients },
        { sourceTag: layer(4), onlyDependOnLibsWithTags: may(4) },
        { sourceTag: layer(5), onlyDependOnLibsWithTags: may(5) },
        { sourceTag: layer(6), onlyDependOnLibsWithTags: below(6) },
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: below(7) },
        { sourceTag: 'type:tool', onlyDependOnLibsWithTags: below(7) },
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', 'bench/results/**', '**/testdata/**'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/src/**/*.ts', '**/test/**/*.ts', 'tools/**/*.ts'],
    ignores: ['**/vitest.config.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      'no-restricted-imports': ['error', { patterns: restrictedPatterns }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: domainLibs.map((name) => `libs/${name}/src/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: networkClients
            .filter((name) => !name.includes('*'))
            .map((name) => ({
              name,
              message: 'Domain libs (layers 1-3) do no network I/O; wrap it in an adapter lib.',
            })),
          patterns: [
            ...restrictedPatterns,
            { group: ['@fastify/*', '@nats-io/*'], message: 'Domain libs (layers 1-3) do no network I/O.' },
          ],
        },
      ],
    },
  },
  {
    // Tests of any layer may start real processes through the testkit.
    files: ['**/*.test.ts'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': boundaries([layer(6)]) },
  },
  {
    files: ['**/*.test.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
