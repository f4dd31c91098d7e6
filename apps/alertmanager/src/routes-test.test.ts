import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appMain, makeTempDir, requireProgram } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const amtool = requireProgram('amtool');
let dir: TempDir;
let file: string;

beforeAll(async () => {
  dir = await makeTempDir('am-routes-test');
  file = join(dir.path, 'am.yml');
  await writeFile(
    file,
    `route:
  receiver: default
  routes:
    - match: {team: db}
      receiver: db
      continue: true
    - match_re: {team: 'db|web'}
      receiver: dbweb
      routes:
        - matchers: ['severity=~"crit.*"']
          receiver: pager
receivers: [{name: default}, {name: db}, {name: dbweb}, {name: pager}]
`,
  );
});
afterAll(async () => dir.remove());

function run(command: string, args: string[]): { out: string; code: number } {
  try {
    return { out: execFileSync(command, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString(), code: 0 };
  } catch (error) {
    const e = error as { stdout: Buffer; status: number };
    return { out: e.stdout.toString(), code: e.status };
  }
}

describe('routes-test gives the receivers amtool config routes test gives', () => {
  it.each([
    ['team=db'],
    ['team=web'],
    ['team=web', 'severity=critical'],
    ['team=db', 'severity=critical'],
    ['foo=bar'],
    ['--verify.receivers=db', 'team=web'],
    ['--verify.receivers=db,dbweb', 'team=db'],
  ])('%j', (...labels) => {
    const upstream = run(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
    const ours = run(process.execPath, [
      appMain('alertmanager'),
      'routes-test',
      `--config.file=${file}`,
      ...labels,
    ]);
    expect(ours).toEqual(upstream);
  });
});
