// Go's time formatting, zones and durations as the `date`, `tz` and `since`
// template functions expose them.
import { describe, expect, it } from 'vitest';
import { AlertmanagerTemplates, GoDuration, GoTime, TemplateData, formatGoDuration } from './index.ts';

const t = GoTime.parseRFC3339('2024-01-02T03:04:05.123456789Z');

describe('GoTime', () => {
  it.each([
    ['2006-01-02 15:04:05', '2024-01-02 03:04:05'],
    ['Mon Jan _2 3:04:05PM 2006', 'Tue Jan  2 3:04:05AM 2024'],
    ['Monday, 02-Jan-06 15:04:05 MST', 'Tuesday, 02-Jan-24 03:04:05 UTC'],
    ['2006-01-02T15:04:05.000Z07:00', '2024-01-02T03:04:05.123Z'],
    ['15:04:05.999999999 -0700', '03:04:05.123456789 +0000'],
    ['002 __2 .000000', '002   2 .123456'],
  ])('Format(%j)', (layout, want) => {
    expect(t.Format(layout)).toBe(want);
  });

  it('prints like Go and keeps offsets from RFC 3339', () => {
    expect(t.String()).toBe('2024-01-02 03:04:05.123456789 +0000 UTC');
    expect(GoTime.parseRFC3339('2024-03-10T23:59:59.5+02:00').String()).toBe(
      '2024-03-10 23:59:59.5 +0200 +0200',
    );
    expect(GoTime.parseRFC3339('0001-01-01T00:00:00Z').IsZero()).toBe(true);
  });
});

describe('durations', () => {
  it.each([
    [0, '0s'],
    [1500, '1.5µs'],
    [1_500_000, '1.5ms'],
    [1_500_000_000, '1.5s'],
    [90_000_000_000, '1m30s'],
    [3_600_000_000_000, '1h0m0s'],
    [-61_000_000_000, '-1m1s'],
  ])('%d ns prints %s', (ns, want) => {
    expect(formatGoDuration(ns)).toBe(want);
    expect(new GoDuration(ns).String()).toBe(want);
  });
});

describe('alertmanager time functions', () => {
  const templates = AlertmanagerTemplates.create({ now: () => new Date('2024-07-01T13:30:00Z') });
  const data = TemplateData.fromJSON({
    receiver: 'r',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { a: '1' },
        annotations: {},
        startsAt: '2024-07-01T12:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
      },
    ],
  });
  it.each([
    ['{{ (index .Alerts 0).StartsAt | date "15:04 MST" }}', '12:00 UTC'],
    ['{{ (index .Alerts 0).StartsAt | tz "Europe/Paris" | date "15:04 MST -07:00" }}', '14:00 CEST +02:00'],
    [
      '{{ (index .Alerts 0).StartsAt | tz "America/New_York" | date "2006-01-02 15:04 MST" }}',
      '2024-07-01 08:00 EDT',
    ],
    ['{{ since (index .Alerts 0).StartsAt }}', '1h30m0s'],
    ['{{ since (index .Alerts 0).StartsAt | humanizeDuration }}', '1h 30m 0s'],
    ['{{ humanizeDuration 3661 }}', '1h 1m 1s'],
    [
      '{{ with (index .Alerts 0).StartsAt }}{{ .Year }}-{{ .Day }} {{ .Hour }}:{{ .Minute }}:{{ .Second }} {{ .YearDay }}{{ end }}',
      '2024-1 12:0:0 183',
    ],
    ['{{ ((since (index .Alerts 0).StartsAt).Round 3600000000000) }}', '2h0m0s'],
    ['{{ ((since (index .Alerts 0).StartsAt).Truncate 3600000000000) }}', '1h0m0s'],
  ])('%s', (text, want) => {
    expect(templates.executeText(text, data)).toBe(want);
  });

  it("rejects unknown zones with Go's message", () => {
    expect(() => templates.executeText('{{ tz "Nope/Zone" (index .Alerts 0).StartsAt }}', data)).toThrow(
      'error calling tz: unknown time zone Nope/Zone',
    );
  });
});
