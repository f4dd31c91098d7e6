import { GO_TYPE } from './value.ts';

const NS_PER_S = 1_000_000_000;

/** A time zone: a fixed offset, or an IANA zone resolved through `Intl`. */
interface Zone {
  readonly name: string;
  /** Offset east of UTC and the abbreviation in force at an instant (Unix seconds). */
  at(unixSeconds: number): { offsetSeconds: number; abbreviation: string };
}

const utcZone: Zone = { name: 'UTC', at: () => ({ offsetSeconds: 0, abbreviation: 'UTC' }) };

function fixedZone(offsetSeconds: number): Zone {
  return { name: '', at: () => ({ offsetSeconds, abbreviation: '' }) };
}

const zoneCache = new Map<string, Zone>();

/**
 * Go's `time.LoadLocation`: `UTC`/`""` are UTC, `Local` is the process zone,
 * other names are IANA zones. Throws `unknown time zone <name>` as Go does.
 * Abbreviations come from ICU (`CET`, `EST`); where ICU has none Go's numeric form (`+03`) is used.
 */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC') return utcZone;
  const cached = zoneCache.get(name);
  if (cached) return cached;
  const ianaName = name === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  let parts: Intl.DateTimeFormat;
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: ianaName,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const abbrevFormats = ['en-US', 'en-GB'].map(
    (locale) => new Intl.DateTimeFormat(locale, { timeZone: ianaName, timeZoneName: 'short' }),
  );
  const zone: Zone = {
    name,
    at(unixSeconds) {
      const date = new Date(Math.floor(unixSeconds) * 1000);
      const p = Object.fromEntries(parts.formatToParts(date).map((x) => [x.type, x.value]));
      const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
      const offsetSeconds = Math.round((asUtc - date.getTime()) / 1000);
      let abbreviation = '';
      for (const f of abbrevFormats) {
        const z = f.formatToParts(date).find((x) => x.type === 'timeZoneName')?.value ?? '';
        if (z && !/^(GMT|UTC)[+-]/.test(z)) {
          abbreviation = z === 'GMT' && offsetSeconds === 0 && ianaName.startsWith('Etc') ? 'UTC' : z;
          break;
        }
      }
      if (!abbreviation) abbreviation = numericAbbreviation(offsetSeconds);
      return { offsetSeconds, abbreviation };
    },
  };
  zoneCache.set(name, zone);
  return zone;
}

function numericAbbreviation(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return m ? `${sign}${h}${String(m).padStart(2, '0')}` : `${sign}${h}`;
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Go's `time.Time` with nanosecond precision and a zone. Its methods (`Format`,
 * `String`, `UTC`, `Unix`, `IsZero`, …) are callable from templates as in Go.
 */
export class GoTime {
  readonly [GO_TYPE] = 'time.Time';
  readonly #unixSeconds: number;
  readonly #nanos: number;
  readonly #zone: Zone;

  constructor(unixSeconds: number, nanos = 0, zone: Zone = utcZone) {
    const carry = Math.floor(nanos / NS_PER_S);
    this.#unixSeconds = unixSeconds + carry;
    this.#nanos = nanos - carry * NS_PER_S;
    this.#zone = zone;
  }

  /** From a JS `Date` (millisecond precision), in UTC. */
  static fromDate(d: Date): GoTime {
    const ms = d.getTime();
    const s = Math.floor(ms / 1000);
    return new GoTime(s, (ms - s * 1000) * 1_000_000);
  }

  /**
   * Parses RFC 3339 with optional fraction (`time.RFC3339Nano`), as Go's JSON decoding does:
   * `Z` gives UTC, another offset a fixed zone without a name.
   */
  static parseRFC3339(text: string): GoTime {
    const m =
      /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(
        text,
      );
    if (!m)
      throw new Error(`parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
    const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
    const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) / 1000;
    const yearFix = +y! < 100 ? yearOffsetSeconds(+y!) : 0;
    const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
    if (z) return new GoTime(local + yearFix, nanos);
    const off = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
    return new GoTime(local + yearFix - off, nanos, off === 0 ? fixedZone(0) : fixedZone(off));
  }

  /** Seconds since the Unix epoch. */
  Unix(): number {
    return this.#unixSeconds;
  }

  UnixMilli(): number {
    return this.#unixSeconds * 1000 + Math.floor(this.#nanos / 1_000_000);
  }

  Nanosecond(): number {
    return this.#nanos;
  }

  #civil() {
    return civil(this.#unixSeconds, this.#zone.at(this.#unixSeconds).offsetSeconds);
  }

  Year(): number {
    return this.#civil().year;
  }

  Day(): number {
    return this.#civil().day;
  }

  Hour(): number {
    return this.#civil().hour;
  }

  Minute(): number {
    return this.#civil().minute;
  }

  Second(): number {
    return this.#civil().second;
  }

  YearDay(): number {
    return this.#civil().yday;
  }

  /** Whether this is Go's zero time, `0001-01-01 00:00:00 UTC`. */
  IsZero(): boolean {
    return this.#unixSeconds === ZERO_UNIX && this.#nanos === 0;
  }

  UTC(): GoTime {
    return new GoTime(this.#unixSeconds, this.#nanos, utcZone);
  }

  /** The same instant in another zone. */
  In(zone: Zone): GoTime {
    return new GoTime(this.#unixSeconds, this.#nanos, zone);
  }

  /** The duration `this - other`. */
  Sub(other: GoTime): GoDuration {
    return new GoDuration((this.#unixSeconds - other.#unixSeconds) * NS_PER_S + (this.#nanos - other.#nanos));
  }

  Add(d: GoDuration): GoTime {
    return new GoTime(this.#unixSeconds, this.#nanos + d.nanoseconds, this.#zone);
  }

  /** A JS Date (millisecond precision). */
  toDate(): Date {
    return new Date(this.UnixMilli());
  }

  /** Go's `Format(layout)` with the reference time `Mon Jan 2 15:04:05 MST 2006`. */
  Format(layout: string): string {
    return formatTime(this.#unixSeconds, this.#nanos, this.#zone, layout);
  }

  /** `2006-01-02 15:04:05.999999999 -0700 MST`, as Go prints a time. */
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }

  /** RFC 3339 with nanoseconds, as Go's `MarshalJSON`. */
  toJSON(): string {
    return this.Format('2006-01-02T15:04:05.999999999Z07:00');
  }
}

/** Unix seconds of `0001-01-01T00:00:00Z`. */
const ZERO_UNIX = -62135596800;

function yearOffsetSeconds(year: number): number {
  // Date.UTC maps years 0-99 to 1900-1999; undo that.
  const wrong = Date.UTC(year, 0, 1) / 1000;
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return d.getTime() / 1000 - wrong;
}

/** Go's zero `time.Time`. */
export const ZERO_TIME = new GoTime(ZERO_UNIX, 0);

function civil(unixSeconds: number, offsetSeconds: number) {
  const local = unixSeconds + offsetSeconds;
  const days = Math.floor(local / 86400);
  const secs = local - days * 86400;
  const d = new Date(days * 86400 * 1000);
  const year = d.getUTCFullYear();
  const start = new Date(0);
  start.setUTCFullYear(year, 0, 1);
  const yday = Math.floor((d.getTime() - start.getTime()) / 86400000) + 1;
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    yday,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
  };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function formatOffset(off: number, colon: boolean, seconds: boolean, hoursOnly: boolean, z: boolean): string {
  if (z && off === 0) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = pad(abs % 60, 2);
  if (hoursOnly) return `${sign}${h}`;
  const sep = colon ? ':' : '';
  return `${sign}${h}${sep}${m}${seconds ? sep + s : ''}`;
}

function formatTime(unixSeconds: number, nanos: number, zone: Zone, layout: string): string {
  const { offsetSeconds, abbreviation } = zone.at(unixSeconds);
  const c = civil(unixSeconds, offsetSeconds);
  let out = '';
  let i = 0;
  const startsLower = (j: number): boolean => j < layout.length && layout[j]! >= 'a' && layout[j]! <= 'z';
  while (i < layout.length) {
    const rest = layout.slice(i);
    const take = (token: string, value: string): boolean => {
      if (!rest.startsWith(token)) return false;
      out += value;
      i += token.length;
      return true;
    };
    const ch = layout[i]!;
    if (ch === 'J' && rest.startsWith('Jan')) {
      if (take('January', monthNames[c.month - 1]!)) continue;
      if (!startsLower(i + 3) && take('Jan', monthNames[c.month - 1]!.slice(0, 3))) continue;
    }
    if (ch === 'M') {
      if (rest.startsWith('Mon')) {
        if (take('Monday', dayNames[c.weekday]!)) continue;
        if (!startsLower(i + 3) && take('Mon', dayNames[c.weekday]!.slice(0, 3))) continue;
      }
      if (take('MST', abbreviation || formatOffset(offsetSeconds, false, false, false, false))) continue;
    }
    if (ch === '0') {
      if (take('002', pad(c.yday, 3))) continue;
      if (take('01', pad(c.month, 2))) continue;
      if (take('02', pad(c.day, 2))) continue;
      if (take('03', pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2))) continue;
      if (take('04', pad(c.minute, 2))) continue;
      if (take('05', pad(c.second, 2))) continue;
      if (take('06', pad(c.year % 100, 2))) continue;
    }
    if (ch === '1') {
      if (take('15', pad(c.hour, 2))) continue;
      if (take('1', String(c.month))) continue;
    }
    if (ch === '2') {
      if (take('2006', pad(c.year, 4))) continue;
      if (take('2', String(c.day))) continue;
    }
    if (ch === '_') {
      if (rest.startsWith('_2006')) {
        out += `_${pad(c.year, 4)}`;
        i += 5;
        continue;
      }
      if (take('__2', String(c.yday).padStart(3, ' '))) continue;
      if (take('_2', String(c.day).padStart(2, ' '))) continue;
    }
    if (take('3', String(c.hour % 12 === 0 ? 12 : c.hour % 12))) continue;
    if (take('4', String(c.minute))) continue;
    if (take('5', String(c.second))) continue;
    if (take('PM', c.hour >= 12 ? 'PM' : 'AM')) continue;
    if (take('pm', c.hour >= 12 ? 'pm' : 'am')) continue;
    if (ch === '-' || ch === 'Z') {
      const z = ch === 'Z';
      const base = rest.slice(z ? 1 : 1);
      const forms: [string, boolean, boolean, boolean][] = [
        ['070000', false, true, false],
        ['07:00:00', true, true, false],
        ['0700', false, false, false],
        ['07:00', true, false, false],
        ['07', false, false, true],
      ];
      const hit = forms.find(([f]) => base.startsWith(f));
      if (hit) {
        out += formatOffset(offsetSeconds, hit[1], hit[2], hit[3], z);
        i += 1 + hit[0].length;
        continue;
      }
    }
    if ((ch === '.' || ch === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const digit = layout[i + 1]!;
      let j = i + 1;
      while (j < layout.length && layout[j] === digit) j++;
      if (!(j < layout.length && layout[j]! >= '0' && layout[j]! <= '9')) {
        const n = j - i - 1;
        let frac = pad(nanos, 9).slice(0, n);
        if (digit === '9') {
          frac = frac.replace(/0+$/, '');
          out += frac ? ch + frac : '';
        } else out += ch + frac;
        i = j;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** Go's `time.Duration` (nanoseconds); prints like Go (`1h2m3.5s`, `150ms`). */
export class GoDuration {
  readonly [GO_TYPE] = 'time.Duration';

  constructor(readonly nanoseconds: number) {}

  Seconds(): number {
    return this.nanoseconds / NS_PER_S;
  }

  Minutes(): number {
    return this.nanoseconds / (60 * NS_PER_S);
  }

  Hours(): number {
    return this.nanoseconds / (3600 * NS_PER_S);
  }

  Milliseconds(): number {
    return Math.trunc(this.nanoseconds / 1_000_000);
  }

  /** Rounds to a multiple of `m` (a duration or nanoseconds), halves away from zero. */
  Round(m: GoDuration | number): GoDuration {
    const step = m instanceof GoDuration ? m.nanoseconds : m;
    if (step <= 0) return this;
    const r = Math.sign(this.nanoseconds) * Math.round(Math.abs(this.nanoseconds) / step) * step;
    return new GoDuration(r);
  }

  /** Rounds toward zero to a multiple of `m` (a duration or nanoseconds). */
  Truncate(m: GoDuration | number): GoDuration {
    const step = m instanceof GoDuration ? m.nanoseconds : m;
    if (step <= 0) return this;
    return new GoDuration(Math.trunc(this.nanoseconds / step) * step);
  }

  String(): string {
    return formatGoDuration(this.nanoseconds);
  }
}

function fracString(v: number, scale: number): string {
  const whole = Math.floor(v / scale);
  const frac = v - whole * scale;
  if (frac === 0) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${pad(frac, digits).replace(/0+$/, '')}`;
}

/** Go's `Duration.String()`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  const u = Math.abs(Math.round(ns));
  let s: string;
  if (u < NS_PER_S) {
    if (u < 1000) s = `${u}ns`;
    else if (u < 1_000_000) s = `${fracString(u, 1000)}µs`;
    else s = `${fracString(u, 1_000_000)}ms`;
  } else {
    const totalSec = Math.floor(u / NS_PER_S);
    const frac = u - totalSec * NS_PER_S;
    const secs = totalSec % 60;
    const mins = Math.floor(totalSec / 60) % 60;
    const hours = Math.floor(totalSec / 3600);
    const secStr = frac ? `${secs}.${pad(frac, 9).replace(/0+$/, '')}s` : `${secs}s`;
    if (hours > 0) s = `${hours}h${mins}m${secStr}`;
    else if (mins > 0) s = `${mins}m${secStr}`;
    else s = secStr;
  }
  return neg ? `-${s}` : s;
}

/** Coerces a `Date` or {@link GoTime} to a {@link GoTime}; undefined for anything else. */
export function toGoTime(v: unknown): GoTime | undefined {
  if (v instanceof GoTime) return v;
  if (v instanceof Date) return GoTime.fromDate(v);
  return undefined;
}
