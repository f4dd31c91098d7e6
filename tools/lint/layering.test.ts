// The layering of DESIGN.md is a lint error, not a wish: these cases lint source text
// as if it lived at the given path and expect the boundary rules to reject it.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function lintAt(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

// The first lint builds nx's project graph, which takes a while on a loaded machine.
describe('layering', { timeout: 120_000 }, () => {
  it.each([
    {
      name: 'a lib importing an app',
      path: 'libs/model/src/bad.ts',
      code: "import '../../../apps/node-exporter/src/main.ts';\n",
    },
    {
      name: 'a layer-1 lib importing a layer-2 lib',
      path: 'libs/model/src/bad.ts',
      code: "import { parseExposition } from '@argus/exposition';\nexport const x = parseExposition;\n",
    },
    {
      name: 'a domain lib importing a network client',
      path: 'libs/exposition/src/bad.ts',
      code: "import fastify from 'fastify';\nexport const x = fastify;\n",
    },
    {
      name: 'a deep import into another lib',
      path: 'apps/node-exporter/src/bad.ts',
      code: "import { x } from '@argus/model/src/labels.ts';\nexport const y = x;\n",
    },
  ])('rejects $name', async ({ path, code }) => {
    const messages = await lintAt(path, code);
    expect(
      messages.some(
        (m) => m.startsWith('@nx/enforce-module-boundaries') || m.startsWith('no-restricted-imports'),
      ),
    ).toBe(true);
  });

  it('accepts an app importing a lib through its door', async () => {
    const messages = await lintAt(
      'apps/node-exporter/src/ok.ts',
      "import { parseDuration } from '@argus/model';\nexport const y = parseDuration;\n",
    );
    expect(messages).toEqual([]);
  });
});
