import { rm, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@argus/testkit';
import { postAlerts, sleep, startReplica, startWebhookSink } from './ha-harness.ts';
import type { Replica, WebhookSink } from './ha-harness.ts';

// A single instance killed with SIGKILL right after notifying must not notify again
// after a restart: the notification log is journaled (fdatasync) as set-notifies records it.
describe('notification log across kill -9', () => {
  let sink: WebhookSink;
  let replica: Replica | undefined;
  const config = (url: string) =>
    [
      'route:',
      '  receiver: hook',
      '  group_by: [alertname]',
      '  group_wait: 200ms',
      '  group_interval: 500ms',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${url}`,
    ].join('\n');

  beforeAll(async () => {
    sink = await startWebhookSink();
  });
  afterAll(async () => {
    await replica?.stop();
    await sink?.close();
  });

  it('does not re-send after SIGKILL and restart; without the journal it would', async () => {
    const alerts = [{ labels: { alertname: 'Durable', instance: 'i1' } }];
    replica = await startReplica('kill9', config(sink.url), ['--cluster.listen-address=']);
    await postAlerts(replica.url, alerts);
    await waitFor(() => sink.bodies.length === 1, { timeoutMs: 5_000 });
    // Between the receiver's 200 and set-notifies there is an unavoidable window (upstream
    // has it too); the kill comes once the entry is on disk, as soon as it is.
    const journal = replica.dir.join('data', 'nflog.journal');
    await waitFor(async () => (await stat(journal)).size > 0, { timeoutMs: 5_000 });
    await replica.process.stop('SIGKILL', 0);

    replica = await startReplica('kill9', config(sink.url), ['--cluster.listen-address='], replica.dir);
    await postAlerts(replica.url, alerts);
    await sleep(1_500); // group_wait plus two group_interval ticks
    expect(sink.bodies).toHaveLength(1);

    // The control: the same crash with the notification-log files gone re-sends.
    await replica.process.stop('SIGKILL', 0);
    await rm(replica.dir.join('data', 'nflog.journal'), { force: true });
    await rm(replica.dir.join('data', 'nflog.json'), { force: true });
    replica = await startReplica('kill9', config(sink.url), ['--cluster.listen-address='], replica.dir);
    await postAlerts(replica.url, alerts);
    await waitFor(() => sink.bodies.length === 2, { timeoutMs: 5_000 });
  });
});
