// sachet's default text composition, made deterministic (section order, label order).
import { describe, expect, it } from 'vitest';
import { parseWebhookPayload } from '../src/common/webhook-payload.ts';
import { defaultAlertText } from '../src/sms/alert-text.ts';

const alert = (status: string, labels: Record<string, string>) => ({ status, labels, annotations: {} });

describe('default alert text', () => {
  it.each([
    {
      name: 'one alert: group status upper-cased, then sorted "name= value" lines',
      payload: {
        status: 'firing',
        alerts: [alert('firing', { zone: 'b', alertname: 'Disk', instance: 'db1', Job: 'x' })],
      },
      want: 'FIRING \nJob= x\nalertname= Disk\ninstance= db1\nzone= b',
    },
    {
      name: 'one resolved alert',
      payload: { status: 'resolved', alerts: [alert('resolved', { alertname: 'Disk' })] },
      want: 'RESOLVED \nalertname= Disk',
    },
    {
      name: 'several alerts: Firing section before Resolved, payload order within, exported_instance in parentheses',
      payload: {
        status: 'firing',
        alerts: [
          alert('resolved', { alertname: 'Old', instance: 'a:1' }),
          alert('firing', { alertname: 'Disk', instance: 'db1', exported_instance: 'vol7' }),
          alert('firing', { alertname: 'Cpu' }),
        ],
      },
      want: 'Firing: \nDisk @db1 (vol7)\nCpu @\nResolved: \nOld @a:1\n',
    },
    {
      name: 'several alerts, all resolved: no empty Firing section',
      payload: {
        status: 'resolved',
        alerts: [alert('resolved', { alertname: 'A' }), alert('resolved', { alertname: 'B' })],
      },
      want: 'Resolved: \nA @\nB @\n',
    },
    {
      name: 'no alerts: common label values ordered by label name',
      payload: {
        status: 'firing',
        alerts: [],
        commonLabels: { severity: 'page', alertname: 'Disk', job: 'node' },
      },
      want: 'Alert \nDisk | node | page',
    },
  ])('$name', ({ payload, want }) => {
    expect(defaultAlertText(parseWebhookPayload(JSON.stringify(payload)))).toBe(want);
  });
});
