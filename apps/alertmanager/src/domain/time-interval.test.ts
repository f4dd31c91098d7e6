import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.ts';
import { intervalContains } from './time-interval.ts';

const intervals = parseConfig(`route: {receiver: r}
receivers: [{name: r}]
time_intervals:
  - name: business
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{start_time: '09:00', end_time: '17:00'}]
  - name: berlin-evening
    time_intervals:
      - times: [{start_time: '18:00', end_time: '24:00'}]
        location: Europe/Berlin
  - name: month-end
    time_intervals:
      - days_of_month: ['-2:-1']
        months: ['february']
  - name: years
    time_intervals:
      - years: ['2024:2025']
`).timeIntervals;

describe('time intervals', () => {
  it.each([
    { name: 'business', at: '2026-11-27T09:00:00Z', want: true }, // Friday, start inclusive
    { name: 'business', at: '2026-11-27T17:00:00Z', want: false }, // end exclusive
    { name: 'business', at: '2026-11-28T12:00:00Z', want: false }, // Saturday
    { name: 'berlin-evening', at: '2026-11-28T17:30:00Z', want: true }, // 18:30 in Berlin (CET)
    { name: 'berlin-evening', at: '2026-11-28T16:30:00Z', want: false },
    { name: 'berlin-evening', at: '2026-11-28T22:59:00Z', want: true }, // 23:59, before 24:00
    { name: 'month-end', at: '2024-02-28T00:00:00Z', want: true }, // leap year: 28, 29 are the last two
    { name: 'month-end', at: '2024-02-27T00:00:00Z', want: false },
    { name: 'month-end', at: '2025-02-27T00:00:00Z', want: true },
    { name: 'years', at: '2025-12-31T23:59:00Z', want: true },
    { name: 'years', at: '2026-01-01T00:00:00Z', want: false },
  ])('$name at $at → $want', ({ name, at, want }) => {
    expect(intervalContains(intervals.get(name)!, Date.parse(at))).toBe(want);
  });
});
