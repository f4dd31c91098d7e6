import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { appMain } from '@argus/testkit';

// The built client's command line (apps/pushprox-client/dist/main.js): bad flags exit 1 with one log line.
describe('pushprox-client main', () => {
  it.each([
    { name: 'no --proxy-url', args: ['--fqdn=a'], want: 'required flag --proxy-url not provided' },
    {
      name: 'Rancher --use-localhost without a port allow-list',
      args: ['--proxy-url=http://127.0.0.1:1/', '--use-localhost'],
      want: '--use-localhost requires --allow-port to be set to a specific port',
    },
  ])('refuses $name', ({ args, want }) => {
    const run = spawnSync(process.execPath, [appMain('pushprox-client'), ...args], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`msg="Error starting pushprox-client" err="${want}"`);
  });
});
