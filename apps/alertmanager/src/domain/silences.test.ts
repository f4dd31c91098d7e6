import { describe, expect, it } from 'vitest';
import { parseMatchers } from './parse-matchers.ts';
import { Silences, silenceState } from './silences.ts';

const H = 3_600_000;
const T0 = 1_700_000_000_000;
const input = (m: string, startsAtMs: number, endsAtMs: number, id?: string) => ({
  id,
  matchers: parseMatchers(m),
  startsAtMs,
  endsAtMs,
  createdBy: 'me',
  comment: 'c',
});

describe('Silences', () => {
  it.each([
    { name: 'no matcher', m: '', want: 'at least one matcher required' },
    {
      name: 'only empty-matching',
      m: 'foo=~".*"',
      want: 'at least one matcher must not match the empty string',
    },
    { name: 'end before start', m: 'a=b', end: T0 - 1, want: 'end time must not be before start time' },
  ])('refuses $name', ({ m, end, want }) => {
    expect(() => new Silences().set(input(m, T0, end ?? T0 + H), T0)).toThrow(want);
  });

  it('moves a start in the past to now and goes pending → active → expired', () => {
    const s = new Silences();
    const id = s.set(input('a=b', T0 - H, T0 + H), T0);
    expect(s.get(id)!.startsAtMs).toBe(T0);
    const p = s.set(input('a=b', T0 + H, T0 + 2 * H), T0);
    expect(silenceState(s.get(p)!, T0)).toBe('pending');
    expect(s.mutedBy({ a: 'b' }, T0)).toEqual([id]);
    expect(s.mutedBy({ a: 'b' }, T0 + 1.5 * H).sort()).toEqual([p]);
    expect(silenceState(s.get(p)!, T0 + 3 * H)).toBe('expired');
  });

  it.each([
    { name: 'same matchers, later end: in place', m: 'a=b', end: T0 + 2 * H, same: true },
    { name: 'changed matchers: expire and new id', m: 'a=c', end: T0 + 2 * H, same: false },
  ])('updates an active silence: $name', ({ m, end, same }) => {
    const s = new Silences();
    const id = s.set(input('a=b', T0, T0 + H), T0);
    const next = s.set(input(m, T0, end, id), T0 + 1000);
    expect(next === id).toBe(same);
    if (!same) expect(silenceState(s.get(id)!, T0 + 2000)).toBe('expired');
  });

  it('expires active and pending silences and ignores expired ones', () => {
    const s = new Silences();
    const a = s.set(input('a=b', T0, T0 + H), T0);
    const p = s.set(input('a=b', T0 + H, T0 + 2 * H), T0);
    s.expire(a, T0 + 10);
    s.expire(p, T0 + 10);
    expect(s.get(a)!.endsAtMs).toBe(T0 + 10);
    expect(s.get(p)).toMatchObject({ startsAtMs: T0 + 10, endsAtMs: T0 + 10 });
    expect(() => s.expire(a, T0 + 20)).not.toThrow();
    expect(() => s.set(input('a=b', T0, T0 + H, 'nope'), T0)).toThrow('silence nope not found');
  });
});
