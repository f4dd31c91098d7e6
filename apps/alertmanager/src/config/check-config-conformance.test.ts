import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireProgram } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './config.ts';

const dir = join(import.meta.dirname, '../../testdata/configs');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const amtool = requireProgram('amtool');

function amtoolAccepts(file: string): boolean {
  try {
    execFileSync(amtool, ['check-config', file], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

async function weAccept(file: string): Promise<boolean> {
  try {
    await loadConfigFile(file);
    return true;
  } catch {
    return false;
  }
}

describe('configs: we accept exactly what amtool check-config (0.25) accepts', () => {
  it.each(fixtures)('%s', async (name) => {
    const file = join(dir, name);
    const upstream = amtoolAccepts(file);
    expect(upstream).toBe(name.startsWith('ok-'));
    expect(await weAccept(file)).toBe(upstream);
  });
});
