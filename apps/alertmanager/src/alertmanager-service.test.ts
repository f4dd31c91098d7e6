import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { createAlertmanagerService } from './alertmanager-service.ts';

const logger = createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } });
const config = (receiver: string) => `route: {receiver: ${receiver}}\nreceivers: [{name: ${receiver}}]\n`;

describe('alertmanager service', () => {
  it('keeps the old config when a reload is refused, takes a good one', async () => {
    const dir = await makeTempDir('am-reload');
    const file = join(dir.path, 'am.yml');
    await writeFile(file, config('first'));
    const svc = await createAlertmanagerService({ configFile: file, listenAddress: '127.0.0.1:0', logger });
    try {
      const receivers = async () => (await svc.app.inject({ url: '/api/v2/receivers' })).json();
      expect(await receivers()).toEqual([{ name: 'first' }]);
      await writeFile(file, 'route: {receiver: nope}\nreceivers: [{name: other}]\n');
      const bad = await svc.app.inject({ method: 'POST', url: '/-/reload' });
      expect(bad.statusCode).toBe(500);
      expect(bad.body).toContain('undefined receiver "nope" used in route');
      expect(await receivers()).toEqual([{ name: 'first' }]);
      await writeFile(file, config('second'));
      expect((await svc.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
      expect(await receivers()).toEqual([{ name: 'second' }]);
    } finally {
      await svc.stop();
      await dir.remove();
    }
  });

  it('keeps silences across a restart through --storage.path', async () => {
    const dir = await makeTempDir('am-silences');
    const file = join(dir.path, 'am.yml');
    await writeFile(file, config('r'));
    const options = {
      configFile: file,
      listenAddress: '127.0.0.1:0',
      logger,
      storagePath: join(dir.path, 'data'),
    };
    const first = await createAlertmanagerService(options);
    const body = {
      matchers: [{ name: 'alertname', value: 'X', isRegex: false }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      createdBy: 'me',
      comment: 'c',
    };
    const created = await first.app.inject({ method: 'POST', url: '/api/v2/silences', payload: body });
    const { silenceID } = created.json<{ silenceID: string }>();
    await first.stop();
    const second = await createAlertmanagerService(options);
    try {
      const got = await second.app.inject({ url: `/api/v2/silence/${silenceID}` });
      expect(got.json()).toMatchObject({ id: silenceID, comment: 'c', status: { state: 'active' } });
    } finally {
      await second.stop();
      await dir.remove();
    }
  });
});
