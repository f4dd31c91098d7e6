import { describe, expect, it } from 'vitest';
import { makeAlert } from '../domain/alert.ts';
import { DEFAULT_ROUTE_OPTIONS } from '../domain/route.ts';
import { NotificationLog } from './notification-log.ts';
import type { NotifyContext } from './stage.ts';
import { alertHash, dedupStage } from './stages.ts';

const NOW = 1_800_000_000_000;
const H = 3_600_000;
const firing = (name: string) =>
  makeAlert({
    labels: { alertname: name },
    annotations: {},
    startsAtMs: NOW - H,
    endsAtMs: NOW + H,
    generatorURL: '',
    updatedAtMs: NOW,
    timeout: false,
  });
const resolved = (name: string) => ({ ...firing(name), endsAtMs: NOW - 1 });
const KEY = 'k';

interface Case {
  name: string;
  previous?: { firing: string[]; resolved: string[]; ageMs: number };
  alerts: ReturnType<typeof firing>[];
  sendResolved?: boolean;
  want: string | undefined;
}

// NOTES §3: the rows are checked in order and the first that applies decides.
const cases: Case[] = [
  { name: 'no entry, firing', alerts: [firing('a')], want: 'first notification' },
  { name: 'no entry, nothing firing', alerts: [resolved('a')], want: undefined },
  {
    name: 'new firing alert',
    previous: { firing: ['a'], resolved: [], ageMs: 1000 },
    alerts: [firing('a'), firing('b')],
    want: 'new alerts added',
  },
  {
    name: 'entry without firing, now firing',
    previous: { firing: [], resolved: ['a'], ageMs: 1000 },
    alerts: [firing('a')],
    want: 'first notification',
  },
  {
    name: 'all resolved',
    previous: { firing: ['a'], resolved: [], ageMs: 1000 },
    alerts: [resolved('a')],
    want: 'all alerts resolved',
  },
  {
    name: 'all resolved, even without send_resolved',
    previous: { firing: ['a'], resolved: [], ageMs: 1000 },
    alerts: [resolved('a')],
    sendResolved: false,
    want: 'all alerts resolved',
  },
  {
    name: 'nothing firing before or now',
    previous: { firing: [], resolved: ['a'], ageMs: 1000 },
    alerts: [resolved('a')],
    want: undefined,
  },
  {
    name: 'some resolved',
    previous: { firing: ['a', 'b'], resolved: [], ageMs: 1000 },
    alerts: [firing('a'), resolved('b')],
    want: 'some alerts resolved',
  },
  {
    name: 'some resolved without send_resolved',
    previous: { firing: ['a', 'b'], resolved: [], ageMs: 1000 },
    alerts: [firing('a'), resolved('b')],
    sendResolved: false,
    want: undefined,
  },
  {
    name: 'unchanged, recent',
    previous: { firing: ['a'], resolved: [], ageMs: 1000 },
    alerts: [firing('a')],
    want: undefined,
  },
  {
    name: 'unchanged, repeat interval elapsed',
    previous: { firing: ['a'], resolved: [], ageMs: 4 * H + 1 },
    alerts: [firing('a')],
    want: 'repeat interval elapsed',
  },
];

describe('dedupStage', () => {
  it.each(cases)('$name', async ({ previous, alerts, sendResolved, want }) => {
    const nflog = new NotificationLog();
    if (previous) {
      const hash = (names: string[]) => names.map((n) => alertHash(firing(n)));
      nflog.log(KEY, hash(previous.firing), hash(previous.resolved), NOW - previous.ageMs, 4 * H);
    }
    const ctx: NotifyContext = {
      groupKey: 'g',
      receiver: 'r',
      groupLabels: {},
      route: DEFAULT_ROUTE_OPTIONS,
      nowMs: NOW,
      deadlineMs: NOW + 10_000,
    };
    const out = await dedupStage(nflog, () => KEY, sendResolved ?? true).exec(ctx, alerts);
    expect(out.length > 0 ? ctx.reason : undefined).toBe(want);
  });
});
