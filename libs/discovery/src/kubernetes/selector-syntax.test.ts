import { describe, expect, it } from 'vitest';
import { fieldSelectorError, labelSelectorError } from './selector-syntax.ts';

describe('selector syntax', () => {
  it.each([
    '',
    'app=web',
    'app==web,tier!=db',
    'app.kubernetes.io/name=web',
    'env in (prod, staging),!legacy',
    'env notin (dev)',
    'app',
    'app=',
  ])('accepts label selector %j', (s) => {
    expect(labelSelectorError(s)).toBeUndefined();
  });

  it.each([
    { s: 'app=we b', want: /unable to parse requirement/ },
    { s: '-app=web', want: /invalid label key "-app"/ },
    { s: 'app=web!', want: /invalid label value: "web!"/ },
    { s: 'env in (prod', want: /unable to parse requirement/ },
  ])('refuses label selector $s', ({ s, want }) => {
    expect(labelSelectorError(s)).toMatch(want);
  });

  it('checks field selectors', () => {
    expect(fieldSelectorError('spec.nodeName=n1,status.phase!=Failed')).toBeUndefined();
    expect(fieldSelectorError('metadata.name==x')).toBeUndefined();
    expect(fieldSelectorError('spec.nodeName')).toMatch(/invalid selector/);
  });
});
