import { describe, expect, it } from 'vitest';
import { makeAlert } from './alert.ts';
import { Inhibitor } from './inhibitor.ts';
import { parseMatchers } from './parse-matchers.ts';

const T0 = 1_700_000_000_000;
const alert = (labels: Record<string, string>, endsAtMs = T0 + 60_000) =>
  makeAlert({
    labels,
    annotations: {},
    startsAtMs: T0,
    endsAtMs,
    generatorURL: '',
    updatedAtMs: T0,
    timeout: false,
  });

describe('Inhibitor', () => {
  const rule = {
    sourceMatchers: parseMatchers('severity=critical'),
    targetMatchers: parseMatchers('severity=warning'),
    equal: ['cluster'],
  };

  it.each([
    {
      name: 'same cluster',
      source: { severity: 'critical', cluster: 'a' },
      target: { severity: 'warning', cluster: 'a' },
      muted: true,
    },
    {
      name: 'other cluster',
      source: { severity: 'critical', cluster: 'a' },
      target: { severity: 'warning', cluster: 'b' },
      muted: false,
    },
    {
      name: 'both without cluster',
      source: { severity: 'critical' },
      target: { severity: 'warning' },
      muted: true,
    },
    {
      name: 'target not matching',
      source: { severity: 'critical' },
      target: { severity: 'info' },
      muted: false,
    },
  ] as { name: string; source: Record<string, string>; target: Record<string, string>; muted: boolean }[])(
    '$name',
    ({ source, target, muted }) => {
      const inh = new Inhibitor([rule]);
      const src = alert(source);
      inh.observe(src);
      expect(inh.inhibitedBy(target, T0)).toEqual(muted ? [src.fingerprint] : []);
    },
  );

  it('ignores resolved sources', () => {
    const inh = new Inhibitor([rule]);
    inh.observe(alert({ severity: 'critical' }, T0 - 1));
    expect(inh.inhibitedBy({ severity: 'warning' }, T0)).toEqual([]);
  });

  it('never lets an alert inhibit itself', () => {
    const both = {
      sourceMatchers: parseMatchers('team=x'),
      targetMatchers: parseMatchers('team=x'),
      equal: [],
    };
    const inh = new Inhibitor([both]);
    inh.observe(alert({ team: 'x' }));
    expect(inh.inhibitedBy({ team: 'x' }, T0)).toEqual([]);
  });
});

describe('fingerprint', () => {
  it('is FNV-1a 64 as Prometheus prints it', () => {
    // model.LabelSet{}.Fingerprint() is the FNV-1a offset basis.
    expect(alert({}).fingerprint).toBe('cbf29ce484222325');
    expect(alert({ a: 'b' }).fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});
