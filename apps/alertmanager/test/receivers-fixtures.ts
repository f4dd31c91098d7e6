// Shared fixtures of the receiver tests: a fixed alert group, a notifier built from one
// receiver entry, a notify context and a helper expecting a NotifyError.
import { createLogger } from '@argus/service-kit';
import { expect } from 'vitest';
import { parseConfig } from '../src/config/config.ts';
import { NotifyError } from '../src/dispatch/notifier.ts';
import type { Notifier } from '../src/dispatch/notifier.ts';
import type { NotifyContext } from '../src/dispatch/stage.ts';
import { makeAlert } from '../src/domain/alert.ts';
import { DEFAULT_ROUTE_OPTIONS } from '../src/domain/route.ts';
import { buildIntegrations } from '../src/receivers/build.ts';

export const SECRET = 'S3CR3T-token-value';
export const NOW = Date.parse('2026-01-02T03:04:05Z');
export const ALERTS = [
  makeAlert({
    labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' },
    annotations: { summary: 'disk <full>' },
    startsAtMs: NOW - 60_000,
    endsAtMs: NOW + 3_600_000,
    generatorURL: 'http://prom/graph',
    updatedAtMs: NOW,
    timeout: false,
  }),
  makeAlert({
    labels: { alertname: 'DiskFull', instance: 'db-2', severity: 'critical' },
    annotations: { summary: 'disk <full>' },
    startsAtMs: NOW - 120_000,
    endsAtMs: NOW - 1_000,
    generatorURL: 'http://prom/graph',
    updatedAtMs: NOW,
    timeout: false,
  }),
];
export const RESOLVED = [ALERTS[1]!];
export const GROUP_KEY = '{}:{alertname="DiskFull"}';
export const logs: string[] = [];
export const logger = createLogger({
  level: 'debug',
  format: 'logfmt',
  sink: { write: (l: string) => logs.push(l) },
});

export function notifierFor(entry: string): Notifier {
  const config = parseConfig(`route: {receiver: team}\nreceivers:\n  - name: team\n    ${entry}\n`);
  const env = {
    templates: config.templates,
    externalURL: 'http://am.test',
    userAgent: 'Alertmanager/0.25.0',
    logger,
    global: {},
  };
  const [n] = buildIntegrations(config.receivers.get('team')!, env);
  return n!;
}

export function ctx(deadlineInMs = 5_000): NotifyContext {
  return {
    groupKey: GROUP_KEY,
    receiver: 'team',
    groupLabels: { alertname: 'DiskFull' },
    route: DEFAULT_ROUTE_OPTIONS,
    nowMs: NOW,
    deadlineMs: Date.now() + deadlineInMs,
  };
}

export async function failure(p: Promise<unknown>): Promise<NotifyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotifyError);
  return error as NotifyError;
}
