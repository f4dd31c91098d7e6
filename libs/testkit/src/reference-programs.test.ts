import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findProgram } from './programs.ts';
import {
  startAlertmanager,
  startNatsServer,
  startNodeExporter,
  startPrometheus,
  startPushgateway,
} from './reference-programs.ts';
import type { RunningProgram } from './reference-programs.ts';

async function checkAndStop(program: RunningProgram, path: string, want: string): Promise<void> {
  try {
    const res = await fetch(`${program.url}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(want);
  } finally {
    await program.stop();
  }
  expect(existsSync(program.dir.path)).toBe(false);
}

describe('reference programs', () => {
  it.skipIf(!findProgram('prometheus'))('starts Prometheus with a config', async () => {
    const prometheus = await startPrometheus('global:\n  scrape_interval: 1m\nscrape_configs: []\n');
    await checkAndStop(prometheus, '/api/v1/status/config', 'scrape_interval: 1m');
  });

  it.skipIf(!findProgram('prometheus-alertmanager', 'alertmanager'))(
    'starts Alertmanager with a config',
    async () => {
      const alertmanager = await startAlertmanager(
        'route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n',
      );
      await checkAndStop(alertmanager, '/api/v2/status', '"status":"disabled"');
    },
  );

  it.skipIf(!findProgram('prometheus-pushgateway', 'pushgateway'))('starts the Pushgateway', async () => {
    await checkAndStop(await startPushgateway(), '/metrics', 'pushgateway_build_info');
  });

  it.skipIf(!findProgram('prometheus-node-exporter', 'node_exporter'))(
    'starts node_exporter with extra flags',
    async () => {
      const exporter = await startNodeExporter({
        args: ['--collector.disable-defaults', '--collector.loadavg'],
      });
      await checkAndStop(exporter, '/metrics', 'node_load1 ');
    },
  );

  it.skipIf(!findProgram('nats-server'))('starts nats-server with JetStream', async () => {
    const nats = await startNatsServer();
    expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    const info = await new Promise<string>((resolve, reject) => {
      const socket = connect(nats.port, '127.0.0.1');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString());
      });
      socket.once('error', reject);
    });
    expect(info).toMatch(/^INFO .*"jetstream":true/);
    await nats.stop();
    expect(existsSync(nats.dir.path)).toBe(false);
  });
});
