/** An inclusive integer range (`1:5`), or one value when `begin === end`. */
export interface IntRange {
  readonly begin: number;
  readonly end: number;
}

/** `start_time`/`end_time` in minutes of the day; the end is exclusive. */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/**
 * One spec of a time interval: every field that is set must match (AND), any entry
 * inside a field may match (OR). Weekdays count from Sunday = 0, months from 1.
 */
export interface TimeIntervalSpec {
  readonly times?: readonly TimeRange[];
  readonly weekdays?: readonly IntRange[];
  readonly daysOfMonth?: readonly IntRange[];
  readonly months?: readonly IntRange[];
  readonly years?: readonly IntRange[];
  /** IANA zone name, `UTC` or `Local` (the process's zone). */
  readonly location: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function rangeParts(text: string): [string, string] {
  const parts = text.split(':');
  if (parts.length > 2) throw new Error(`invalid range: ${text}`);
  return [parts[0]!, parts[1] ?? parts[0]!];
}

function byName(names: string[], what: string, text: string): IntRange {
  const [a, b] = rangeParts(text.toLowerCase());
  const begin = names.indexOf(a);
  const end = names.indexOf(b);
  if (begin < 0) throw new Error(`${a} is not a valid ${what}`);
  if (end < 0) throw new Error(`${b} is not a valid ${what}`);
  if (end < begin) throw new Error(`start day cannot be before end day`);
  return { begin, end };
}

/** Parses `monday:friday` (case-insensitive, inclusive). */
export function parseWeekdayRange(text: string): IntRange {
  return byName(WEEKDAYS, 'weekday', text);
}

/** Parses `january:march` or `1:3`. */
export function parseMonthRange(text: string): IntRange {
  const [a, b] = rangeParts(text.toLowerCase());
  const value = (s: string): number => {
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      if (n < 1 || n > 12) throw new Error(`${s} is not a valid month`);
      return n;
    }
    const i = MONTHS.indexOf(s);
    if (i < 0) throw new Error(`${s} is not a valid month`);
    return i + 1;
  };
  const begin = value(a);
  const end = value(b);
  if (end < begin) throw new Error(`end month ${b} is before start month ${a}`);
  return { begin, end };
}

/** Parses `1:15`, `-3:-1` (negative counts from the month's end). */
export function parseDayOfMonthRange(text: string): IntRange {
  const m = /^(-?\d+)(?::(-?\d+))?$/.exec(text);
  if (!m) throw new Error(`invalid range: ${text}`);
  const begin = Number(m[1]);
  const end = Number(m[2] ?? m[1]);
  for (const d of [begin, end]) {
    if (d === 0 || d < -31 || d > 31) throw new Error(`${d} is not a valid day of the month: out of range`);
  }
  if ((begin > 0 && end < 0) === false && begin > 0 === end > 0 && end < begin) {
    throw new Error(`end day must be greater than start day`);
  }
  return { begin, end };
}

/** Parses `2020:2022`. */
export function parseYearRange(text: string): IntRange {
  const m = /^(\d+)(?::(\d+))?$/.exec(text);
  if (!m) throw new Error(`invalid range: ${text}`);
  const begin = Number(m[1]);
  const end = Number(m[2] ?? m[1]);
  if (end < begin) throw new Error(`end year ${end} is before start year ${begin}`);
  return { begin, end };
}

/** Parses `HH:MM`; `24:00` is allowed. Returns minutes of the day. */
export function parseClock(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`couldn't parse timestamp ${text}, invalid format`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) throw new Error(`timestamp ${text} out of range`);
  return h * 60 + min;
}

/** Checks that `location` names a zone this runtime knows. */
export function checkLocation(location: string): void {
  if (location === 'Local' || location === 'UTC') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: location });
  } catch {
    throw new Error(`unknown time zone ${location}`);
  }
}

interface Civil {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
  daysInMonth: number;
}

function civilTime(atMs: number, location: string): Civil {
  const zone = location === 'Local' ? undefined : location;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'long',
    hourCycle: 'h23',
  }).formatToParts(new Date(atMs));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '0';
  const year = Number(get('year'));
  const month = Number(get('month'));
  return {
    year,
    month,
    day: Number(get('day')),
    weekday: WEEKDAYS.indexOf(get('weekday').toLowerCase()),
    minute: Number(get('hour')) * 60 + Number(get('minute')),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

function inRanges(ranges: readonly IntRange[] | undefined, value: number): boolean {
  if (ranges === undefined || ranges.length === 0) return true;
  return ranges.some((r) => value >= r.begin && value <= r.end);
}

/** Whether the instant `atMs` falls inside the spec (evaluated in its location). */
export function specContains(spec: TimeIntervalSpec, atMs: number): boolean {
  const t = civilTime(atMs, spec.location);
  if (spec.times && spec.times.length > 0) {
    if (!spec.times.some((r) => t.minute >= r.startMinute && t.minute < r.endMinute)) return false;
  }
  if (spec.daysOfMonth && spec.daysOfMonth.length > 0) {
    const ok = spec.daysOfMonth.some((r) => {
      const clamp = (d: number): number => {
        const abs = d < 0 ? t.daysInMonth + d + 1 : d;
        return Math.min(Math.max(abs, 1), t.daysInMonth);
      };
      return t.day >= clamp(r.begin) && t.day <= clamp(r.end);
    });
    if (!ok) return false;
  }
  return inRanges(spec.weekdays, t.weekday) && inRanges(spec.months, t.month) && inRanges(spec.years, t.year);
}

/** Whether any spec of an interval contains `atMs`. */
export function intervalContains(specs: readonly TimeIntervalSpec[], atMs: number): boolean {
  return specs.some((spec) => specContains(spec, atMs));
}
