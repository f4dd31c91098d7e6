import { describe, expect, it } from 'vitest';
import {
  fieldValue,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';
import { KubeApiError } from './status.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', rev: '7' };
  it.each([
    { sel: '', want: true },
    { sel: 'app=web', want: true },
    { sel: 'app==web', want: true },
    { sel: 'app=db', want: false },
    { sel: 'app!=db', want: true },
    { sel: 'missing!=x', want: true },
    { sel: 'app=web,tier=back', want: false },
    { sel: 'app in (db, web)', want: true },
    { sel: 'app notin (db,web)', want: false },
    { sel: 'missing notin (x)', want: true },
    { sel: 'tier', want: true },
    { sel: '!tier', want: false },
    { sel: '!missing', want: true },
    { sel: 'rev>5', want: true },
    { sel: 'rev<5', want: false },
    { sel: ' app = web , tier in (front) ', want: true },
  ])('$sel → $want', ({ sel, want }) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it.each(['app=(x', 'a b', 'x>y'])('rejects %s with a 400 naming it', (sel) => {
    expect(() => parseLabelSelector(sel)).toThrow(KubeApiError);
    try {
      parseLabelSelector(sel);
    } catch (err) {
      expect((err as KubeApiError).code).toBe(400);
      expect((err as KubeApiError).message).toContain(sel);
    }
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running' },
  };
  it.each([
    { sel: 'metadata.name=p', want: true },
    { sel: 'metadata.name==p,metadata.namespace=ns', want: true },
    { sel: 'metadata.namespace!=ns', want: false },
    { sel: 'spec.nodeName=n1', want: true },
    { sel: 'spec.nodeName=', want: false },
    { sel: 'spec.missing=', want: true },
    { sel: 'status.phase!=Pending', want: true },
  ])('$sel → $want', ({ sel, want }) => {
    expect(matchesFields(parseFieldSelector(sel), pod)).toBe(want);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b')).toEqual([
      { field: 'metadata.name', op: '=', value: 'a,b' },
    ]);
  });

  it('reads missing fields as empty and scalars as text', () => {
    expect(fieldValue({ a: { b: 3 } }, 'a.b')).toBe('3');
    expect(fieldValue({}, 'a.b')).toBe('');
  });

  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/invalid selector/);
  });
});
